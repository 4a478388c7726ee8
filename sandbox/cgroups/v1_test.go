package cgroups

import (
	"os"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestNewV1CombinedCPU(t *testing.T) {
	h := fixtureHost(t, "v1-centos7")
	m, err := h.new("web", Limits{Memory: 64 << 20, CPUs: 0.5, CPUShares: 512, PidsLimit: 20})
	if err != nil {
		t.Fatal(err)
	}
	want := []FileWrite{
		{"mkdir", "/sys/fs/cgroup/memory/dockling", ""},
		{"mkdir", "/sys/fs/cgroup/memory/dockling/web", ""},
		{"mkdir", "/sys/fs/cgroup/cpu,cpuacct/dockling", ""},
		{"mkdir", "/sys/fs/cgroup/cpu,cpuacct/dockling/web", ""},
		{"mkdir", "/sys/fs/cgroup/pids/dockling", ""},
		{"mkdir", "/sys/fs/cgroup/pids/dockling/web", ""},
		{"write", "/sys/fs/cgroup/memory/dockling/web/memory.limit_in_bytes", "67108864"},
		{"write", "/sys/fs/cgroup/memory/dockling/web/memory.memsw.limit_in_bytes", "134217728"},
		{"write", "/sys/fs/cgroup/cpu,cpuacct/dockling/web/cpu.cfs_period_us", "100000"},
		{"write", "/sys/fs/cgroup/cpu,cpuacct/dockling/web/cpu.cfs_quota_us", "50000"},
		{"write", "/sys/fs/cgroup/cpu,cpuacct/dockling/web/cpu.shares", "512"},
		{"write", "/sys/fs/cgroup/pids/dockling/web/pids.max", "20"},
	}
	if got := m.Files(); !slices.Equal(got, want) {
		t.Errorf("Files():\n got %v\nwant %v", got, want)
	}
	if got := readFixture(t, h, "/sys/fs/cgroup/cpu,cpuacct/dockling/web/cpu.cfs_quota_us"); got != "50000" {
		t.Errorf("cpu.cfs_quota_us = %q", got)
	}
	if m.Path() != "/sys/fs/cgroup/memory/dockling/web" {
		t.Errorf("Path() = %q", m.Path())
	}

	// CentOS 7 has no oom_kill counter: failcnt is the hint.
	if oom, err := m.OOMKilled(); oom || err != nil {
		t.Errorf("fresh cgroup OOMKilled = %v, %v", oom, err)
	}
	writeFixture(t, h, "/sys/fs/cgroup/memory/dockling/web/memory.failcnt", "3\n")
	if oom, err := m.OOMKilled(); !oom || err != nil {
		t.Errorf("failcnt 3: OOMKilled = %v, %v", oom, err)
	}
}

func TestNewHybridUsesV1AndLeavesUnifiedAlone(t *testing.T) {
	h := fixtureHost(t, "hybrid")
	m, err := h.new("db", Limits{Memory: 32 << 20, MemorySwap: -1, CPUs: 1, PidsLimit: 10})
	if err != nil {
		t.Fatal(err)
	}
	var dirs []string
	for _, f := range m.Files() {
		if f.Op == "mkdir" && strings.HasSuffix(f.Path, "/db") {
			dirs = append(dirs, f.Path)
		}
	}
	want := []string{
		"/sys/fs/cgroup/memory/dockling/db", "/sys/fs/cgroup/cpu/dockling/db",
		"/sys/fs/cgroup/cpuacct/dockling/db", "/sys/fs/cgroup/pids/dockling/db",
	}
	if !slices.Equal(dirs, want) {
		t.Errorf("cgroups made: %v; want %v", dirs, want)
	}
	assertGone(t, h, "/sys/fs/cgroup/unified/dockling")
	if got := readFixture(t, h, "/sys/fs/cgroup/memory/dockling/db/memory.memsw.limit_in_bytes"); got != "-1" {
		t.Errorf("--memory-swap -1 wrote %q; want -1", got)
	}

	if err := m.Apply(4242); err != nil {
		t.Fatal(err)
	}
	for _, d := range want {
		if got := readFixture(t, h, d+"/cgroup.procs"); got != "4242" {
			t.Errorf("%s/cgroup.procs = %q", d, got)
		}
	}
	if pids, err := m.Procs(); err != nil || !slices.Equal(pids, []int{4242}) {
		t.Errorf("Procs() = %v, %v", pids, err)
	}
	// Play the process gone, as the kernel would after it exits.
	for _, d := range want {
		writeFixture(t, h, d+"/cgroup.procs", "")
	}

	writeFixture(t, h, "/sys/fs/cgroup/memory/dockling/db/memory.max_usage_in_bytes", "33554432\n")
	writeFixture(t, h, "/sys/fs/cgroup/memory/dockling/db/memory.oom_control", "oom_kill_disable 0\nunder_oom 0\noom_kill 2\n")
	writeFixture(t, h, "/sys/fs/cgroup/pids/dockling/db/pids.events", "max 7\n")
	writeFixture(t, h, "/sys/fs/cgroup/pids/dockling/db/pids.peak", "10\n")
	writeFixture(t, h, "/sys/fs/cgroup/cpuacct/dockling/db/cpuacct.usage", "1500000000\n")
	writeFixture(t, h, "/sys/fs/cgroup/cpu/dockling/db/cpu.stat", "nr_periods 40\nnr_throttled 12\nthrottled_time 300000000\n")
	u, err := m.Usage()
	if err != nil {
		t.Fatal(err)
	}
	wantU := Usage{MemoryPeak: 32 << 20, OOMKills: 2, PidsPeak: 10, PidsRefused: 7,
		CPUUsage: 1500 * time.Millisecond, NrPeriods: 40, NrThrottled: 12, ThrottledTime: 300 * time.Millisecond}
	if u != wantU {
		t.Errorf("Usage():\n got %+v\nwant %+v", u, wantU)
	}
	if oom, err := m.OOMKilled(); !oom || err != nil {
		t.Errorf("OOMKilled = %v, %v", oom, err)
	}

	if err := m.Destroy(); err != nil {
		t.Fatal(err)
	}
	for _, d := range want {
		assertGone(t, h, d)
	}
	if err := m.Destroy(); err != nil {
		t.Errorf("second Destroy: %v", err)
	}
}

func TestNewV1RefusesDuplicateAndCleansUp(t *testing.T) {
	h := fixtureHost(t, "hybrid")
	if _, err := h.new("twin", Limits{}); err != nil {
		t.Fatal(err)
	}
	_, err := h.new("twin", Limits{})
	if err == nil || !strings.Contains(err.Error(), `a cgroup for container "twin" already exists`) {
		t.Fatalf("second New: %v", err)
	}
	// The cleanup after the refusal leaves the first container's cgroup
	// alone (on a real host it would have killed its processes).
	for _, tree := range []string{"memory", "cpu", "pids"} {
		if _, err := os.Stat(h.path("/sys/fs/cgroup/" + tree + "/dockling/twin")); err != nil {
			t.Errorf("the first twin's cgroup is gone from %s: %v", tree, err)
		}
	}

	// A clash in a later hierarchy only: what this New made in the
	// earlier ones goes, the other container's directory stays.
	if err := os.Mkdir(h.path("/sys/fs/cgroup/pids/dockling/half"), 0o755); err != nil {
		t.Fatal(err)
	}
	if _, err := h.new("half", Limits{}); err == nil {
		t.Fatal("New with a clash in the pids tree succeeded")
	}
	if _, err := os.Stat(h.path("/sys/fs/cgroup/pids/dockling/half")); err != nil {
		t.Errorf("the other half was removed: %v", err)
	}
	// memory and cpu come before pids in v1Wanted: made, then removed.
	for _, tree := range []string{"memory", "cpu"} {
		assertGone(t, h, "/sys/fs/cgroup/"+tree+"/dockling/half")
	}
}

func TestNewV1MissingController(t *testing.T) {
	h := fixtureHost(t, "hybrid")
	// Drop the pids hierarchy from the mount table.
	mi := readFixture(t, h, "/proc/self/mountinfo")
	var kept []string
	for _, l := range strings.Split(mi, "\n") {
		if !strings.HasSuffix(l, "rw,pids") {
			kept = append(kept, l)
		}
	}
	writeFixture(t, h, "/proc/self/mountinfo", strings.Join(kept, "\n")+"\n")
	_, err := h.new("x", Limits{PidsLimit: 5})
	if err == nil || !strings.Contains(err.Error(), "the pids cgroup controller is not mounted") {
		t.Fatalf("err = %v", err)
	}
	assertGone(t, h, "/sys/fs/cgroup/memory/dockling/x")
	// Without a pids limit the container runs with what is there.
	if _, err := h.new("x", Limits{Memory: 8 << 20}); err != nil {
		t.Errorf("no pids limit: %v", err)
	}
}

func TestNewRejectsBadInput(t *testing.T) {
	h := fixtureHost(t, "hybrid")
	for _, name := range []string{"", "..", "a/b", "."} {
		if _, err := h.new(name, Limits{}); err == nil {
			t.Errorf("name %q accepted", name)
		}
	}
	_, err := h.new("small", Limits{Memory: 4 << 20})
	if err == nil || err.Error() != "memory limit 4 MiB is too low: the minimum is 6 MiB" {
		t.Errorf("4 MiB: %v", err)
	}
	assertGone(t, h, "/sys/fs/cgroup/memory/dockling")
}

// RemoveParents takes away each empty dockling/ parent and keeps the ones
// still holding a container, in every hierarchy of a hybrid host.
func TestRemoveParentsKeepsBusyOnes(t *testing.T) {
	h := fixtureHost(t, "hybrid")
	for _, name := range []string{"a", "b"} {
		if _, err := h.new(name, Limits{PidsLimit: 5, Memory: 64 << 20}); err != nil {
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
	if got := h.parents(); !slices.Contains(got, "/sys/fs/cgroup/memory/dockling") || !slices.Contains(got, "/sys/fs/cgroup/pids/dockling") {
		t.Errorf("parents() = %v; want the memory and pids parents among them", got)
	}
	kept, err := h.removeParents(nil)
	if err != nil || len(kept) == 0 || !strings.Contains(kept[0], "(holds b)") {
		t.Fatalf("removeParents with b still there: %v, %v", kept, err)
	}
	if _, err := h.load("b"); err != nil {
		t.Fatalf("b's parents were removed under it: %v", err)
	}
	for _, tree := range []string{"memory", "pids"} {
		if _, err := os.Stat(h.path("/sys/fs/cgroup/" + tree + "/dockling/b")); err != nil {
			t.Fatalf("b in %s: %v", tree, err)
		}
	}
	b, _ := h.load("b")
	if err := b.Destroy(); err != nil {
		t.Fatal(err)
	}
	if kept, err := h.removeParents(nil); err != nil || len(kept) > 0 {
		t.Fatal(kept, err)
	}
	for _, tree := range []string{"memory", "pids"} {
		assertGone(t, h, "/sys/fs/cgroup/"+tree+"/dockling")
	}
	if got := h.parents(); len(got) != 0 {
		t.Errorf("parents() after removal = %v", got)
	}
	if _, err := h.removeParents(nil); err != nil {
		t.Errorf("removeParents with nothing to remove: %v", err)
	}
}
