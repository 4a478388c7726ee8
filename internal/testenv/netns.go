package testenv

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"time"

	"github.com/vishvananda/netlink"
	"github.com/vishvananda/netns"
	"golang.org/x/sys/unix"
)

// Netns is a throwaway network namespace that plays the host for network
// tests: a sleeping process holds it open, and every command run through
// it (and every supervisor those start) lives in it, so bridges, veths,
// rules and traffic never touch the machine's own network.
type Netns struct {
	holder  *exec.Cmd
	sleeper int    // the process that holds the namespace
	Path    string // /proc/PID/ns/net of the holder
}

// NewNetns makes the namespace and brings its loopback up.
func NewNetns() (*Netns, error) {
	// --kill-child: the sleeper dies with unshare, which dies with us.
	cmd := exec.Command("unshare", "--net", "--fork", "--kill-child", "sh", "-c", "ip link set lo up && exec sleep 100000")
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start netns holder: %w", err)
	}
	n := &Netns{holder: cmd}
	self, _ := os.Readlink("/proc/self/ns/net")
	// unshare forks the sleeper; wait until it sits in a namespace of its own.
	for end := time.Now().Add(5 * time.Second); time.Now().Before(end); time.Sleep(10 * time.Millisecond) {
		for _, c := range childrenOf(cmd.Process.Pid) {
			p := fmt.Sprintf("/proc/%d/ns/net", c)
			if l, err := os.Readlink(p); err == nil && l != self {
				if comm, _ := os.ReadFile(fmt.Sprintf("/proc/%d/comm", c)); strings.TrimSpace(string(comm)) == "sleep" {
					n.Path, n.sleeper = p, c
					return n, nil
				}
			}
		}
	}
	n.Close()
	return nil, fmt.Errorf("the throwaway network namespace did not come up")
}

// Close ends the holder; the namespace goes with its last process.
func (n *Netns) Close() {
	if n.sleeper > 0 {
		_ = syscall.Kill(n.sleeper, syscall.SIGKILL)
	}
	_ = n.holder.Process.Kill()
	_ = n.holder.Wait()
}

// Wrap returns args run inside the namespace.
func (n *Netns) Wrap(args ...string) []string {
	return append([]string{"nsenter", "--net=" + n.Path, "--"}, args...)
}

func childrenOf(pid int) []int {
	var out []int
	tasks, _ := os.ReadDir(fmt.Sprintf("/proc/%d/task", pid))
	for _, t := range tasks {
		b, _ := os.ReadFile(fmt.Sprintf("/proc/%d/task/%s/children", pid, t.Name()))
		for _, f := range strings.Fields(string(b)) {
			var c int
			fmt.Sscan(f, &c)
			out = append(out, c)
		}
	}
	return out
}

// Veths names the veth links in the namespace, read over netlink: no ip
// command to depend on (the cgroup v2 test VM's busybox sh runs its own
// ip applet, which knows no "type veth").
func (n *Netns) Veths() ([]string, error) {
	ns, err := netns.GetFromPath(n.Path)
	if err != nil {
		return nil, err
	}
	defer ns.Close()
	h, err := netlink.NewHandleAt(ns, unix.NETLINK_ROUTE)
	if err != nil {
		return nil, err
	}
	defer h.Close()
	links, err := h.LinkList()
	if err != nil {
		return nil, err
	}
	var out []string
	for _, l := range links {
		if l.Type() == "veth" {
			out = append(out, l.Attrs().Name)
		}
	}
	return out, nil
}

// containerRule matches the comment dockling puts on a container's NAT
// rules ("dockling <id>"), not the bridge's own rules.
var containerRule = regexp.MustCompile(`dockling [0-9a-f]`)

// NetLeftovers lists what dockling's networking left in the namespace:
// veths, container NAT rules (where there is iptables at all; without it
// dockling publishes ports with its userland proxy) and address leases.
func (e *Env) NetLeftovers() []string {
	var out []string
	if veths, err := e.Netns.Veths(); err != nil || len(veths) > 0 {
		out = append(out, fmt.Sprintf("veths %v (err: %v)", veths, err))
	}
	if _, err := exec.LookPath("iptables"); err == nil {
		argv := e.Netns.Wrap("iptables", "-w", "-t", "nat", "-S")
		b, err := exec.Command(argv[0], argv[1:]...).CombinedOutput()
		if err != nil {
			out = append(out, fmt.Sprintf("iptables -t nat -S: %v: %s", err, b))
		}
		for _, rule := range strings.Split(string(b), "\n") {
			if containerRule.MatchString(rule) {
				out = append(out, "rule "+rule)
			}
		}
	}
	leases, _ := os.ReadFile(filepath.Join(e.Root, "network", "leases.json"))
	for _, l := range strings.Split(string(leases), "\n") {
		if strings.Contains(l, `"ip"`) {
			out = append(out, "lease "+strings.TrimSpace(l))
		}
	}
	return out
}
