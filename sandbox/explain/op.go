package explain

import (
	"fmt"
	"os"
	"strings"
	"time"
)

// Op is one step of a container start, described before it is done: the
// kernel call, the shell command that does the same, and the code that does
// it. A plan ([]Op) is pure data until Run, so the very same plan drives the
// real start, `--explain` (recorded as each op runs) and `--script` (printed,
// never run). That keeps the three from ever telling different stories.
type Op struct {
	Call  string // the kernel call, e.g. `mount("proc", "/x/proc", "proc", 0, "")`
	Shell string // its shell twin; empty when the op has none of its own
	Why   string // one line for the learner
	Do    func() error
}

// Run does each op in order, recording it first so a failing op is the last
// one shown. It stops at the first error and names the op that failed.
func Run(ops []Op, rec *Recorder, side Side) error {
	for _, op := range ops {
		rec.Record(side, op.Call, op.Shell, op.Why)
		if op.Do == nil {
			continue
		}
		start := time.Now()
		err := op.Do()
		if timing {
			fmt.Fprintf(os.Stderr, "%-6s %8s  %.90s\n", side, time.Since(start).Round(time.Microsecond), op.Call)
		}
		if err != nil {
			return fmt.Errorf("%s: %w", op.Call, err)
		}
	}
	return nil
}

// timing (DOCKLING_TIMING=1) prints how long each op took, to find what
// dominates a container's start.
var timing = os.Getenv("DOCKLING_TIMING") != ""

// Quote makes s safe as one word in a POSIX shell command line.
func Quote(s string) string {
	if s == "" {
		return "''"
	}
	safe := true
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./=:,+@%", r)) {
			safe = false
			break
		}
	}
	if safe {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// QuoteArgs quotes each word and joins them with spaces.
func QuoteArgs(args []string) string {
	q := make([]string, len(args))
	for i, a := range args {
		q[i] = Quote(a)
	}
	return strings.Join(q, " ")
}

// Timing prints, with DOCKLING_TIMING=1, how long a phase took since start.
func Timing(what string, start time.Time) {
	if timing {
		fmt.Fprintf(os.Stderr, "phase  %8s  %s\n", time.Since(start).Round(time.Microsecond), what)
	}
}
