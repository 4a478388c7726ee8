package compare

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
)

// Why memory is read from /proc/PID/status and not from wait4's rusage:
// ru_maxrss of a child also counts the memory of the process that forked
// it. Go starts children with vfork, and the kernel records the high-water
// mark of the mm the child leaves behind at execve (the parent's, a dozen
// MB of Go runtime) as the child's own; a plain fork copies the parent's
// resident pages and counts them too. VmHWM in /proc/PID/status belongs to
// the mm made by execve, so once the program runs it is the program's own
// peak, and nothing else's.

// waitForExec waits until process pid runs the program named comm (as the
// kernel names it in /proc/PID/comm, at most 15 bytes), that is, until its
// execve is done. exited is closed when the process has ended.
func waitForExec(ctx context.Context, pid int, comm string, exited <-chan struct{}) error {
	for {
		if b, err := os.ReadFile(fmt.Sprintf("/proc/%d/comm", pid)); err == nil && strings.TrimSpace(string(b)) == comm {
			return nil
		}
		select {
		case <-exited:
			return fmt.Errorf("process %d ended before it ran %s", pid, comm)
		case <-ctx.Done():
			return fmt.Errorf("process %d did not run %s in time: %w", pid, comm, ctx.Err())
		case <-time.After(2 * time.Millisecond):
		}
	}
}

// peakRSS reads VmHWM, the most resident memory process pid has held since
// its execve, in bytes.
func peakRSS(pid int) (int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, fmt.Errorf("read the memory of process %d: %w", pid, err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			if err != nil {
				return 0, fmt.Errorf("process %d: VmHWM %q is not a number of kB", pid, strings.TrimSpace(v))
			}
			return kb << 10, nil
		}
	}
	return 0, fmt.Errorf("process %d has no VmHWM (a kernel thread?)", pid)
}

// settle is how long a freshly started program is left before its memory
// is read: long enough for the page faults of its start to be over.
const settle = 50 * time.Millisecond
