// Package steps is the staged walkthrough: step N runs a command with
// isolation layers 1..N. A step implements nothing itself; it only changes
// the container config that the one runner in sandbox/ executes, so each file
// here reads as "what this layer adds".
package steps

import (
	"fmt"

	"github.com/dockling/dockling/sandbox"
)

// Step is one isolation layer.
type Step struct {
	N       int
	Name    string // short name, also the lesson's name
	Summary string // one line for `dockling step`
	// UsesImage is false only for step 0, which runs on the host's own files.
	UsesImage bool
	// Apply adds this layer to the config built by the steps before it.
	Apply func(c *sandbox.Config)
}

// All lists the steps in order; All[n].N == n.
var All = []Step{Process, Chroot, Namespaces, Cgroups, Overlay, Network, Volumes}

// Get returns step n or an error that lists the valid range.
func Get(n int) (Step, error) {
	if n < 0 || n >= len(All) {
		return Step{}, fmt.Errorf("unknown step %d: the steps are 0 to %d; list them with \"dockling step\"", n, len(All)-1)
	}
	return All[n], nil
}

// Config applies steps 0..n, in order, to a fresh config for args. The
// caller fills in what depends on the image (Rootfs, Env) and on flags.
func Config(n int, args []string) (*sandbox.Config, error) {
	if _, err := Get(n); err != nil {
		return nil, err
	}
	c := &sandbox.Config{Args: args}
	for _, s := range All[:n+1] {
		s.Apply(c)
	}
	return c, nil
}
