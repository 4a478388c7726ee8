package hostcheck

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/dockling/dockling/sandbox/cgroups"
)

// fakeMachine is what the files of a fake tree cannot say.
type fakeMachine struct {
	euid       int
	rootFS     int64 // statfs magic of "/"
	stateFS    int64 // statfs magic of the state directory
	dtypeWorks bool
	cgroupMode cgroups.Mode
	inPath     []string // programs LookPath finds
}

// fakeHost points a Host at testdata/<dir> (or any directory) and answers
// the system-call questions from m.
func fakeHost(root string, m fakeMachine) Host {
	state := filepath.Join(root, "state")
	return Host{
		Proc:     filepath.Join(root, "proc"),
		Sys:      filepath.Join(root, "sys"),
		Etc:      filepath.Join(root, "etc"),
		Modules:  filepath.Join(root, "lib/modules"),
		StateDir: state,
		Euid:     func() int { return m.euid },
		FSType: func(path string) (int64, error) {
			switch path {
			case "/":
				return m.rootFS, nil
			case state:
				return m.stateFS, nil
			}
			return 0, errors.New("fake statfs: unexpected path " + path)
		},
		DirentTypes: func(string) (bool, error) { return m.dtypeWorks, nil },
		CgroupMode:  func(string) (cgroups.Mode, error) { return m.cgroupMode, nil },
		LookPath: func(name string) (string, error) {
			for _, p := range m.inPath {
				if p == name {
					return "/usr/sbin/" + name, nil
				}
			}
			return "", errors.New("not in PATH")
		},
	}
}

var centos7 = fakeMachine{
	rootFS: unix.XFS_SUPER_MAGIC, stateFS: unix.XFS_SUPER_MAGIC, dtypeWorks: false,
	cgroupMode: cgroups.V1, inPath: []string{"iptables"},
}

var debian12 = fakeMachine{
	rootFS: unix.EXT4_SUPER_MAGIC, stateFS: unix.EXT4_SUPER_MAGIC, dtypeWorks: true,
	cgroupMode: cgroups.V2, inPath: []string{"iptables", "nft"},
}

// byName indexes results so a test can look at one line.
func byName(t *testing.T, rs []Result) map[string]Result {
	t.Helper()
	m := map[string]Result{}
	for _, r := range rs {
		if _, dup := m[r.Name]; dup {
			t.Fatalf("two results named %q", r.Name)
		}
		m[r.Name] = r
	}
	return m
}

// expect checks one line: its status, and that detail and fix contain the
// given fragments.
func expect(t *testing.T, rs map[string]Result, name string, want Status, detail, fix []string) {
	t.Helper()
	r, ok := rs[name]
	if !ok {
		t.Fatalf("no %q result", name)
	}
	if r.Status != want {
		t.Errorf("%s: status %v, want %v (detail %q, fix %q)", name, r.Status, want, r.Detail, r.Fix)
	}
	for _, s := range detail {
		if !strings.Contains(r.Detail, s) {
			t.Errorf("%s: detail %q lacks %q", name, r.Detail, s)
		}
	}
	for _, s := range fix {
		if !strings.Contains(r.Fix, s) {
			t.Errorf("%s: fix %q lacks %q", name, r.Fix, s)
		}
	}
	if want != OK && r.Fix == "" {
		t.Errorf("%s: %v without a fix", name, want)
	}
}

func TestCentOS7(t *testing.T) {
	rs := Run(fakeHost("testdata/centos7", centos7))
	if Failed(rs) {
		t.Errorf("CentOS 7 can run containers, but Failed is true: %+v", rs)
	}
	m := byName(t, rs)
	expect(t, m, "root", OK, nil, nil)
	expect(t, m, "kernel", OK, []string{"3.10.0-1160.el7.x86_64", "CentOS Linux 7", "no cgroup namespace"}, nil)
	expect(t, m, "namespaces", Warn,
		[]string{"uts pid mnt ipc net", "no cgroup ns", "max_user_namespaces=0"},
		[]string{"echo 15000 > /proc/sys/user/max_user_namespaces", `grubby --update-kernel=ALL --args="user_namespace.enable=1"`})
	expect(t, m, "cgroups", OK, []string{"v1:", "cpu,cpuacct", "net_cls,net_prio", "memory", "pids"}, nil)
	expect(t, m, "overlay", Warn, nil, []string{"modprobe overlay"})
	expect(t, m, "storage", Warn, []string{"xfs with ftype=0", "copies the rootfs"}, []string{"mkfs.xfs -n ftype=1"})
	expect(t, m, "veth", Warn, nil, []string{"modprobe veth"})
	expect(t, m, "bridge", OK, []string{"bridge loaded"}, nil)
	expect(t, m, "ip_forward", Warn, []string{"= 0"}, []string{"sysctl -w net.ipv4.ip_forward=1"})
	expect(t, m, "iptables", Warn, []string{"/usr/sbin/iptables", "firewalld"}, []string{"firewall-cmd --permanent --zone=trusted --add-interface=dockling0"})
	expect(t, m, "pivot_root", OK, []string{"xfs"}, nil)
}

