package compare

import (
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

func TestTimeCommandNotesTheMarkerBeforeTheEnd(t *testing.T) {
	ctx := context.Background()
	cmd := exec.CommandContext(ctx, "/bin/sh", "-c", "echo "+Marker+"; sleep 0.2; echo after")
	r := timeCommand(ctx, cmd)
	if err := r.failure("sh"); err != nil {
		t.Fatal(err)
	}
	if !r.sawMarker || r.start <= 0 || r.total < r.start+150*time.Millisecond {
		t.Errorf("start %s, total %s: want the marker well before the end (0.2 s later)", r.start, r.total)
	}
	if strings.Join(r.tail, "|") != Marker+"|after" {
		t.Errorf("tail = %q", r.tail)
	}
}

func TestRunFailureSaysWhatWentWrong(t *testing.T) {
	ctx := context.Background()
	r := timeCommand(ctx, exec.CommandContext(ctx, "/bin/sh", "-c", "echo booting; echo 'kernel panic' >&2; exit 3"))
	err := r.failure("boot")
	if err == nil || !strings.Contains(err.Error(), "boot: exit status 3\nkernel panic") {
		t.Errorf("failure = %v", err)
	}
	r = timeCommand(ctx, exec.CommandContext(ctx, "/bin/sh", "-c", "echo no marker here"))
	err = r.failure("boot")
	if err == nil || !strings.Contains(err.Error(), "boot ended without printing "+Marker+"\nno marker here") {
		t.Errorf("failure = %v", err)
	}
	short, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
	defer cancel()
	r = timeCommand(short, exec.CommandContext(short, "/bin/sleep", "5"))
	if err := r.failure("boot"); err == nil || !strings.Contains(err.Error(), "boot did not finish in time") {
		t.Errorf("failure after a timeout = %v", err)
	}
	if r.total > 4*time.Second {
		t.Errorf("a timed-out command ran %s", r.total)
	}
}

func TestMedian(t *testing.T) {
	if got := median([]time.Duration{5, 1, 3}); got != 3 {
		t.Errorf("median(5,1,3) = %d", got)
	}
	// Even count: the lower middle, a value really measured.
	if got := median([]int64{40, 10, 30, 20}); got != 20 {
		t.Errorf("median(40,10,30,20) = %d", got)
	}
	if got := median([]int64(nil)); got != 0 {
		t.Errorf("median() = %d", got)
	}
	in := []int64{3, 1, 2}
	median(in)
	if in[0] != 3 {
		t.Error("median sorted its input")
	}
}

// A held cat waits for us; its VmHWM is its own, not ours: this test
// process holds far more than cat ever will.
func TestHeldCatMemoryIsItsOwn(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	ballast := make([]byte, 64<<20) // make our own peak obviously larger
	for i := range ballast {
		ballast[i] = 1
	}
	h, err := startHeld(ctx, exec.CommandContext(ctx, catPath))
	if err != nil {
		t.Fatal(err)
	}
	pid := h.cmd.Process.Pid
	if err := waitForExec(ctx, pid, "cat", h.exited); err != nil {
		t.Fatal(err)
	}
	rss, err := peakRSS(pid)
	if err != nil {
		t.Fatal(err)
	}
	own, err := peakRSS(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	r := h.release()
	if r.err != nil {
		t.Errorf("cat: %v", r.err)
	}
	if rss <= 0 || rss > 32<<20 || rss >= own {
		t.Errorf("cat's peak RSS %d bytes; this test's own is %d: want cat's alone, a few MB", rss, own)
	}
	// What wait4 says instead, and why it is not used for cat: at least our
	// 64 MB, which the kernel counted for cat at its execve.
	if r.maxRSS < 64<<20 {
		t.Errorf("ru_maxrss of cat = %d bytes: it no longer includes the forking process's memory, so procfs.go's reasoning is out of date", r.maxRSS)
	}
	if ballast[len(ballast)-1] != 1 {
		t.Fatal("ballast")
	}
	if _, err := peakRSS(pid); err == nil {
		t.Error("peakRSS of an ended process succeeded")
	}
	if err := waitForExec(ctx, pid, "cat", h.exited); err == nil || !strings.Contains(err.Error(), "ended before it ran cat") {
		t.Errorf("waitForExec on an ended process = %v", err)
	}
}
