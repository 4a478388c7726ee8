package cgroups

import (
	"slices"
	"strings"
	"testing"
)

// Device rules put the container in the devices hierarchy too, deny all
// first and then allow each rule, in order; Load finds that directory again
// so that rm removes it.
func TestNewV1DeviceRules(t *testing.T) {
	for _, fixture := range []string{"hybrid", "v1-centos7"} {
		t.Run(fixture, func(t *testing.T) {
			h := fixtureHost(t, fixture)
			rules := []string{"c 1:3 rwm", "c *:* m"}
			m, err := h.new("web", Limits{Devices: rules})
			if err != nil {
				t.Fatal(err)
			}
			var writes []FileWrite
			for _, f := range m.Files() {
				if strings.HasPrefix(f.Path, "/sys/fs/cgroup/devices/") {
					writes = append(writes, f)
				}
			}
			want := []FileWrite{
				{"mkdir", "/sys/fs/cgroup/devices/dockling", ""},
				{"mkdir", "/sys/fs/cgroup/devices/dockling/web", ""},
				{"write", "/sys/fs/cgroup/devices/dockling/web/devices.deny", "a"},
				{"write", "/sys/fs/cgroup/devices/dockling/web/devices.allow", "c 1:3 rwm"},
				{"write", "/sys/fs/cgroup/devices/dockling/web/devices.allow", "c *:* m"},
			}
			if !slices.Equal(writes, want) {
				t.Errorf("devices writes:\n got %v\nwant %v", writes, want)
			}
			// (No Apply here: Destroy SIGKILLs the pids listed in the fake
			// cgroup.procs, and any pid written would be a real one.)
			loaded, err := h.load("web")
			if err != nil {
				t.Fatal(err)
			}
			if err := loaded.Destroy(); err != nil {
				t.Fatal(err)
			}
			assertGone(t, h, "/sys/fs/cgroup/devices/dockling/web")
		})
	}
}

// Without rules (the steps) the devices hierarchy is not touched.
func TestNewV1NoDeviceRulesLeavesDevicesAlone(t *testing.T) {
	h := fixtureHost(t, "hybrid")
	m, err := h.new("web", Limits{Memory: 64 << 20})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range m.Files() {
		if strings.Contains(f.Path, "/devices/") {
			t.Errorf("touched the devices hierarchy without rules: %v", f)
		}
	}
}
