// Package nsinit is the child side of a container start: it runs in the
// re-executed dockling, already inside the new namespaces, and turns the
// process into the container's command.
package nsinit

// Command is the hidden argv[1] that makes dockling act as the child.
const Command = "init"

// Main runs the child side and never returns.
func Main() {
	panic("nsinit: not written yet")
}
