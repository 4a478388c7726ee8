package testenv

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/dockling/dockling/sandbox/cgroups"
)

// Snapshot is what a container run could leave behind on the host.
type Snapshot struct {
	Mounts    map[string]bool // mount points from /proc/self/mountinfo
	Processes map[string]bool // "/proc/pid exe" of processes run from our binaries or state root
	Cgroups   map[string]bool // dockling/ parents and the container cgroups below them
}

// Take records the host's mounts, our processes and our cgroups now.
func (e *Env) Take() (Snapshot, error) {
	s := Snapshot{Mounts: map[string]bool{}, Processes: map[string]bool{}, Cgroups: map[string]bool{}}
	mi, err := os.ReadFile("/proc/self/mountinfo")
	if err != nil {
		return s, err
	}
	for _, line := range strings.Split(string(mi), "\n") {
		if f := strings.Fields(line); len(f) > 4 {
			s.Mounts[f[4]] = true
		}
	}
	procs, _ := filepath.Glob("/proc/[0-9]*/exe")
	for _, p := range procs {
		if exe, err := os.Readlink(p); err == nil && (strings.HasPrefix(exe, e.Bin) || strings.HasPrefix(exe, e.Root)) {
			s.Processes[filepath.Dir(p)+" "+exe] = true
		}
	}
	_ = filepath.WalkDir("/sys/fs/cgroup", func(path string, d os.DirEntry, err error) error {
		if err != nil || !d.IsDir() {
			return nil
		}
		if filepath.Base(filepath.Dir(path)) == "dockling" {
			s.Cgroups[path] = true
		}
		return nil
	})
	for _, p := range cgroups.Parents() {
		s.Cgroups[p] = true
	}
	return s, nil
}

// LeftSince lists what is on the host now that was not in before. The
// runtime keeps its dockling/ parent cgroups between containers, as docker
// keeps docker/; those that were not in before are removed first (one
// still holding a container's cgroup stays, and shows up as a leak).
func (e *Env) LeftSince(before Snapshot) []string {
	var out []string
	kept, err := cgroups.RemoveParents(func(p string) bool { return before.Cgroups[p] })
	if err != nil {
		out = append(out, err.Error())
	}
	after, err := e.Take()
	if err != nil {
		return append(out, err.Error())
	}
	out = append(out, Leaks(before, after)...)
	if len(out) > 0 {
		// What a parent held when it was looked at: a container's cgroup
		// that was gone a moment later was still being torn down.
		for _, k := range kept {
			out = append(out, "(kept "+k+")")
		}
	}
	return out
}

// Leaks lists what is in after but was not in before.
func Leaks(before, after Snapshot) []string {
	var out []string
	diff := func(kind string, b, a map[string]bool) {
		for k := range a {
			if !b[k] {
				out = append(out, fmt.Sprintf("%s: %s", kind, k))
			}
		}
	}
	diff("mount", before.Mounts, after.Mounts)
	diff("process", before.Processes, after.Processes)
	diff("cgroup", before.Cgroups, after.Cgroups)
	return out
}
