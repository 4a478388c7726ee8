package rootfs

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/dockling/dockling/sandbox/explain"
	"github.com/dockling/dockling/sandbox/fsutil"
	"golang.org/x/sys/unix"
)

// MountOverlay stacks the image's layers (read-only, shared by every
// container of the image) under one writable directory of this container's
// own, and mounts the union on target. Reads fall through to the highest
// layer that has the file; the first write to a file copies it up into
// upper; a delete leaves a "whiteout" in upper. The layers never change.
//
// lower is bottom layer first, as images list them; overlayfs wants the top
// first. The mount options must fit in one page (4 KiB), so we mount from
// inside the layers' directory and name each layer by its short relative
// name rather than its full path: room for about 60 layers.
func MountOverlay(lower []string, upper, work, target string) []explain.Op {
	dir := filepath.Dir(lower[0])
	names := make([]string, len(lower))
	for i, l := range lower {
		if filepath.Dir(l) != dir {
			dir = "" // layers in different directories: use full paths
		}
		names[len(lower)-1-i] = l
	}
	if dir != "" {
		for i, l := range names {
			names[i] = filepath.Base(l)
		}
	}
	opts := fmt.Sprintf("lowerdir=%s,upperdir=%s,workdir=%s", strings.Join(names, ":"), upper, work)
	var ops []explain.Op
	if dir != "" {
		ops = append(ops, explain.Op{
			Call: fmt.Sprintf("chdir(%q)", dir), Shell: "cd " + q(dir),
			Why: "layer names are relative to here, to keep the mount options short",
			Do:  func() error { return unix.Chdir(dir) },
		})
	}
	ops = append(ops, explain.Op{
		Call:  fmt.Sprintf(`mount("overlay", %q, "overlay", 0, %q)`, target, opts),
		Shell: fmt.Sprintf("mount -t overlay overlay -o %s %s", q(opts), q(target)),
		Why:   "the image's layers read-only, topped by this container's own writable layer",
		Do: func() error {
			if err := os.MkdirAll(target, 0o755); err != nil {
				return err
			}
			return unix.Mount("overlay", target, "overlay", 0, opts)
		},
	})
	return ops
}

// OverlayUsable tells whether overlayfs works with upper directories under
// dir: the kernel must know overlay, and dir's filesystem must report file
// types in directory listings (d_type; XFS made with ftype=0, common on old
// CentOS 7 installs, does not, and overlay then misbehaves). It mounts a
// tiny overlay for real, in a throwaway mount namespace, so nothing of the
// trial is ever visible on the host.
func OverlayUsable(dir string) error {
	if ok, err := fsutil.DirentTypesWork(dir); err != nil {
		return fmt.Errorf("check d_type on %s: %w", dir, err)
	} else if !ok {
		return fmt.Errorf("the filesystem of %s does not report d_type (XFS with ftype=0?); see \"dockling doctor\"", dir)
	}
	tmp, err := os.MkdirTemp(dir, ".overlay-probe-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	for _, d := range []string{"lower", "upper", "work", "merged"} {
		if err := os.Mkdir(filepath.Join(tmp, d), 0o755); err != nil {
			return err
		}
	}
	errc := make(chan error, 1)
	go func() {
		// Unshare this one OS thread's mount namespace and never give the
		// thread back to Go's scheduler: when the goroutine ends, the
		// runtime ends the thread, and its namespace with it.
		runtime.LockOSThread()
		if err := unix.Unshare(unix.CLONE_NEWNS); err != nil {
			errc <- fmt.Errorf("unshare mount namespace: %w", err)
			return
		}
		if err := unix.Mount("", "/", "", unix.MS_REC|unix.MS_PRIVATE, ""); err != nil {
			errc <- err
			return
		}
		opts := fmt.Sprintf("lowerdir=%s,upperdir=%s,workdir=%s", filepath.Join(tmp, "lower"), filepath.Join(tmp, "upper"), filepath.Join(tmp, "work"))
		if err := unix.Mount("overlay", filepath.Join(tmp, "merged"), "overlay", 0, opts); err != nil {
			if errors.Is(err, unix.ENODEV) {
				err = errors.New("this kernel has no overlay filesystem (modprobe overlay)")
			}
			errc <- err
			return
		}
		errc <- unix.Unmount(filepath.Join(tmp, "merged"), unix.MNT_DETACH)
	}()
	if err := <-errc; err != nil {
		return fmt.Errorf("overlay mount on %s: %w", dir, err)
	}
	return nil
}
