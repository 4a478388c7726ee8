//go:build integration

package rootfs

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/dockling/dockling/sandbox/explain"
	"golang.org/x/sys/unix"
)

// inMountNamespace runs fn on one OS thread that has a private mount
// namespace of its own. The thread is never handed back to Go's scheduler,
// so when fn returns the runtime ends it and the namespace, with every
// mount made in it, goes too: nothing can leak to the host.
func inMountNamespace(fn func() error) error {
	errc := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		if err := unix.Unshare(unix.CLONE_NEWNS); err != nil {
			errc <- fmt.Errorf("unshare mount namespace: %w", err)
			return
		}
		if err := MakePrivate().Do(); err != nil {
			errc <- fmt.Errorf("make / private: %w", err)
			return
		}
		errc <- fn()
	}()
	return <-errc
}

// sameFile tells whether two paths are the same inode on the same device,
// which is what a bind mount makes of source and target.
func sameFile(a, b string) (bool, error) {
	var sa, sb unix.Stat_t
	if err := unix.Stat(a, &sa); err != nil {
		return false, err
	}
	if err := unix.Stat(b, &sb); err != nil {
		return false, err
	}
	return sa.Dev == sb.Dev && sa.Ino == sb.Ino, nil
}

func mountPoints(file string) (map[string]bool, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	out := map[string]bool{}
	for _, line := range strings.Split(string(data), "\n") {
		if f := strings.Fields(line); len(f) > 4 {
			out[f[4]] = true
		}
	}
	return out, nil
}

func TestIntegrationBindMountsThroughHostileSymlink(t *testing.T) {
	tmp := t.TempDir()
	root := filepath.Join(tmp, "rootfs")
	hostdir := filepath.Join(tmp, "hostdir")
	hostdir2 := filepath.Join(tmp, "hostdir2")
	conf := filepath.Join(tmp, "app.conf")
	for _, d := range []string{root, hostdir, hostdir2} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(hostdir2, "page.html"), []byte("hello\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(conf, []byte("port=80\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	// The hostile image: /data points at /etc. Followed on the host, a
	// mount on rootfs/data would cover the host's /etc.
	if err := os.Symlink("/etc", filepath.Join(root, "data")); err != nil {
		t.Fatal(err)
	}
	marker := "dockling-bind-test-" + filepath.Base(filepath.Dir(tmp))

	err := inMountNamespace(func() error {
		plan := BindMounts(root, []BindMount{
			{Source: hostdir, Destination: "/data"},
			{Source: hostdir2, Destination: "/ro", ReadOnly: true},
			{Source: conf, Destination: "/conf/app.conf", ReadOnly: true},
		})
		if err := explain.Run(plan, nil, explain.Child); err != nil {
			return err
		}
		// Undo our mounts before the namespace goes, deepest first.
		defer func() {
			for _, p := range []string{"conf/app.conf", "ro", "etc"} {
				_ = unix.Unmount(filepath.Join(root, p), unix.MNT_DETACH)
			}
		}()

		mounts, err := mountPoints("/proc/thread-self/mountinfo")
		if err != nil {
			return err
		}
		if !mounts[filepath.Join(root, "etc")] {
			return fmt.Errorf("no mount at %s/etc: the bind did not land inside the root", root)
		}
		if mounts["/etc"] {
			return errors.New("/etc is a mount point: the bind followed the symlink to the host")
		}
		if same, err := sameFile("/etc", hostdir); err != nil || same {
			return fmt.Errorf("the host's /etc is now the host dir (same=%v, err=%v)", same, err)
		}

		// Writes through /data land in hostdir, and never in the host's /etc.
		// After pivot_root the container's /data -> /etc means rootfs/etc;
		// before it (here), opening rootfs/data would follow the link to
		// the host's /etc, so we write where the container would.
		inContainer, err := SecureJoin(root, "/data")
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(inContainer, marker), []byte("x"), 0o644); err != nil {
			return fmt.Errorf("write through /data: %w", err)
		}
		if _, err := os.Stat(filepath.Join(hostdir, marker)); err != nil {
			return fmt.Errorf("a write through /data is not in hostdir: %w", err)
		}
		if _, err := os.Stat(filepath.Join("/etc", marker)); !errors.Is(err, os.ErrNotExist) {
			os.Remove(filepath.Join("/etc", marker))
			return fmt.Errorf("a write through /data reached the host's /etc (%v)", err)
		}

		// /ro shows hostdir2 and refuses writes.
		if b, err := os.ReadFile(filepath.Join(root, "ro/page.html")); err != nil || string(b) != "hello\n" {
			return fmt.Errorf("read through /ro: %q, %v", b, err)
		}
		err = os.WriteFile(filepath.Join(root, "ro/new"), []byte("x"), 0o644)
		if !errors.Is(err, unix.EROFS) {
			return fmt.Errorf("write through /ro: %v, want EROFS", err)
		}

		// A single file mounted on a file the plan created.
		if b, err := os.ReadFile(filepath.Join(root, "conf/app.conf")); err != nil || string(b) != "port=80\n" {
			return fmt.Errorf("read through /conf/app.conf: %q, %v", b, err)
		}
		if err := os.WriteFile(filepath.Join(root, "conf/app.conf"), []byte("x"), 0o644); !errors.Is(err, unix.EROFS) {
			return fmt.Errorf("write to the read-only file mount: %v, want EROFS", err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}

	// Nothing of it is visible from the test's own mount namespace.
	mounts, err := mountPoints("/proc/self/mountinfo")
	if err != nil {
		t.Fatal(err)
	}
	for m := range mounts {
		if strings.HasPrefix(m, tmp) {
			t.Errorf("mount %s leaked to the host's mount namespace", m)
		}
	}
	if _, err := os.Stat(filepath.Join(root, "etc", marker)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the marker is in the image's own /etc: the mount was not there (%v)", err)
	}
}
