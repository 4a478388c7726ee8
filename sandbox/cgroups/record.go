package cgroups

import (
	"errors"
	"fmt"
	"sync"

	"golang.org/x/sys/unix"
)

// FileWrite is one change made to the cgroup filesystem, in the kernel's
// names, so --explain and --script can show the learner the same steps as
// shell commands: mkdir DIR, echo VALUE > PATH, rmdir DIR.
type FileWrite struct {
	Op    string // "mkdir", "write" or "rmdir"
	Path  string
	Value string // the value written; empty for mkdir and rmdir
}

// recorder makes every change through one place so that nothing happens
// that Files() would not show.
type recorder struct {
	h   *host
	mu  sync.Mutex
	ops []FileWrite
}

func (r *recorder) note(op, path, value string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.ops = append(r.ops, FileWrite{Op: op, Path: r.h.unprefix(path), Value: value})
}

// Files returns a copy of what was done so far, in order.
func (r *recorder) Files() []FileWrite {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]FileWrite(nil), r.ops...)
}

func (r *recorder) mkdir(dir string) error {
	if err := r.h.mkdir(dir); err != nil {
		return fmt.Errorf("create cgroup %s: %w", r.h.unprefix(dir), hint(err))
	}
	r.note("mkdir", dir, "")
	return nil
}

// write puts value into a cgroup interface file. The file must exist: the
// kernel creates them, and a missing one means the controller is not there,
// which O_CREATE would hide (and, in a fake tree, paper over).
func (r *recorder) write(path, value string) error {
	if err := r.h.write(path, value); err != nil {
		return fmt.Errorf("write %q to %s: %w", value, r.h.unprefix(path), hint(err))
	}
	r.note("write", path, value)
	return nil
}

func (r *recorder) rmdir(dir string) error {
	if err := r.h.rmdir(dir); err != nil {
		return err
	}
	r.note("rmdir", dir, "")
	return nil
}

// hint adds what to do to the errors a learner meets most.
func hint(err error) error {
	switch {
	case errors.Is(err, unix.EACCES), errors.Is(err, unix.EPERM), errors.Is(err, unix.EROFS):
		return fmt.Errorf("%w (run as root, on a host whose /sys/fs/cgroup is writable)", err)
	case errors.Is(err, unix.ENOENT):
		return fmt.Errorf("%w (the controller is not enabled here; see \"dockling doctor\")", err)
	}
	return err
}
