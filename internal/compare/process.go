package compare

import (
	"context"
	"fmt"
	"os/exec"
	"time"
)

// The plain process runs programs by absolute path: the measurement must
// not depend on $PATH, which a user (or a test) may have pared down.
const (
	echoPath = "/bin/echo"
	catPath  = "/bin/cat"
)

// ProcessResult is a plain fork + exec: no isolation at all, the floor
// every other row is compared with.
type ProcessResult struct {
	Command string `json:"command"`
	Timing
	// PeakRSS is the peak resident memory of cat, waiting for input: the
	// same program the container's memory is read from.
	PeakRSS int64 `json:"peak_rss_bytes"`
}

// processTimeout bounds one run of a program that takes a millisecond.
const processTimeout = 10 * time.Second

// measureProcess runs echo n times and keeps the medians, then reads the
// memory of one cat.
func measureProcess(ctx context.Context, n int) (ProcessResult, error) {
	res := ProcessResult{Command: echoPath + " " + Marker}
	var runs []run
	for range n {
		one, cancel := context.WithTimeout(ctx, processTimeout)
		r := timeCommand(one, exec.CommandContext(one, echoPath, Marker))
		cancel()
		if err := r.failure("run " + echoPath); err != nil {
			return res, err
		}
		runs = append(runs, r)
	}
	res.Timing = medianTiming(runs)

	ctx, cancel := context.WithTimeout(ctx, processTimeout)
	defer cancel()
	h, err := startHeld(ctx, exec.CommandContext(ctx, catPath))
	if err != nil {
		return res, fmt.Errorf("start %s: %w", catPath, err)
	}
	err = waitForExec(ctx, h.cmd.Process.Pid, "cat", h.exited)
	if err == nil {
		time.Sleep(settle)
		res.PeakRSS, err = peakRSS(h.cmd.Process.Pid)
	}
	if r := h.release(); r.err != nil && err == nil {
		err = fmt.Errorf("%s: %w", catPath, r.err)
	}
	return res, err
}
