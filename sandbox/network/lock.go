package network

import (
	"fmt"
	"os"

	"golang.org/x/sys/unix"
)

// withLock runs fn while holding an exclusive flock(2) on
// StateRoot/network/.lock. Every change to the leases, and every shared
// setup step, happens under it: flock works between processes (two
// `dockling run` at once) and between goroutines alike, because each call
// opens the file anew and the lock belongs to that open file. The kernel
// drops the lock when the file is closed, even if the process is killed, so
// a crash never leaves the network locked.
func withLock(cfg Config, fn func() error) error {
	if err := os.MkdirAll(cfg.dir(), 0o700); err != nil {
		return fmt.Errorf("create network state directory: %w", err)
	}
	f, err := os.OpenFile(cfg.lockPath(), os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("open network lock: %w", err)
	}
	defer f.Close()
	for {
		err = unix.Flock(int(f.Fd()), unix.LOCK_EX)
		if err != unix.EINTR {
			break
		}
	}
	if err != nil {
		return fmt.Errorf("lock %s: %w", cfg.lockPath(), err)
	}
	return fn() // closing f releases the lock
}
