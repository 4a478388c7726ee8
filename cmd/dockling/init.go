package main

import (
	"github.com/dockling/dockling/sandbox/nsinit"
	"github.com/spf13/cobra"
)

// newInitCmd is the child side of a container start. Users never type it:
// the runner re-executes /proc/self/exe with it. main() normally takes a fast
// path before cobra; this entry exists so `dockling init` is a known command.
func newInitCmd() *cobra.Command {
	return &cobra.Command{
		Use:    nsinit.Command,
		Short:  "Container init (internal: the runner re-executes dockling with it)",
		Hidden: true,
		Run:    func(*cobra.Command, []string) { nsinit.Main() },
	}
}
