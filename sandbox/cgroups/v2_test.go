package cgroups

import (
	"slices"
	"strings"
	"testing"
	"time"
)

func TestNewV2EnablesControllersDownTheChain(t *testing.T) {
	h := fixtureHost(t, "v2")
	m, err := h.new("web", Limits{Memory: 64 << 20, CPUs: 1.5, CPUShares: 1024, PidsLimit: 50})
	if err != nil {
		t.Fatal(err)
	}
	want := []FileWrite{
		// systemd enabled cpu and memory at the root already: only pids is new.
		{"write", "/sys/fs/cgroup/cgroup.subtree_control", "+pids"},
		{"mkdir", "/sys/fs/cgroup/dockling", ""},
		{"write", "/sys/fs/cgroup/dockling/cgroup.subtree_control", "+memory +cpu +pids"},
		{"mkdir", "/sys/fs/cgroup/dockling/web", ""},
		{"write", "/sys/fs/cgroup/dockling/web/memory.max", "67108864"},
		// v2 limits swap alone: docker's default total of 2×64m is 64m of swap.
		{"write", "/sys/fs/cgroup/dockling/web/memory.swap.max", "67108864"},
		{"write", "/sys/fs/cgroup/dockling/web/cpu.max", "150000 100000"},
		{"write", "/sys/fs/cgroup/dockling/web/cpu.weight", "39"},
		{"write", "/sys/fs/cgroup/dockling/web/pids.max", "50"},
	}
	if got := m.Files(); !slices.Equal(got, want) {
		t.Errorf("Files():\n got %v\nwant %v", got, want)
	}
	if m.Path() != "/sys/fs/cgroup/dockling/web" {
		t.Errorf("Path() = %q", m.Path())
	}

	// A second container finds the chain ready and only makes its own dir.
	m2, err := h.new("api", Limits{Memory: 64 << 20, MemorySwap: -1})
	if err != nil {
		t.Fatal(err)
	}
	want2 := []FileWrite{
		{"mkdir", "/sys/fs/cgroup/dockling/api", ""},
		{"write", "/sys/fs/cgroup/dockling/api/memory.max", "67108864"},
		{"write", "/sys/fs/cgroup/dockling/api/memory.swap.max", "max"},
	}
	if got := m2.Files(); !slices.Equal(got, want2) {
		t.Errorf("second Files():\n got %v\nwant %v", got, want2)
	}
}

func TestNewV2UsageAndOOM(t *testing.T) {
	h := fixtureHost(t, "v2")
	m, err := h.new("hog", Limits{Memory: 16 << 20})
	if err != nil {
		t.Fatal(err)
	}
	d := "/sys/fs/cgroup/dockling/hog/"
	writeFixture(t, h, d+"memory.peak", "16777216\n")
	writeFixture(t, h, d+"memory.current", "4096\n")
	writeFixture(t, h, d+"memory.events", "low 0\nhigh 0\nmax 9\noom 1\noom_kill 1\noom_group_kill 0\n")
	writeFixture(t, h, d+"pids.current", "3\n")
	writeFixture(t, h, d+"pids.events", "max 4\n")
	writeFixture(t, h, d+"cpu.stat", "usage_usec 2500000\nuser_usec 2000000\nsystem_usec 500000\nnr_periods 10\nnr_throttled 5\nthrottled_usec 700000\n")
	u, err := m.Usage()
	if err != nil {
		t.Fatal(err)
	}
	// This fake kernel has no pids.peak (v2 got it in 6.13): it reads 0.
	want := Usage{MemoryPeak: 16 << 20, MemoryCurrent: 4096, OOMKills: 1, Pids: 3, PidsRefused: 4,
		CPUUsage: 2500 * time.Millisecond, NrPeriods: 10, NrThrottled: 5, ThrottledTime: 700 * time.Millisecond}
	if u != want {
		t.Errorf("Usage():\n got %+v\nwant %+v", u, want)
	}
	if oom, err := m.OOMKilled(); !oom || err != nil {
		t.Errorf("OOMKilled = %v, %v", oom, err)
	}
}

func TestV2LoadDestroyAndCleanupAll(t *testing.T) {
	h := fixtureHost(t, "v2")
	for _, name := range []string{"a", "b"} {
		if _, err := h.new(name, Limits{PidsLimit: 5}); err != nil {
			t.Fatal(err)
		}
	}
	m, err := h.load("a")
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Destroy(); err != nil {
		t.Fatal(err)
	}
	// An empty cgroup is killed through cgroup.kill too: harmless, and
	// it is what catches processes forked during teardown.
	if got := m.Files(); !slices.Equal(got, []FileWrite{
		{"write", "/sys/fs/cgroup/dockling/a/cgroup.kill", "1"},
		{"rmdir", "/sys/fs/cgroup/dockling/a", ""},
	}) {
		t.Errorf("Destroy Files() = %v", got)
	}
	assertGone(t, h, "/sys/fs/cgroup/dockling/a")
	if _, err := h.load("a"); err == nil {
		t.Error("Load of a destroyed container succeeded")
	}
	// A cgroup that is not ours and still holds a process stays (another
	// state root's container); an empty one goes whoever made it.
	writeFixture(t, h, "/sys/fs/cgroup/dockling/b/cgroup.procs", "4242\n")
	none := func(string) bool { return false }
	if kept, err := h.cleanupAll(none); err != nil || !slices.Equal(kept, []string{"b"}) {
		t.Fatalf("cleanupAll = %v, %v; want b kept", kept, err)
	}
	if _, err := h.load("b"); err != nil {
		t.Errorf("b, busy and not ours, was removed: %v", err)
	}
	writeFixture(t, h, "/sys/fs/cgroup/dockling/b/cgroup.procs", "")
	if kept, err := h.cleanupAll(none); err != nil || len(kept) != 0 {
		t.Fatalf("cleanupAll of an empty b = %v, %v", kept, err)
	}
	assertGone(t, h, "/sys/fs/cgroup/dockling")
	if kept, err := h.cleanupAll(none); err != nil || len(kept) != 0 {
		t.Errorf("cleanupAll with nothing to do: %v, %v", kept, err)
	}
}

func TestNewV2MissingController(t *testing.T) {
	h := fixtureHost(t, "v2")
	writeFixture(t, h, "/sys/fs/cgroup/cgroup.controllers", "cpu memory\n")
	if _, err := h.new("x", Limits{PidsLimit: 5}); err == nil {
		t.Fatal("pids limit accepted without a pids controller")
	}
	assertGone(t, h, "/sys/fs/cgroup/dockling/x")
}

// A second container with the same name is refused, and the cleanup after
// the refusal neither kills (cgroup.kill) nor removes the first one's
// cgroup.
func TestNewV2RefusesDuplicateAndLeavesTheFirstAlone(t *testing.T) {
	h := fixtureHost(t, "v2")
	if _, err := h.new("twin", Limits{PidsLimit: 5}); err != nil {
		t.Fatal(err)
	}
	_, err := h.new("twin", Limits{PidsLimit: 5})
	if err == nil || !strings.Contains(err.Error(), `a cgroup for container "twin" already exists`) {
		t.Fatalf("second New: %v", err)
	}
	if got := readFixture(t, h, "/sys/fs/cgroup/dockling/twin/cgroup.kill"); strings.TrimSpace(got) == "1" {
		t.Error("the refusal killed the first twin's processes through cgroup.kill")
	}
	if _, err := h.load("twin"); err != nil {
		t.Errorf("the first twin's cgroup is gone: %v", err)
	}
}
