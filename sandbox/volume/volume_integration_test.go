//go:build integration

package volume

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/dockling/dockling/sandbox/explain"
	"github.com/dockling/dockling/sandbox/rootfs"
	"golang.org/x/sys/unix"
)

// asContainer runs the plan's mounts and then fn on one OS thread with a
// private mount namespace, standing in for a container's child. The thread
// is never unlocked, so it dies with its namespace and mounts when fn ends.
func asContainer(root string, mounts []rootfs.BindMount, fn func() error) error {
	errc := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		if err := unix.Unshare(unix.CLONE_NEWNS); err != nil {
			errc <- fmt.Errorf("unshare mount namespace: %w", err)
			return
		}
		plan := append([]explain.Op{rootfs.MakePrivate()}, rootfs.BindMounts(root, mounts)...)
		if err := explain.Run(plan, nil, explain.Child); err != nil {
			errc <- err
			return
		}
		err := fn()
		for i := len(mounts) - 1; i >= 0; i-- {
			if p, jerr := rootfs.SecureJoin(root, mounts[i].Destination); jerr == nil {
				_ = unix.Unmount(p, unix.MNT_DETACH)
			}
		}
		errc <- err
	}()
	return <-errc
}

// TestIntegrationVolumeDataOutlivesContainer: two "containers" one after
// the other use -v web-data:/data; what the first writes, the second reads,
// and an anonymous volume and a read-only named one behave as docker's.
func TestIntegrationVolumeDataOutlivesContainer(t *testing.T) {
	state := t.TempDir()
	store, err := Open(state)
	if err != nil {
		t.Fatal(err)
	}
	newRoot := func(name string) string {
		r := filepath.Join(state, name)
		if err := os.MkdirAll(r, 0o755); err != nil {
			t.Fatal(err)
		}
		return r
	}
	resolve := func(flags ...string) ([]Mount, []rootfs.BindMount) {
		specs, err := ParseSpecs(flags)
		if err != nil {
			t.Fatal(err)
		}
		var ms []Mount
		var binds []rootfs.BindMount
		for _, sp := range specs {
			m, err := store.Resolve(sp)
			if err != nil {
				t.Fatal(err)
			}
			ms = append(ms, m)
			binds = append(binds, m.Bind())
		}
		return ms, binds
	}

	first := newRoot("first")
	ms, binds := resolve("web-data:/data", "/scratch")
	if ms[1].Name == "" || ms[1].Type != TypeVolume {
		t.Fatalf("anonymous volume not made: %+v", ms[1])
	}
	err = asContainer(first, binds, func() error {
		if err := os.WriteFile(filepath.Join(first, "data/visits"), []byte("1\n"), 0o644); err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(first, "scratch/tmp"), []byte("x"), 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	// The "container" is gone; its data is in the store.
	v, err := store.Get("web-data")
	if err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(filepath.Join(v.Mountpoint, "visits")); err != nil || string(b) != "1\n" {
		t.Fatalf("after the first container: %q, %v", b, err)
	}
	if _, err := os.Stat(filepath.Join(first, "data/visits")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the write went to the container's own root, not the volume (%v)", err)
	}
	if _, err := os.Stat(filepath.Join(ms[1].Source, "tmp")); err != nil {
		t.Errorf("anonymous volume did not keep its file: %v", err)
	}

	second := newRoot("second")
	_, binds = resolve("web-data:/data:ro")
	err = asContainer(second, binds, func() error {
		b, err := os.ReadFile(filepath.Join(second, "data/visits"))
		if err != nil || string(b) != "1\n" {
			return fmt.Errorf("the second container reads %q, %v; want the first one's data", b, err)
		}
		if err := os.WriteFile(filepath.Join(second, "data/visits"), []byte("2\n"), 0o644); !errors.Is(err, unix.EROFS) {
			return fmt.Errorf("write to a :ro volume: %v, want EROFS", err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}

	// No mount of ours is left in the test's own namespace.
	info, err := os.ReadFile("/proc/self/mountinfo")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(info), state) {
		t.Errorf("a mount under %s leaked to the host:\n%s", state, info)
	}
	removed, err := store.Prune(true)
	if err != nil || len(removed) != 2 {
		t.Errorf("Prune = %v, %v; want both volumes gone", removed, err)
	}
}
