package cgroups

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"
)

// Manager is one container's cgroup, whichever cgroup version the host runs.
type Manager interface {
	// Path is where a learner can look: the v2 directory, or on v1 the
	// memory controller's directory.
	Path() string
	// Apply moves process pid into the cgroup, in every hierarchy.
	Apply(pid int) error
	// Usage reads the counters the kernel keeps for the cgroup.
	Usage() (Usage, error)
	// OOMKilled tells whether the kernel's OOM killer struck inside the
	// cgroup, from the cgroup's own event counters (an exit status of 137
	// only says SIGKILL, not who sent it).
	OOMKilled() (bool, error)
	// Procs lists the processes in the cgroup.
	Procs() ([]int, error)
	// Destroy kills what is left inside and removes the cgroup. Calling it
	// again, or on a cgroup already gone, is fine.
	Destroy() error
	// Files lists every mkdir, write and rmdir made so far, in order.
	Files() []FileWrite
}

// Usage is what the kernel counted for a cgroup. A counter the kernel does
// not have (pids.peak before 6.13 on v2, oom_kill before 4.13 on v1) reads 0.
type Usage struct {
	MemoryPeak, MemoryCurrent int64 // bytes
	OOMKills                  int64 // processes the OOM killer killed in here
	Pids, PidsPeak            int64
	PidsRefused               int64 // forks refused at pids.max ("max" in pids.events)
	CPUUsage                  time.Duration
	NrPeriods, NrThrottled    int64 // CFS periods, and those in which the quota ran out
	ThrottledTime             time.Duration
}

// New creates the cgroup for container name with limits l and returns its
// manager. The cgroup is <hierarchy root>/dockling/<name> in every hierarchy
// it needs, e.g. /sys/fs/cgroup/memory/dockling/web on v1 and
// /sys/fs/cgroup/dockling/web on v2.
//
// Why under the root and not under the runner's own cgroup (where a shell
// started by systemd sits in user.slice/session-N.scope, and this build
// machine's shell in memory:/process_api/...)? Three reasons:
//   - a container must not share its runner's limits, nor die with the
//     runner's session when systemd tears it down;
//   - on v2 the runner's cgroup holds a process (the runner), and the "no
//     internal processes" rule forbids handing controllers to children of a
//     cgroup with processes; the root is exempt, and /dockling holds none;
//   - a fixed place lets Load and CleanupAll find containers after the
//     runner was killed, without knowing where that runner had been.
//
// Docker's cgroupfs driver makes the same choice (/sys/fs/cgroup/.../docker/<id>).
func New(name string, l Limits) (Manager, error) { return realHost.new(name, l) }

// Load reattaches to the cgroup of an existing container, e.g. to clean up
// after the runner was killed with SIGKILL.
func Load(name string) (Manager, error) { return realHost.load(name) }

// CleanupAll removes dockling's cgroups on this host, for `dockling system
// reset`: those owned says are ours (their processes are killed first) and
// every empty one. A cgroup that still holds processes and is not ours is
// kept and returned: it may be a container of another DOCKLING_ROOT, and
// killing it would be worse than leaving it.
func CleanupAll(owned func(name string) bool) (kept []string, err error) {
	return realHost.cleanupAll(owned)
}

func (h *host) new(name string, l Limits) (Manager, error) {
	if err := validName(name); err != nil {
		return nil, err
	}
	if err := l.validate(); err != nil {
		return nil, err
	}
	hs, err := h.hierarchies()
	if err != nil {
		return nil, err
	}
	mode, err := h.mode(hs)
	if err != nil {
		return nil, err
	}
	if mode == V2 {
		return newV2(h, hs, name, l)
	}
	// Hybrid hosts keep every controller in v1; their unified tree only
	// tracks processes for systemd, so it is left alone.
	return newV1(h, hs, name, l)
}

func (h *host) load(name string) (Manager, error) {
	if err := validName(name); err != nil {
		return nil, err
	}
	hs, err := h.hierarchies()
	if err != nil {
		return nil, err
	}
	mode, err := h.mode(hs)
	if err != nil {
		return nil, err
	}
	if mode == V2 {
		return loadV2(h, hs, name)
	}
	return loadV1(h, hs, name)
}

