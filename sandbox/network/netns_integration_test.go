//go:build integration

package network

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"syscall"
	"testing"

	"github.com/vishvananda/netlink"
)

// The integration tests never touch the machine's own network. TestMain
// re-runs the test binary in a new, empty network namespace that plays the
// host: the bridge, the veths, the sysctls and the iptables rules all live
// there, and the kernel throws all of it away when the last process in it
// exits, whatever happened to the test.
const innerEnv = "DOCKLING_NETTEST_INNER"

func init() {
	wrapMain = inThrowawayNetns
}

func inThrowawayNetns(m *testing.M) int {
	if os.Getenv(innerEnv) == "" {
		if os.Geteuid() != 0 {
			fmt.Fprintln(os.Stderr, "network integration tests need root (they create namespaces, links and iptables rules); run them with sudo")
			return 1
		}
		exe, err := os.Executable()
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		cmd := exec.Command(exe, os.Args[1:]...)
		cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
		outer, err := os.Readlink("/proc/self/ns/net")
		if err != nil {
			fmt.Fprintln(os.Stderr, "read own network namespace:", err)
			return 1
		}
		// The inner run gets the outer namespace's name, to check it left it.
		cmd.Env = append(os.Environ(), innerEnv+"="+outer)
		cmd.SysProcAttr = &syscall.SysProcAttr{Cloneflags: syscall.CLONE_NEWNET, Pdeathsig: syscall.SIGKILL}
		if err := cmd.Run(); err != nil {
			if exit, ok := err.(*exec.ExitError); ok {
				return exit.ExitCode()
			}
			fmt.Fprintln(os.Stderr, "run tests in a new network namespace:", err)
			return 1
		}
		return 0
	}
	if err := refuseInitialNetns(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	lo, err := netlink.LinkByName("lo")
	if err == nil {
		err = netlink.LinkSetUp(lo)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "bring lo up in the test namespace:", err)
		return 1
	}
	root, err := os.MkdirTemp("", "dockling-nettest-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(root)
	testCfg = DefaultConfig(root)
	if testCfg.Iptables == "" {
		fmt.Fprintln(os.Stderr, "iptables is not installed; the network integration tests need it (apt-get install iptables)")
		return 1
	}
	pristine = takeSnapshot(testCfg)
	if err := Setup(testCfg); err != nil {
		fmt.Fprintln(os.Stderr, "set up the test network:", err)
		return 1
	}
	return m.Run()
}

// testCfg is the network every integration test uses; pristine is the
// namespace before the network was made.
var (
	testCfg  Config
	pristine snapshot
)

// refuseInitialNetns is a last guard: if we are somehow still in the
// namespace the tests were started in, stop before creating anything.
func refuseInitialNetns() error {
	self, err := os.Readlink("/proc/self/ns/net")
	if err != nil {
		return fmt.Errorf("read own network namespace: %w", err)
	}
	if self == os.Getenv(innerEnv) {
		return fmt.Errorf("refusing to run network tests in the namespace they were started in (%s)", self)
	}
	return nil
}

// snapshot is what the tests expect to find unchanged after a teardown.
type snapshot struct {
	Links  string
	NAT    string
	Filter string
	Leases string
}

func takeSnapshot(cfg Config) snapshot {
	var s snapshot
	links, err := netlink.LinkList()
	if err != nil {
		s.Links = "error: " + err.Error()
	}
	for _, l := range links {
		s.Links += fmt.Sprintf("%s(%s master=%d) ", l.Attrs().Name, l.Type(), l.Attrs().MasterIndex)
	}
	s.NAT = iptablesList("nat")
	s.Filter = iptablesList("filter")
	if data, err := os.ReadFile(cfg.leasePath()); err == nil {
		s.Leases = string(data)
	} else {
		s.Leases = "<none>"
	}
	return s
}

func iptablesList(table string) string {
	out, err := exec.Command(testCfg.Iptables, "-w", "-t", table, "-S").CombinedOutput()
	if err != nil {
		return "error: " + err.Error() + ": " + string(out)
	}
	return string(bytes.TrimSpace(out))
}

func (s snapshot) diff(other snapshot) string {
	var b bytes.Buffer
	pairs := [][3]string{{"links", s.Links, other.Links}, {"iptables -t nat -S", s.NAT, other.NAT},
		{"iptables -t filter -S", s.Filter, other.Filter}, {"leases.json", s.Leases, other.Leases}}
	for _, p := range pairs {
		if p[1] != p[2] {
			fmt.Fprintf(&b, "%s before:\n%s\nafter:\n%s\n", p[0], p[1], p[2])
		}
	}
	return b.String()
}

// expectUnchanged checks, when the test ends, that the namespace is as it
// was when expectUnchanged was called. Register it first: cleanups run last
// registered first, so it runs after every teardown the test registered.
func expectUnchanged(t *testing.T) {
	t.Helper()
	before := takeSnapshot(testCfg)
	t.Cleanup(func() {
		if d := before.diff(takeSnapshot(testCfg)); d != "" {
			t.Errorf("not cleaned up:\n%s", d)
		}
	})
}
