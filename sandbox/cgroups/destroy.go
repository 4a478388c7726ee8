package cgroups

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"golang.org/x/sys/unix"
)

// destroyTimeout bounds how long Destroy waits for killed processes to leave
// the cgroup; a process stuck in uninterruptible sleep (a hung NFS read)
// can outlast any SIGKILL.
const destroyTimeout = 5 * time.Second

// destroyDir empties one cgroup directory and removes it. Killing is the
// only way to empty a cgroup: a process leaves a cgroup only by moving to
// another one or by exiting.
//
// On v2 kernels since 5.14, writing 1 to cgroup.kill kills every process in
// the cgroup at once, including ones forked meanwhile. Elsewhere we SIGKILL
// each listed process and look again until the list is empty, because a
// process may fork between our read and our kill.
func destroyDir(rec *recorder, dir string, useKillFile bool) error {
	name := rec.h.unprefix(dir)
	if _, err := os.Stat(dir); os.IsNotExist(err) {
		return nil // already gone: Destroy is idempotent
	}
	if useKillFile && exists(filepath.Join(dir, "cgroup.kill")) {
		if err := rec.write(filepath.Join(dir, "cgroup.kill"), "1"); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
	}
	deadline := time.Now().Add(destroyTimeout)
	for {
		pids, err := readPids(dir)
		if os.IsNotExist(err) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("list processes of %s: %w", name, err)
		}
		for _, pid := range pids {
			if pid == os.Getpid() {
				return fmt.Errorf("cgroup %s holds this very process (pid %d): move it out before destroying the cgroup", name, pid)
			}
			// ESRCH just means it exited already.
			if err := unix.Kill(pid, unix.SIGKILL); err != nil && err != unix.ESRCH {
				return fmt.Errorf("kill pid %d in %s: %w", pid, name, err)
			}
		}
		if len(pids) == 0 {
			err := rec.rmdir(dir)
			if err == nil || os.IsNotExist(err) {
				return nil
			}
			// EBUSY right after the last process exited: the kernel
			// has not finished taking it out yet. Anything else is real.
			if !errors.Is(err, unix.EBUSY) {
				return fmt.Errorf("remove cgroup %s: %w", name, err)
			}
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("cgroup %s still busy after %s (processes %v): look for processes stuck in D state with \"ps -eo pid,stat,comm\"", name, destroyTimeout, pids)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// rmdirWhenFreed removes an empty parent cgroup with rmdir. Right after its
// last child went, the kernel may still be freeing that child, and rmdir
// says EBUSY until it has: that is waited out, up to destroyTimeout.
func rmdirWhenFreed(rmdir func(string) error, dir string) error {
	deadline := time.Now().Add(destroyTimeout)
	for {
		err := rmdir(dir)
		if !errors.Is(err, unix.EBUSY) || time.Now().After(deadline) {
			return err
		}
		time.Sleep(10 * time.Millisecond)
	}
}