// cleanupAll looks in every mounted hierarchy, whatever the mode, so that a
// cgroup left by a run under another layout is found as well.
func (h *host) cleanupAll(owned func(name string) bool) ([]string, error) {
	hs, err := h.hierarchies()
	if err != nil {
		return nil, err
	}
	keep := map[string]bool{}
	rec := &recorder{h: h}
	var errs []error
	seen := map[string]bool{}
	for _, hy := range hs {
		parent := filepath.Join(hy.Mountpoint, parentName)
		if seen[parent] {
			continue
		}
		seen[parent] = true
		entries, err := os.ReadDir(parent)
		if os.IsNotExist(err) {
			continue
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("list %s: %w", h.unprefix(parent), err))
			continue
		}
		kept := false
		for _, e := range entries {
			if !e.IsDir() {
				continue
			}
			dir := filepath.Join(parent, e.Name())
			pids, err := readPids(dir)
			busy := (err != nil && !os.IsNotExist(err)) || len(pids) > 0
			if busy && !owned(e.Name()) {
				keep[e.Name()], kept = true, true
				continue
			}
			errs = append(errs, destroyDir(rec, dir, false))
		}
		if kept {
			continue
		}
		if err := rmdirWhenFreed(rec.rmdir, parent); err != nil && !os.IsNotExist(err) {
			errs = append(errs, fmt.Errorf("remove %s: %w", h.unprefix(parent), err))
		}
	}
	names := make([]string, 0, len(keep))
	for name := range keep {
		names = append(names, name)
	}
	sort.Strings(names)
	return names, errors.Join(errs...)
}

// validName keeps a container name to one path element, so a name can never
// point the cgroup somewhere else ("../../init.scope").
func validName(name string) error {
	if name == "" || name == "." || name == ".." || strings.ContainsAny(name, "/\x00\n") {
		return fmt.Errorf("invalid container name %q for a cgroup: use letters, digits, '-', '_' or '.'", name)
	}
	return nil
}

// existsError is the error for a second container with the same name. The
// cgroup it found belongs to that other container, so whoever cleans up
// after this error must leave it alone.
type existsError struct{ name, dir string }

func (e *existsError) Error() string {
	return fmt.Sprintf("a cgroup for container %q already exists at %s: remove the old container (dockling rm %s) or run \"dockling system reset\"", e.name, e.dir, e.name)
}

func alreadyExists(name, dir string) error { return &existsError{name, dir} }

// isExists reports whether err is, or wraps, an existsError.
func isExists(err error) bool {
	var e *existsError
	return errors.As(err, &e)
}

// Names lists the container cgroups under dockling/ in any mounted
// hierarchy, so leftovers of a runner killed with SIGKILL can be found.
func Names() ([]string, error) { return realHost.names() }

func (h *host) names() ([]string, error) {
	hs, err := h.hierarchies()
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	var out []string
	for _, hy := range hs {
		entries, err := os.ReadDir(filepath.Join(hy.Mountpoint, parentName))
		if err != nil {
			continue // no dockling parent in this hierarchy
		}
		for _, e := range entries {
			if e.IsDir() && !seen[e.Name()] {
				seen[e.Name()] = true
				out = append(out, e.Name())
			}
		}
	}
	return out, nil
}

// Parents lists the dockling/ parent cgroups that exist, by the kernel's
// path (/sys/fs/cgroup/memory/dockling), one per mounted hierarchy.
func Parents() []string { return realHost.parents() }

func (h *host) parents() []string {
	hs, _ := h.hierarchies()
	var out []string
	for _, hy := range hs {
		parent := filepath.Join(hy.Mountpoint, parentName)
		if _, err := os.Stat(parent); err == nil && !slices.Contains(out, h.unprefix(parent)) {
			out = append(out, h.unprefix(parent))
		}
	}
	return out
}

// RemoveParents removes the dockling/ parent cgroup from every hierarchy
// where it is empty. The runtime itself keeps the parents between
// containers (making them again costs every start a mkdir per hierarchy,
// and on v2 a write to subtree_control), as docker keeps its docker/
// parents; this is for whoever wants the host exactly as it was, such as a
// test run that found no parents when it began. A parent that still holds
// a container's cgroup stays, and is not an error: kept names it and what
// it holds. Parents for which keep (given the kernel's path, such as
// /sys/fs/cgroup/memory/dockling) says true are left alone; keep may be nil.
func RemoveParents(keep func(parent string) bool) (kept []string, err error) {
	return realHost.removeParents(keep)
}

func (h *host) removeParents(keep func(string) bool) ([]string, error) {
	hs, err := h.hierarchies()
	if err != nil {
		return nil, err
	}
	var errs []error
	var kept []string
	for _, hy := range hs {
		parent := filepath.Join(hy.Mountpoint, parentName)
		if keep != nil && keep(h.unprefix(parent)) {
			continue
		}
		entries, err := os.ReadDir(parent)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if held := subdirs(entries); len(held) > 0 {
			kept = append(kept, fmt.Sprintf("%s (holds %s)", h.unprefix(parent), strings.Join(held, ", ")))
			continue
		}
		if err := rmdirWhenFreed(h.rmdir, parent); err != nil && !errors.Is(err, fs.ErrNotExist) {
			errs = append(errs, fmt.Errorf("remove %s: %w", h.unprefix(parent), err))
		}
	}
	return kept, errors.Join(errs...)
}

// subdirs names the directories among entries.
func subdirs(entries []os.DirEntry) []string {
	var out []string
	for _, e := range entries {
		if e.IsDir() {
			out = append(out, e.Name())
		}
	}
	return out
}
