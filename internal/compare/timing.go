package compare

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"slices"
	"strings"
	"syscall"
	"time"
)

// Marker is the line every measured program prints as soon as it runs: the
// plain process and the container echo it, the VM's /init echoes it to the
// serial console. The time from starting a command to reading this line is
// its start time, measured the same way for all three.
const Marker = "DOCKLING-COMPARE-UP"

// Timing is the median over Runs runs.
type Timing struct {
	Start time.Duration `json:"start_ns"` // from exec until the marker is read
	Total time.Duration `json:"total_ns"` // from exec until the command has exited
	Runs  int           `json:"runs"`
}

// run is one timed run of a command.
type run struct {
	start, total time.Duration
	sawMarker    bool
	// maxRSS is wait4's ru_maxrss: the larger of the program's peak and
	// what the forking process held (see procfs.go), so only meaningful
	// for a program far bigger than dockling, such as qemu.
	maxRSS int64
	tail   []string // the last lines of standard output, to explain a failure
	stderr string
	err    error // exit status or start failure
}

// tailLines is how much of a failing command's output is kept.
const tailLines = 15

// timeCommand starts cmd, notes when its output shows the marker, and waits
// for it to end. cmd must not have Stdout or Stderr set; when it was made
// with exec.CommandContext(ctx, ...), pass the same ctx, so that a run cut
// short by a timeout or ^C says so instead of "signal: killed".
func timeCommand(ctx context.Context, cmd *exec.Cmd) run {
	t, err := startTimed(cmd)
	if err != nil {
		return run{err: err}
	}
	return t.finish(ctx)
}

// timed is a command started by startTimed.
type timed struct {
	cmd    *exec.Cmd
	out    io.Reader
	stderr *limitedBuffer
	t0     time.Time
}

// startTimed starts cmd with its output piped to us. Once it returns,
// cmd.Process is set; finish must be called to read the output and wait.
func startTimed(cmd *exec.Cmd) (*timed, error) {
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	t := &timed{cmd: cmd, out: out, stderr: &limitedBuffer{}}
	cmd.Stderr = t.stderr
	t.t0 = time.Now()
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	return t, nil
}

// finish reads the output until it ends, noting when the marker came, then
// waits for the command.
func (t *timed) finish(ctx context.Context) run {
	var r run
	// Read everything before Wait: Wait closes the pipe.
	sc := bufio.NewScanner(t.out)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for sc.Scan() {
		line := strings.TrimRight(sc.Text(), "\r")
		if !r.sawMarker && strings.Contains(line, Marker) {
			r.start, r.sawMarker = time.Since(t.t0), true
		}
		r.tail = append(r.tail, line)
		if len(r.tail) > tailLines {
			r.tail = r.tail[1:]
		}
	}
	r.err = t.cmd.Wait()
	r.total = time.Since(t.t0)
	if ctx.Err() != nil {
		r.err = ctx.Err()
	}
	r.stderr = strings.TrimSpace(t.stderr.String())
	if ru, ok := t.cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		r.maxRSS = ru.Maxrss * 1024 // Linux reports kilobytes
	}
	return r
}

// held is a program started with its standard input held open by us, so
// that it waits (cat reads until end of file) while we look at it.
type held struct {
	*timed
	stdin  io.Closer
	exited chan struct{}
	result run
}

// startHeld starts cmd with a pipe for its input; release ends it.
func startHeld(ctx context.Context, cmd *exec.Cmd) (*held, error) {
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	t, err := startTimed(cmd)
	if err != nil {
		return nil, err
	}
	h := &held{timed: t, stdin: stdin, exited: make(chan struct{})}
	go func() {
		h.result = t.finish(ctx)
		close(h.exited)
	}()
	return h, nil
}

// release closes the program's input, so it reads end of file and ends
// (had we died instead, the kernel would have closed it, to the same
// effect), and waits for it.
func (h *held) release() run {
	h.stdin.Close()
	<-h.exited
	return h.result
}

// failure describes a run that did not go as planned, in one line plus
// what the command printed last, or nil.
func (r run) failure(what string) error {
	detail := r.stderr
	if detail == "" {
		detail = strings.Join(r.tail, "\n")
	}
	if detail != "" {
		detail = "\n" + detail
	}
	switch {
	case errors.Is(r.err, context.DeadlineExceeded):
		return fmt.Errorf("%s did not finish in time%s", what, detail)
	case errors.Is(r.err, context.Canceled):
		return fmt.Errorf("%s: interrupted", what)
	case r.err != nil:
		return fmt.Errorf("%s: %w%s", what, r.err, detail)
	case !r.sawMarker:
		return fmt.Errorf("%s ended without printing %s%s", what, Marker, detail)
	}
	return nil
}

// medianTiming is the median start and the median total of runs.
func medianTiming(runs []run) Timing {
	var starts, totals []time.Duration
	for _, r := range runs {
		starts = append(starts, r.start)
		totals = append(totals, r.total)
	}
	return Timing{Start: median(starts), Total: median(totals), Runs: len(runs)}
}

// median of xs; for an even count the lower middle one, a value that was
// really measured rather than an average of two.
func median[T cmp.Ordered](xs []T) T {
	var zero T
	if len(xs) == 0 {
		return zero
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	return s[(len(s)-1)/2]
}

// limitedBuffer keeps the first 16 KiB written to it: enough for an error
// message, bounded whatever a command prints.
type limitedBuffer struct{ bytes.Buffer }

func (b *limitedBuffer) Write(p []byte) (int, error) {
	if room := 16*1024 - b.Len(); room > 0 {
		b.Buffer.Write(p[:min(len(p), room)])
	}
	return len(p), nil
}
