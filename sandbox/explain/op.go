package explain

import (
	"fmt"
	"strings"
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
		if err := op.Do(); err != nil {
			return fmt.Errorf("%s: %w", op.Call, err)
		}
	}
	return nil
}

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
