package sandbox

import (
	"errors"
	"fmt"
	"path/filepath"
	"sort"
	"strings"

	"github.com/dockling/dockling/sandbox/cgroups"
	"github.com/dockling/dockling/sandbox/explain"
)

// recordCgroupFiles reports the cgroup changes made since the last call, as
// kernel calls with their shell twins, and returns how many it has seen.
func recordCgroupFiles(rec *explain.Recorder, m cgroups.Manager, seen int, why string) int {
	files := m.Files()
	for i, f := range files[seen:] {
		call, shell := cgroupFileOp(f)
		w := ""
		if i == 0 {
			w = why
		}
		rec.Record(explain.Parent, call, shell, w)
	}
	return len(files)
}

func cgroupFileOp(f cgroups.FileWrite) (call, shell string) {
	switch f.Op {
	case "mkdir":
		return fmt.Sprintf("mkdir(%q, 0755)", f.Path), "mkdir " + explain.Quote(f.Path)
	case "rmdir":
		return fmt.Sprintf("rmdir(%q)", f.Path), "rmdir " + explain.Quote(f.Path)
	}
	return fmt.Sprintf("write(%q, %q)", f.Path, f.Value), fmt.Sprintf("echo %s > %s", explain.Quote(f.Value), explain.Quote(f.Path))
}

// cgroupScript returns the shell lines that create the cgroup and put the
// script's own shell in it (so unshare and the container inherit it), and
// the lines that take the shell back out and remove the cgroup afterwards.
//
// To print exactly what dockling would write on this host (v1 or v2, which
// controllers, which paths), it creates the cgroup for real, notes every
// write, and destroys it again.
func cgroupScript(spec *CgroupSpec) (setup, teardown []string, err error) {
	m, err := cgroups.New(spec.Name, spec.Limits)
	if err != nil {
		return nil, nil, err
	}
	created := len(m.Files())
	if err := m.Destroy(); err != nil {
		return nil, nil, err
	}
	files := m.Files()
	roots := map[string]bool{}
	for _, f := range files[:created] {
		_, shell := cgroupFileOp(f)
		if f.Op == "mkdir" && filepath.Base(f.Path) != spec.Name {
			// The shared dockling/ parent: made just now to print this,
			// and kept (as between containers), so the script must not
			// fail when it is there.
			shell = "mkdir -p " + explain.Quote(f.Path)
		}
		setup = append(setup, shell)
		if f.Op == "mkdir" && filepath.Base(f.Path) == spec.Name {
			// <hierarchy>/dockling/<name>: join it, and later go back to the
			// hierarchy's root, which always accepts processes.
			setup = append(setup, fmt.Sprintf("echo $$ > %s", explain.Quote(filepath.Join(f.Path, "cgroup.procs"))))
			roots[filepath.Dir(filepath.Dir(f.Path))] = true
		}
	}
	for r := range roots {
		teardown = append(teardown, fmt.Sprintf("echo $$ > %s", explain.Quote(filepath.Join(r, "cgroup.procs"))))
	}
	for _, f := range files[created:] {
		if f.Op == "rmdir" {
			_, shell := cgroupFileOp(f)
			teardown = append(teardown, shell)
		}
	}
	sort.Strings(teardown[:len(roots)]) // map order is random; keep the script stable
	return setup, teardown, nil
}

// SweepCgroups removes the cgroups whose names start with prefix and that
// stale says are left over: what a runner killed with SIGKILL left behind.
// Its container normally died with it (parent-death signal), but nobody was
// left to rmdir the cgroup; any process still inside is killed first.
func SweepCgroups(prefix string, stale func(name string) bool) error {
	names, err := cgroups.Names()
	if err != nil {
		return err
	}
	var errs []error
	for _, n := range names {
		if !strings.HasPrefix(n, prefix) || !stale(n) {
			continue
		}
		m, err := cgroups.Load(n)
		if err != nil {
			continue // already gone, or half gone: nothing left to do here
		}
		errs = append(errs, m.Destroy())
	}
	return errors.Join(errs...)
}
