package cgroups

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

func TestParseMountinfoCombinedCPU(t *testing.T) {
	hs, err := parseMountinfo("testdata/v1-centos7/proc/self/mountinfo")
	if err != nil {
		t.Fatal(err)
	}
	if len(hs) != 8 {
		t.Fatalf("got %d cgroup mounts, want 8 (the tmpfs is not one): %+v", len(hs), hs)
	}
	var cpu hierarchy
	for _, h := range hs {
		if h.has("cpu") {
			cpu = h
		}
	}
	if cpu.Mountpoint != "/sys/fs/cgroup/cpu,cpuacct" || !cpu.has("cpuacct") {
		t.Errorf("cpu hierarchy = %+v; want cpu and cpuacct at /sys/fs/cgroup/cpu,cpuacct", cpu)
	}
	picked := v1Hierarchies(hs)
	if len(picked) != 3 {
		t.Errorf("v1Hierarchies = %+v; want memory, cpu,cpuacct and pids, each once", picked)
	}
}

func TestParseMountinfoEscapesAndRoots(t *testing.T) {
	p := filepath.Join(t.TempDir(), "mountinfo")
	line := "50 40 0:33 /docker/abc /my\\040cgroups/memory rw - cgroup cgroup rw,memory,clone_children\n"
	if err := os.WriteFile(p, []byte(line), 0o644); err != nil {
		t.Fatal(err)
	}
	hs, err := parseMountinfo(p)
	if err != nil || len(hs) != 1 {
		t.Fatalf("parse: %v %+v", err, hs)
	}
	h := hs[0]
	if h.Mountpoint != "/my cgroups/memory" || h.Root != "/docker/abc" || !slices.Equal(h.Controllers, []string{"memory"}) {
		t.Errorf("got %+v", h)
	}
}

func TestModeFromMounts(t *testing.T) {
	for fixture, want := range map[string]Mode{"v1-centos7": V1, "hybrid": Hybrid, "v2": V2} {
		hs, err := parseMountinfo(filepath.Join("testdata", fixture, "proc/self/mountinfo"))
		if err != nil {
			t.Fatal(err)
		}
		if got, err := modeFromMounts(hs, "/sys/fs/cgroup"); got != want || err != nil {
			t.Errorf("%s: mode %q, %v; want %q", fixture, got, err, want)
		}
	}
	if _, err := modeFromMounts(nil, "/sys/fs/cgroup"); err == nil {
		t.Error("no mounts: no error")
	}
}

func TestParseSelfCgroup(t *testing.T) {
	cgs, err := parseSelfCgroup("testdata/hybrid/proc/self/cgroup")
	if err != nil {
		t.Fatal(err)
	}
	var memory, unified string
	for _, c := range cgs {
		if slices.Contains(c.Controllers, "memory") {
			memory = c.Path
		}
		if c.ID == 0 {
			unified = c.Path
		}
	}
	// The runner is not at the root of the memory hierarchy on the build
	// machines; nothing may assume it is.
	if memory != "/process_api/dd904c73b8021fde981f94b4ef3dee8a" || unified != "/" {
		t.Errorf("memory %q unified %q", memory, unified)
	}
	h := fixtureHost(t, "v2")
	if got := h.selfV2Path(); got != "/user.slice/user-0.slice/session-1.scope" {
		t.Errorf("selfV2Path = %q", got)
	}
}
