package main

// fork: start many children at once, to show the pids cgroup limit refusing
// them (the tame cousin of a fork bomb).

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// childSleep is how long each child lives if nobody kills it first: long
// enough that all children are alive at the same time, short enough that a
// crashed parent leaves nothing behind for long.
const childSleep = 2 * time.Second

func runFork(args []string, stdout, stderr io.Writer) int {
	if len(args) != 1 {
		return usageError(stderr, "fork", "needs exactly one count N, e.g. probe fork 50")
	}
	n, err := strconv.Atoi(args[0])
	if err != nil || n < 1 {
		return usageError(stderr, "fork", "count %q is not a positive whole number", args[0])
	}
	exe, err := selfExecutable()
	if err != nil {
		return fail(stderr, "fork", err)
	}
	r := forkChildren(exe, n, childSleep)
	defer r.killAndReap()
	fmt.Fprintf(stdout, "forked: %d\nrefused: %d\n", len(r.pids), r.refused)
	if r.firstErr == nil {
		return exitOK
	}
	fmt.Fprintf(stdout, "error: %v\n", r.firstErr)
	if errors.Is(r.firstErr, syscall.EAGAIN) {
		fmt.Fprintln(stdout, "why: the kernel refused to create more tasks: this cgroup's pids limit (pids.max)")
		fmt.Fprintln(stdout, "  is reached. Every thread counts, and each child here is a Go program with a few.")
	}
	return exitRefused
}

// forkResult is what forkChildren started and what it was refused.
type forkResult struct {
	pids     []int
	refused  int
	firstErr error
}

// forkChildren starts n copies of exe running `probe sleep`, all at once,
// and counts how many the kernel allowed.
func forkChildren(exe string, n int, sleep time.Duration) forkResult {
	// The Go runtime creates OS threads as it needs them, and if the kernel
	// refuses one the runtime aborts the whole process. Under a pids limit we
	// are about to use up every task the cgroup has, so make the threads we
	// will need now, while there is still room for them.
	warmThreads(runtime.GOMAXPROCS(0) + 2)

	argv := []string{"probe", "sleep", sleep.String()}
	attr := &syscall.ProcAttr{
		Env:   childEnv(),
		Files: []uintptr{os.Stdin.Fd(), os.Stdout.Fd(), os.Stderr.Fd()},
	}
	var r forkResult
	for range n {
		// ForkExec is fork (clone) plus execve; the clone is where a pids
		// limit says no, with EAGAIN.
		pid, err := syscall.ForkExec(exe, argv, attr)
		if err != nil {
			r.refused++
			if r.firstErr == nil {
				r.firstErr = err
			}
			continue
		}
		r.pids = append(r.pids, pid)
	}
	return r
}

// childEnv is our environment with GOMAXPROCS=1. A sleeping Go program
// still starts a few threads, and a pids limit counts each one; with one P
// the runtime needs the fewest, so more children fit under the limit.
func childEnv() []string {
	env := []string{"GOMAXPROCS=1"}
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "GOMAXPROCS=") {
			env = append(env, kv)
		}
	}
	return env
}

// killAndReap ends every child and collects its exit status, so none is
// left running or as a zombie. It forgets the pids afterwards: once reaped,
// a pid may be given to an unrelated process, which a second call must not
// kill.
func (r *forkResult) killAndReap() {
	defer func() { r.pids = nil }()
	for _, pid := range r.pids {
		_ = syscall.Kill(pid, syscall.SIGKILL)
	}
	for _, pid := range r.pids {
		var ws syscall.WaitStatus
		for {
			_, err := syscall.Wait4(pid, &ws, 0, nil)
			if err != syscall.EINTR {
				break
			}
		}
	}
}

// warmThreads makes the runtime start n OS threads now: each goroutine
// locked to its thread forces the scheduler to find another thread for the
// rest. When they unlock and return, the threads stay parked for reuse.
func warmThreads(n int) {
	var locked, done sync.WaitGroup
	release := make(chan struct{})
	for range n {
		locked.Add(1)
		done.Add(1)
		go func() {
			defer done.Done()
			runtime.LockOSThread()
			locked.Done()
			<-release
			runtime.UnlockOSThread()
		}()
	}
	locked.Wait()
	close(release)
	done.Wait()
}

// selfExecutable finds this program's file, to start copies of it.
// /proc/self/exe is exact, but a bare chroot has no /proc; then fall back to
// how we were called.
func selfExecutable() (string, error) {
	if _, err := os.Stat("/proc/self/exe"); err == nil {
		return "/proc/self/exe", nil
	}
	if strings.Contains(os.Args[0], "/") {
		return os.Args[0], nil
	}
	path, err := exec.LookPath(os.Args[0])
	if err != nil {
		return "", fmt.Errorf("cannot find my own executable: no /proc/self/exe and %q is not in PATH (mount /proc or run probe by its full path)", os.Args[0])
	}
	return path, nil
}
