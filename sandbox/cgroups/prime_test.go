package cgroups

import "testing"

// The no-op move that starts the kernel's grace period early must name the
// cgroup this process is already in, or it would move the runner.
func TestOwnProcsFile(t *testing.T) {
	for fixture, want := range map[string]string{
		"hybrid":     "/sys/fs/cgroup/memory/process_api/dd904c73b8021fde981f94b4ef3dee8a/cgroup.procs",
		"v1-centos7": "/sys/fs/cgroup/memory/user.slice/cgroup.procs",
		"v2":         "/sys/fs/cgroup/user.slice/user-0.slice/session-1.scope/cgroup.procs",
	} {
		h := fixtureHost(t, fixture)
		if got := h.unprefix(h.ownProcsFile()); got != want {
			t.Errorf("%s: ownProcsFile() = %q, want %q", fixture, got, want)
		}
	}
}

func TestSameSet(t *testing.T) {
	for _, c := range []struct {
		a, b []string
		want bool
	}{
		{[]string{"cpu", "cpuacct"}, []string{"cpuacct", "cpu"}, true},
		{[]string{"memory"}, []string{"memory"}, true},
		{[]string{"cpu"}, []string{"cpu", "cpuacct"}, false},
		{[]string{"cpu", "pids"}, []string{"cpu", "cpuacct"}, false},
	} {
		if got := sameSet(c.a, c.b); got != c.want {
			t.Errorf("sameSet(%v, %v) = %v, want %v", c.a, c.b, got, c.want)
		}
	}
}
