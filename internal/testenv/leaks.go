package testenv

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Snapshot is what a container run could leave behind on the host.
type Snapshot struct {
	Mounts    map[string]bool // mount points from /proc/self/mountinfo
	Processes map[string]bool // "/proc/pid exe" of processes run from our binaries or state root
	Cgroups   map[string]bool // container cgroups: directories below a dockling/ parent
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
	return s, nil
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
