package cgroups

import (
	"testing"
)

func TestAvailable(t *testing.T) {
	cases := []struct {
		fixture string
		mode    Mode
		yes     []string
	}{
		{"v1-centos7", V1, []string{"memory", "cpu", "cpuacct", "pids", "devices", "cpuset", "freezer", "blkio", "io"}},
		// The unified tree of a hybrid host offers hugetlb only: not one we report.
		{"hybrid", Hybrid, []string{"memory", "cpu", "cpuacct", "pids", "devices", "cpuset", "freezer", "io", "blkio"}},
		{"v2", V2, []string{"memory", "cpu", "cpuacct", "pids", "cpuset", "io", "blkio", "devices", "freezer"}},
	}
	for _, c := range cases {
		h := fixtureHost(t, c.fixture)
		got, mode, err := h.available()
		if err != nil {
			t.Fatalf("%s: %v", c.fixture, err)
		}
		if mode != c.mode {
			t.Errorf("%s: mode %q; want %q", c.fixture, mode, c.mode)
		}
		if len(got) != len(reportedControllers) {
			t.Errorf("%s: %d keys; want every one of %v", c.fixture, len(got), reportedControllers)
		}
		for _, k := range c.yes {
			if !got[k] {
				t.Errorf("%s: %s not available", c.fixture, k)
			}
		}
	}

	// A v2 host without pids in cgroup.controllers says so.
	h := fixtureHost(t, "v2")
	writeFixture(t, h, "/sys/fs/cgroup/cgroup.controllers", "cpu memory\n")
	got, _, err := h.available()
	if err != nil {
		t.Fatal(err)
	}
	if got["pids"] || got["io"] || !got["memory"] {
		t.Errorf("v2 without pids and io: %v", got)
	}
}