func TestDebian12CgroupV2AllOK(t *testing.T) {
	rs := Run(fakeHost("testdata/debian12-v2", debian12))
	for _, r := range rs {
		if r.Status != OK {
			t.Errorf("%s: %v: %s (fix: %s)", r.Name, r.Status, r.Detail, r.Fix)
		}
	}
	if Failed(rs) {
		t.Error("Failed is true on a host where every check is ok")
	}
	m := byName(t, rs)
	expect(t, m, "namespaces", OK, []string{"uts pid mnt ipc net (user: 15000 allowed)"}, nil)
	expect(t, m, "cgroups", OK, []string{"v2: cpuset cpu io memory hugetlb pids rdma misc"}, nil)
	expect(t, m, "overlay", OK, []string{"/proc/filesystems"}, nil)
	expect(t, m, "storage", OK, []string{"ext4", "d_type works"}, nil)
}

// copyFixture gives a test its own copy of a fake host to break.
func copyFixture(t *testing.T, name string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), name)
	if err := os.CopyFS(dir, os.DirFS(filepath.Join("testdata", name))); err != nil {
		t.Fatalf("copy fixture %s: %v", name, err)
	}
	return dir
}

func TestMissingPIDNamespaceFails(t *testing.T) {
	root := copyFixture(t, "debian12-v2")
	if err := os.Remove(filepath.Join(root, "proc/self/ns/pid")); err != nil {
		t.Fatal(err)
	}
	rs := Run(fakeHost(root, debian12))
	if !Failed(rs) || CountFailed(rs) != 1 {
		t.Fatalf("Failed = %v, CountFailed = %d; want true, 1", Failed(rs), CountFailed(rs))
	}
	m := byName(t, rs)
	expect(t, m, "namespaces", Fail, []string{"missing pid"}, []string{"CONFIG_PID_NS=y"})
}

func TestNotRootFails(t *testing.T) {
	m := debian12
	m.euid = 1000
	rs := byName(t, Run(fakeHost("testdata/debian12-v2", m)))
	expect(t, rs, "root", Fail, []string{"euid 1000"}, []string{"sudo"})
	if !rs["root"].Required {
		t.Error("the root check must be required")
	}
}

func TestMissingMemoryControllerWarnsWithBootOption(t *testing.T) {
	root := copyFixture(t, "centos7")
	// A Debian 9 style v1 host: memory compiled in but off unless asked.
	cgs := "#subsys_name\thierarchy\tnum_cgroups\tenabled\ncpu\t4\t1\t1\ncpuacct\t4\t1\t1\nmemory\t0\t1\t0\npids\t3\t1\t1\n"
	if err := os.WriteFile(filepath.Join(root, "proc/cgroups"), []byte(cgs), 0o644); err != nil {
		t.Fatal(err)
	}
	m := byName(t, Run(fakeHost(root, centos7)))
	expect(t, m, "cgroups", Warn, []string{"missing memory"}, []string{`grubby --update-kernel=ALL --args="cgroup_enable=memory swapaccount=1"`})
}

func TestInitramfsRootWarns(t *testing.T) {
	root := copyFixture(t, "debian12-v2")
	line := "1 0 0:1 / / rw - rootfs rootfs rw\n"
	if err := os.WriteFile(filepath.Join(root, "proc/self/mountinfo"), []byte(line), 0o644); err != nil {
		t.Fatal(err)
	}
	m := byName(t, Run(fakeHost(root, debian12)))
	expect(t, m, "pivot_root", Warn, []string{"initramfs"}, []string{"switch_root"})
}

// TestRealHostNamespaces runs the real checks on this machine's /proc and
// /sys (reading needs no root). The state directory is a temporary one, so
// the d_type probe never writes to /var/lib/dockling.
func TestRealHostNamespaces(t *testing.T) {
	rs := Run(Host{StateDir: t.TempDir()})
	m := byName(t, rs)
	for _, r := range rs {
		t.Logf("%-5v %-11s %s", r.Status, r.Name, r.Detail)
	}
	if r := m["namespaces"]; r.Status == Fail {
		t.Errorf("namespaces: %s (fix: %s)", r.Detail, r.Fix)
	}
	if r := m["storage"]; !strings.Contains(r.Detail, "d_type") {
		t.Errorf("storage did not test d_type on a writable directory: %q", r.Detail)
	}
}
