package cgroups

import (
	"fmt"
	"runtime"
)

// Limits are the resource limits of one container, with docker's meaning
// for each field so `dockling run -m 64m --cpus 0.5` reads like docker.
type Limits struct {
	Memory int64 // bytes, 0 = unlimited
	// MemorySwap is memory plus swap, as docker's --memory-swap: -1 means
	// unlimited swap, 0 means unset, which docker turns into 2×Memory. It is
	// only written where the kernel accounts swap per cgroup.
	MemorySwap int64
	CPUs       float64 // 0 = unlimited; otherwise a quota of CPUs×period
	CPUShares  int64   // relative weight, docker's --cpu-shares; 0 = kernel default
	PidsLimit  int64   // 0 = unlimited
	// Devices, when not nil, turns on the v1 devices controller: first
	// "a" into devices.deny (no device may be opened, or made with
	// mknod), then each rule ("c 1:3 rwm", "b *:* m") into devices.allow.
	// nil leaves device access alone, as the steps do. On v2 the same
	// check is an eBPF program attached to the cgroup, which dockling does
	// not build: there the rules are ignored (see sandbox/security).
	Devices []string `json:",omitempty"`
}

const (
	// cpuPeriod is the CFS accounting window in microseconds: a container
	// with --cpus 0.5 may run 50000us in every 100000us.
	cpuPeriod = 100000
	// minMemory is docker's floor: below it the container's own runtime
	// and libc do not fit and the kernel OOM-kills at once.
	minMemory = 6 << 20
	// minCPUQuota is the smallest quota the kernel accepts (1ms), so the
	// smallest --cpus is 0.01.
	minCPUQuota = 1000
	// Shares range v1 accepts (docker clamps to it too).
	minShares, maxShares = 2, 262144
)

// validate checks the limits before anything is created, so a bad value
// never leaves half a cgroup behind.
func (l Limits) validate() error {
	if l.Memory < 0 {
		return fmt.Errorf("invalid memory limit %d: use a positive size (e.g. 64m)", l.Memory)
	}
	if l.Memory > 0 && l.Memory < minMemory {
		return fmt.Errorf("memory limit %s is too low: the minimum is 6 MiB", humanBytes(l.Memory))
	}
	if l.MemorySwap != 0 && l.MemorySwap != -1 {
		if l.Memory == 0 {
			return fmt.Errorf("memory-swap %s needs a memory limit too: set --memory as well", humanBytes(l.MemorySwap))
		}
		if l.MemorySwap < l.Memory {
			return fmt.Errorf("memory-swap %s is lower than memory %s: it counts memory plus swap, so make it at least %s (or -1 for unlimited swap)",
				humanBytes(l.MemorySwap), humanBytes(l.Memory), humanBytes(l.Memory))
		}
	}
	if l.MemorySwap < -1 {
		return fmt.Errorf("invalid memory-swap %d: use a size, or -1 for unlimited swap", l.MemorySwap)
	}
	if l.CPUs < 0 {
		return fmt.Errorf("invalid --cpus %g: must be greater than 0 (e.g. 0.5)", l.CPUs)
	}
	if l.CPUs > 0 && l.cpuQuota() < minCPUQuota {
		return fmt.Errorf("--cpus %g is too low: the minimum is 0.01", l.CPUs)
	}
	if n := runtime.NumCPU(); l.CPUs > float64(n) {
		return fmt.Errorf("--cpus %g is more than this machine has: use at most %d", l.CPUs, n)
	}
	if l.CPUShares != 0 && (l.CPUShares < minShares || l.CPUShares > maxShares) {
		return fmt.Errorf("invalid --cpu-shares %d: use a value from %d to %d (1024 is the default)", l.CPUShares, minShares, maxShares)
	}
	if l.PidsLimit < 0 {
		return fmt.Errorf("invalid --pids-limit %d: use a positive number, or 0 for unlimited", l.PidsLimit)
	}
	return nil
}

// cpuQuota is the microseconds the container may run per cpuPeriod.
func (l Limits) cpuQuota() int64 { return int64(l.CPUs*cpuPeriod + 0.5) }

// swapTotal is the memory+swap limit to write, and whether to write one:
// docker defaults an unset --memory-swap to twice the memory limit; -1 is
// unlimited.
func (l Limits) swapTotal() (total int64, set bool) {
	switch {
	case l.Memory == 0 && l.MemorySwap == 0:
		return 0, false
	case l.MemorySwap == 0:
		return 2 * l.Memory, true
	default:
		return l.MemorySwap, true
	}
}

// sharesToWeight converts v1 cpu.shares (2..262144, default 1024) to v2
// cpu.weight (1..10000, default 100) linearly, the formula runc and crun use,
// so --cpu-shares means the same on both.
func sharesToWeight(shares int64) int64 {
	return 1 + ((shares-2)*9999)/262142
}

// humanBytes prints a size the way a learner typed it: "4 MiB", not 4194304.
func humanBytes(n int64) string {
	switch {
	case n != 0 && n%(1<<30) == 0:
		return fmt.Sprintf("%d GiB", n>>30)
	case n != 0 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n != 0 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}
