package hostcheck

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestKernelVersion(t *testing.T) {
	cases := []struct {
		release      string
		major, minor int
	}{
		{"3.10.0-1160.el7.x86_64", 3, 10},
		{"6.1.0-56-cloud-amd64", 6, 1},
		{"4.19-rc1", 4, 19},
		{"2.6.32-754.el6.x86_64", 2, 6},
	}
	for _, c := range cases {
		major, minor, err := kernelVersion(c.release)
		if err != nil || major != c.major || minor != c.minor {
			t.Errorf("kernelVersion(%q) = %d, %d, %v; want %d, %d", c.release, major, minor, err, c.major, c.minor)
		}
	}
	if _, _, err := kernelVersion("garbage"); err == nil {
		t.Error(`kernelVersion("garbage") succeeded`)
	}
}

func TestOldKernelWarns(t *testing.T) {
	r := checkKernel(facts{host: Host{Proc: "/nonexistent"}, release: "2.6.32-754.el6.x86_64"})
	if r.Status != Warn || !strings.Contains(r.Fix, "3.10") {
		t.Errorf("2.6.32: %v %q fix %q; want a warn naming 3.10", r.Status, r.Detail, r.Fix)
	}
}

func TestV1GroupsJoinSharedHierarchies(t *testing.T) {
	groups, avail := v1Groups([]v1Controller{
		{"cpu", 4, true}, {"cpuacct", 4, true}, {"memory", 9, false}, {"pids", 10, true},
	})
	if got := strings.Join(groups, " "); got != "cpu,cpuacct pids" {
		t.Errorf("groups = %q, want %q", got, "cpu,cpuacct pids")
	}
	if avail["memory"] || !avail["cpuacct"] {
		t.Errorf("available = %v; memory is disabled, cpuacct enabled", avail)
	}
}

func TestRootMountTypeTakesTopMount(t *testing.T) {
	got := rootMountType("testdata/centos7/proc/self/mountinfo")
	if got != "xfs" {
		t.Errorf("rootMountType = %q, want xfs", got)
	}
}

func TestDistroWordsFixes(t *testing.T) {
	c := readDistro("testdata/centos7/etc/os-release")
	if c.family() != "redhat" || c.VersionID != "7" || !strings.HasPrefix(c.install("iptables", "iptables"), "yum") {
		t.Errorf("CentOS 7 read as %+v", c)
	}
	d := readDistro("testdata/debian12-v2/etc/os-release")
	if d.family() != "debian" || !strings.Contains(d.bootArg("x=1"), "update-grub") {
		t.Errorf("Debian 12 read as %+v", d)
	}
	var unknown distro
	if fix := unknown.bootArg("x=1"); !strings.Contains(fix, "update-grub") || !strings.Contains(fix, "grubby") {
		t.Errorf("unknown distro fix %q should name both update-grub and grubby", fix)
	}
}

func TestStatusJSONIsAWord(t *testing.T) {
	b, err := json.Marshal(Result{Name: "x", Status: Fail, Required: true})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `"status":"fail"`) {
		t.Errorf("JSON %s lacks \"status\":\"fail\"", b)
	}
}
