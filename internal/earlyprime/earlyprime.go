// Package earlyprime begins, as `dockling run` starts, the kernel's wait
// that the container's move into its cgroup will need (cgroups.PrimeMoves:
// one RCU grace period on cgroup v1, up to 12 ms on an idle 250 Hz kernel,
// the longest single part of a cold start).
//
// It does so from a package initialiser, the earliest point a Go program
// can act: Go initialises packages in the order of their import paths,
// dependencies first, so this one (which needs only the cgroups package
// and the standard library) runs before cobra, the registry client and
// most of dockling's own packages, about 1.5 ms before `run`'s command
// function would. Only cmd/dockling imports it, and it does nothing for
// any other command.
package earlyprime

import (
	"os"

	"github.com/dockling/dockling/sandbox/cgroups"
)

func init() {
	if len(os.Args) > 1 && os.Args[1] == "run" && os.Geteuid() == 0 {
		cgroups.PrimeMovesIfNeeded()
	}
}
