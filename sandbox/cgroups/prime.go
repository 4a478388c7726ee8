package cgroups

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"

	"golang.org/x/sys/unix"
)

// Validate checks a container's cgroup name and limits without touching
// the cgroup filesystem, so a runner that makes the cgroup later (beside
// the child's start) can still refuse a bad limit before any process
// exists.
func Validate(name string, l Limits) error {
	if err := validName(name); err != nil {
		return err
	}
	return l.validate()
}

var primeOnce sync.Once

// CloneIntoWorks reports a cgroup v2 host whose kernel (5.7+) has clone3's
// CLONE_INTO_CGROUP: there a child is born in its cgroup and never moved.
func CloneIntoWorks() bool {
	if mode, err := DetectMode(cgroupRoot); err != nil || mode != V2 {
		return false
	}
	var uts unix.Utsname
	if unix.Uname(&uts) != nil {
		return false
	}
	var major, minor int
	if _, err := fmt.Sscanf(unix.ByteSliceToString(uts.Release[:]), "%d.%d", &major, &minor); err != nil {
		return false
	}
	return major > 5 || major == 5 && minor >= 7
}

// PrimeMovesIfNeeded is PrimeMoves where a container's child will be moved
// into its cgroup at all (not where CloneIntoWorks).
func PrimeMovesIfNeeded() {
	if !CloneIntoWorks() {
		PrimeMoves()
	}
}

// PrimeMoves starts, in the background, the wait that every move of a
// process into a cgroup begins with, so that the container's own move,
// coming a few milliseconds later, finds it over or nearly so.
//
// Why there is a wait: the kernel guards moves with one lock for the whole
// machine (cgroup_threadgroup_rwsem), a per-CPU reader/writer semaphore
// that every fork, exec and exit takes for reading, cheaply. Taking it for
// writing, as a write to cgroup.procs does, first switches the readers to
// a slow path and waits for an RCU grace period so that all of them have
// seen the switch (rcu_sync_enter): a few timer ticks, 4 to 12 ms on this
// 250 Hz kernel, with the CPU idle. When the writer is done, the lock stays
// in its slow mode for one more grace period, and a writer that comes
// meanwhile does not wait at all. runc and crun pay the same wait on
// cgroup v1; on v2 (Linux 5.7+) the child is born in its cgroup
// (CLONE_INTO_CGROUP) and no move is needed.
//
// So this moves the calling process into the cgroup it is already in, a
// move that changes nothing, but that starts the grace period now, while
// the runner writes the container's record and starts the child. The
// kernel also holds cgroup_mutex during the wait, so the container's own
// mkdir and move queue behind it and then run at full speed. Only the
// first call does anything; errors are ignored, as this only saves time.
func PrimeMoves() {
	primeOnce.Do(func() {
		if procs := realHost.ownProcsFile(); procs != "" {
			go func() { _ = realHost.write(procs, strconv.Itoa(os.Getpid())) }()
		}
	})
}

// ownProcsFile is the cgroup.procs file of the cgroup this process is in,
// in one hierarchy a container's cgroup uses (the lock is the same for all
// hierarchies), or "" if it cannot be found.
func (h *host) ownProcsFile() string {
	hs, err := h.hierarchies()
	if err != nil {
		return ""
	}
	self, err := parseSelfCgroup(h.path("/proc/self/cgroup"))
	if err != nil {
		return ""
	}
	var hy *hierarchy
	if mode, err := h.mode(hs); err == nil && mode == V2 {
		for i := range hs {
			if hs[i].V2 {
				hy = &hs[i]
			}
		}
	} else if v1 := v1Hierarchies(hs); len(v1) > 0 {
		hy = &v1[0]
	}
	if hy == nil {
		return ""
	}
	for _, c := range self {
		if hy.V2 != (c.ID == 0) || !hy.V2 && !sameSet(c.Controllers, hy.Controllers) {
			continue
		}
		// Paths in /proc/self/cgroup start at the hierarchy's root; the
		// mount may show only a subtree of it (Root), as in a container.
		rel := c.Path
		if hy.Root != "/" {
			var ok bool
			if rel, ok = strings.CutPrefix(c.Path, hy.Root); !ok || rel != "" && rel[0] != '/' {
				return ""
			}
		}
		return filepath.Join(hy.Mountpoint, rel, "cgroup.procs")
	}
	return ""
}

// sameSet tells whether a and b hold the same names in any order
// ("cpu,cpuacct" in one file, "cpuacct,cpu" in another).
func sameSet(a, b []string) bool {
	return len(a) == len(b) && !slices.ContainsFunc(a, func(x string) bool { return !slices.Contains(b, x) })
}
