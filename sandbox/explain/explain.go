// Package explain records the kernel operations a container start makes,
// each beside the shell command that would do the same by hand. It feeds
// `dockling step N --explain` (live, as they happen) and `--script`.
package explain

import (
	"encoding/json"
	"fmt"
	"io"
	"sync"
)

// Side says which process made the call: the dockling parent on the host, or
// the child after it was cloned into its new namespaces.
type Side string

const (
	Parent Side = "parent"
	Child  Side = "child"
)

// Event is one kernel operation and its shell twin.
type Event struct {
	Side  Side   `json:"side"`
	Call  string `json:"call"`            // e.g. `pivot_root(".", ".")`
	Shell string `json:"shell,omitempty"` // e.g. `pivot_root . .`
	Why   string `json:"why,omitempty"`   // one short line for the learner
}

// Recorder receives events. A nil *Recorder records nothing, so the runtime
// calls Record unconditionally and pays nothing when --explain is off.
type Recorder struct {
	mu   sync.Mutex
	sink func(Event)
}

// New returns a recorder that hands each event to sink as it happens.
func New(sink func(Event)) *Recorder { return &Recorder{sink: sink} }

// Record reports one operation.
func (r *Recorder) Record(side Side, call, shell, why string) {
	if r == nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.sink(Event{Side: side, Call: call, Shell: shell, Why: why})
}

// Printer writes events for a human, one operation and its shell twin a line
// pair, in the order they happened.
func Printer(w io.Writer) func(Event) {
	return func(e Event) {
		fmt.Fprintf(w, "[%-6s] %s\n", e.Side, e.Call)
		if e.Shell != "" {
			fmt.Fprintf(w, "         $ %s\n", e.Shell)
		}
		if e.Why != "" {
			fmt.Fprintf(w, "         # %s\n", e.Why)
		}
	}
}

// Encoder sends events as JSON lines; the child uses it to stream its events
// to the parent over a pipe.
func Encoder(w io.Writer) func(Event) {
	enc := json.NewEncoder(w)
	return func(e Event) { _ = enc.Encode(e) }
}
