package main

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/dockling/dockling/sandbox"
	"github.com/dockling/dockling/sandbox/cgroups"
	"github.com/spf13/pflag"
)

// limitFlags are docker's resource flags, shared by `step` and `run`.
type limitFlags struct {
	memory, memorySwap, cpus string
	cpuShares, pidsLimit     int64
}

func (l *limitFlags) add(f *pflag.FlagSet) {
	f.StringVarP(&l.memory, "memory", "m", "", "memory limit (e.g. 64m, 1g)")
	f.StringVar(&l.memorySwap, "memory-swap", "", "memory plus swap limit; -1 for unlimited swap")
	f.StringVar(&l.cpus, "cpus", "", "CPU time limit in CPUs (e.g. 0.5)")
	f.Int64Var(&l.cpuShares, "cpu-shares", 0, "relative CPU weight (default 1024)")
	f.Int64Var(&l.pidsLimit, "pids-limit", 0, "most processes at once (0: unlimited)")
}

// any reports whether a limit flag was given.
func (l *limitFlags) any() bool {
	return l.memory != "" || l.memorySwap != "" || l.cpus != "" || l.cpuShares != 0 || l.pidsLimit != 0
}

func (l *limitFlags) limits() (cgroups.Limits, error) {
	var out cgroups.Limits
	var err error
	if l.memory != "" {
		if out.Memory, err = cgroups.ParseMemory(l.memory); err != nil {
			return out, err
		}
	}
	switch l.memorySwap {
	case "":
	case "-1":
		out.MemorySwap = -1
	default:
		if out.MemorySwap, err = cgroups.ParseMemory(l.memorySwap); err != nil {
			return out, fmt.Errorf("--memory-swap: %w", err)
		}
	}
	if l.cpus != "" {
		if out.CPUs, err = cgroups.ParseCPUs(l.cpus); err != nil {
			return out, err
		}
	}
	out.CPUShares, out.PidsLimit = l.cpuShares, l.pidsLimit
	if l.pidsLimit < 0 {
		return out, fmt.Errorf("invalid --pids-limit %d: use a positive number, or 0 for unlimited", l.pidsLimit)
	}
	return out, nil
}

// printUsage is the short report after a run with a cgroup, read from the
// cgroup's own files before it was removed.
func printUsage(w io.Writer, res *sandbox.Result, l cgroups.Limits) {
	u := res.Usage
	if u == nil {
		return
	}
	parts := []string{"memory peak " + mib(u.MemoryPeak)}
	if l.Memory > 0 {
		parts[0] += " of " + mib(l.Memory)
	}
	pids := fmt.Sprintf("processes peak %d", u.PidsPeak)
	if l.PidsLimit > 0 {
		pids += fmt.Sprintf(" of %d", l.PidsLimit)
	}
	if u.PidsRefused > 0 {
		pids += fmt.Sprintf(", %d forks refused", u.PidsRefused)
	}
	parts = append(parts, pids, "CPU "+u.CPUUsage.Round(time.Millisecond).String())
	if u.NrPeriods > 0 {
		parts = append(parts, fmt.Sprintf("throttled in %d of %d periods (%s)", u.NrThrottled, u.NrPeriods, u.ThrottledTime.Round(time.Millisecond)))
	}
	fmt.Fprintf(w, "cgroup usage: %s\n", strings.Join(parts, "; "))
}

func mib(n int64) string {
	if n%(1<<20) == 0 {
		return fmt.Sprintf("%d MiB", n>>20)
	}
	return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
}
