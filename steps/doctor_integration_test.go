//go:build integration

package steps_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/dockling/dockling/sandbox/cgroups"
)

// The doctor's cgroup line must agree with the kernel: run on the v1/hybrid
// host and inside the cgroup v2 VM alike.
func TestIntegrationDoctorReportsCgroupMode(t *testing.T) {
	r := env.Run(t, "doctor", "--json")
	if r.Code != 0 {
		t.Fatalf("doctor failed a required check here: %s%s", r.Stdout, r.Stderr)
	}
	var results []struct{ Name, Status, Detail string }
	if err := json.Unmarshal([]byte(r.Stdout), &results); err != nil {
		t.Fatalf("doctor --json: %v\n%s", err, r.Stdout)
	}
	mode, err := cgroups.DetectMode("/sys/fs/cgroup")
	if err != nil {
		t.Fatal(err)
	}
	avail, _, err := cgroups.Available()
	if err != nil {
		t.Fatal(err)
	}
	for _, res := range results {
		if res.Name != "cgroups" {
			continue
		}
		if !strings.HasPrefix(res.Detail, string(mode)+":") {
			t.Errorf("doctor says %q, the kernel says %s", res.Detail, mode)
		}
		// "hybrid: cpuset cpu,cpuacct memory ..." (shared v1 hierarchies
		// are joined with commas).
		listed := map[string]bool{}
		for _, w := range strings.FieldsFunc(res.Detail, func(r rune) bool { return r == ' ' || r == ',' }) {
			listed[w] = true
		}
		for _, c := range []string{"memory", "cpu", "pids"} {
			if !avail[c] || !listed[c] {
				t.Errorf("controller %s: available %v, listed by doctor %v (%q)", c, avail[c], listed[c], res.Detail)
			}
		}
		return
	}
	t.Errorf("no cgroups line in doctor's report:\n%s", r.Stdout)
}
