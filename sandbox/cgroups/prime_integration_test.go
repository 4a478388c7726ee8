//go:build integration

package cgroups

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

// The early no-op move must target the cgroup this process is in, on the
// real host, and leave it there: the runner must not end up in some other
// cgroup (nor take the container's limits with it).
func TestIntegrationPrimeMovesChangesNothing(t *testing.T) {
	procs := realHost.ownProcsFile()
	if procs == "" {
		t.Fatal("no cgroup.procs found for this process")
	}
	pids, err := readPids(filepath.Dir(procs))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(pids, os.Getpid()) {
		t.Fatalf("%s does not list this process (%d): %v", procs, os.Getpid(), pids)
	}
	before, err := os.ReadFile("/proc/self/cgroup")
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	PrimeMoves()
	if d := time.Since(start); d > 5*time.Millisecond {
		t.Errorf("PrimeMoves took %v: it must not wait for the kernel itself", d)
	}
	// The write runs in the background; making a cgroup takes the same
	// kernel mutex (cgroup_mutex), so once one is made, the write is done.
	m := newTest(t, Limits{})
	if err := m.Destroy(); err != nil {
		t.Fatal(err)
	}
	after, err := os.ReadFile("/proc/self/cgroup")
	if err != nil {
		t.Fatal(err)
	}
	if string(after) != string(before) {
		t.Errorf("this process changed cgroups:\nbefore %s\nafter  %s", before, after)
	}
}
