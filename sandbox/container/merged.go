package container

import (
	"fmt"
	"runtime"
	"strconv"

	"github.com/dockling/dockling/sandbox"
	"github.com/dockling/dockling/sandbox/rootfs"
	"golang.org/x/sys/unix"
)

// WithRoot runs fn with c's root filesystem opened as a Root, whether c is
// running or not.
//
// Running: the container's "/" is /proc/PID/root, its root as the kernel
// sees it from inside, with every mount the container has (its overlay,
// its volumes, its /etc/hostname). We open it once and resolve every path
// relative to that descriptor (see Root).
//
// Stopped: nothing is mounted anywhere. The files are the image's layers
// and the container's upper directory, and only an overlay mount shows
// them as one tree. fn runs while that mount exists, in a mount namespace
// of our own (see withMergedRoot), so a copy into a stopped container
// becomes ordinary overlay copy-ups in its upper directory.
func (s *Store) WithRoot(c *Container, fn func(*Root) error) error {
	if c.State.Status == Running && c.State.Alive() {
		r, err := OpenRoot("/proc/" + strconv.Itoa(c.State.Pid) + "/root")
		if err != nil {
			return err
		}
		defer r.Close()
		// The PID could have ended and been reused between the check and
		// the open; after the open our descriptor pins whatever root it
		// got, so check once more that it was the container's.
		if !c.State.Alive() {
			return fmt.Errorf("container %s stopped during the copy; run the command again", c.Name)
		}
		return fn(r)
	}
	// Hold the container's lock: `dockling start` takes it first, so the
	// container cannot start on the same upper directory while we have it
	// mounted.
	l, err := s.Lock(c.ID)
	if err != nil {
		return err
	}
	defer l.Unlock()
	fresh, err := s.Load(c.ID)
	if err != nil {
		return err
	}
	if fresh.State.Status == Running && fresh.State.Alive() {
		return fmt.Errorf("container %s started during the copy; run the command again", c.Name)
	}
	if fresh.Config.Rootfs == "" {
		return fmt.Errorf("container %s has no root filesystem recorded; it cannot be copied from", c.Name)
	}
	return withMergedRoot(&fresh.Config, fn)
}

// withMergedRoot mounts cfg's overlay (and volumes) in a private mount
// namespace and runs fn there. The trick, as in rootfs.OverlayUsable:
//
//   - a goroutine locks itself to its OS thread and never unlocks, so
//     when it returns Go ends that thread instead of reusing it;
//   - unshare(CLONE_NEWNS) gives that one thread a mount namespace of its
//     own (it also unshares the thread's working directory, CLONE_FS);
//   - "/" is made recursively private first, or systemd's shared "/"
//     would propagate our mounts back to the host;
//   - the overlay is mounted, fn runs on this same thread (every file
//     system call of this goroutine does), and returns;
//   - the thread exits, its namespace has no member left, and the kernel
//     unmounts everything in it. Nothing ever shows in the host's mount
//     table, and a crash halfway leaves nothing mounted either.
//
// Go starts new threads from a clean template thread, never by cloning a
// locked one, so no other goroutine inherits this namespace.
func withMergedRoot(cfg *sandbox.Config, fn func(*Root) error) error {
	errc := make(chan error, 1)
	go func() {
		runtime.LockOSThread() // never unlocked: the thread dies with its namespace
		errc <- mergedRoot(cfg, fn)
	}()
	return <-errc
}

func mergedRoot(cfg *sandbox.Config, fn func(*Root) error) error {
	if err := unix.Unshare(unix.CLONE_NEWNS); err != nil {
		return fmt.Errorf("unshare mount namespace: %w; dockling cp on a stopped container needs root", err)
	}
	if err := unix.Mount("", "/", "", unix.MS_REC|unix.MS_PRIVATE, ""); err != nil {
		return fmt.Errorf("make / private: %w", err)
	}
	var ops []func() error
	if ov := cfg.Overlay; ov != nil && len(ov.Lower) > 0 {
		// The same mount the container's init makes: layers top first,
		// then the container's own upper and work directories.
		for _, op := range rootfs.MountOverlay(ov.Lower, ov.Upper, ov.Work, cfg.Rootfs) {
			ops = append(ops, op.Do)
		}
	}
	// Volumes and /etc/hostname, /etc/hosts, /etc/resolv.conf are bind
	// mounts at run time; without them a copy would see the image's files
	// at those paths, not the container's.
	for _, op := range rootfs.BindMounts(cfg.Rootfs, cfg.Mounts) {
		ops = append(ops, op.Do)
	}
	for _, do := range ops {
		if err := do(); err != nil {
			return fmt.Errorf("mount the stopped container's files: %w", err)
		}
	}
	r, err := OpenRoot(cfg.Rootfs)
	if err != nil {
		return err
	}
	defer r.Close()
	r.pinned = true
	return fn(r)
}
