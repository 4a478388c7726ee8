package exercises

import (
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/vishvananda/netlink"
	"github.com/vishvananda/netns"
	"golang.org/x/sys/unix"

	"github.com/dockling/dockling/sandbox/cgroups"
	"github.com/dockling/dockling/sandbox/container"
	"github.com/dockling/dockling/sandbox/network"
	"github.com/dockling/dockling/sandbox/volume"
)

// hostKernel reads this machine: /proc, cgroupfs, netlink, iptables, and
// the container records under the state root.
type hostKernel struct{ root string }

func newHostKernel(root string) kernel { return hostKernel{root: root} }

func (h hostKernel) container(name string) (*record, error) {
	// Opening a store creates it; a check must not create a state root.
	if _, err := os.Stat(filepath.Join(h.root, "containers")); errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	store, err := container.Open(h.root)
	if err != nil {
		return nil, err
	}
	all, err := store.List()
	if err != nil {
		return nil, err
	}
	for _, c := range all {
		if c.Name == name {
			alive := c.State.Status == container.Running && c.State.Alive()
			status := words(string(c.State.Status), c.State.ExitCode)
			if c.State.Status == container.Running && !alive {
				status = "running, but its process is gone"
			}
			return &record{id: c.ID, pid: c.State.Pid, alive: alive, status: status}, nil
		}
	}
	return nil, nil
}

func (hostKernel) readFile(path string) ([]byte, error) { return os.ReadFile(path) }
func (hostKernel) readlink(path string) (string, error) { return os.Readlink(path) }
func (hostKernel) stat(path string) (fileID, error)     { return statID(path, unix.Stat) }

func (hostKernel) exists(path string) (bool, error) {
	_, err := os.Lstat(path)
	if errors.Is(err, os.ErrNotExist) {
		return false, nil
	}
	return err == nil, err
}

// hostname joins the UTS namespace of pid with setns(2) on one locked OS
// thread and asks uname(2) there: the kernel's answer, not a file's. UTS
// (unlike the mount namespace) can be joined by one thread of a
// multi-threaded Go program. The thread goes back to its own namespace
// before it is unlocked; if it cannot, it stays locked and Go ends it with
// the goroutine, so no other goroutine ever runs in the container's UTS.
func (hostKernel) hostname(pid int) (string, error) {
	type answer struct {
		name string
		err  error
	}
	ch := make(chan answer, 1)
	go func() {
		runtime.LockOSThread()
		name, err := func() (string, error) {
			// /proc/self/task/TID: /proc/thread-self is missing before 3.17.
			self, err := unix.Open(fmt.Sprintf("/proc/self/task/%d/ns/uts", unix.Gettid()), unix.O_RDONLY|unix.O_CLOEXEC, 0)
			if err != nil {
				return "", fmt.Errorf("open this thread's UTS namespace: %w", err)
			}
			defer unix.Close(self)
			target, err := unix.Open(proc(pid, "ns/uts"), unix.O_RDONLY|unix.O_CLOEXEC, 0)
			if err != nil {
				return "", fmt.Errorf("open %s: %w", proc(pid, "ns/uts"), err)
			}
			defer unix.Close(target)
			if err := unix.Setns(target, unix.CLONE_NEWUTS); err != nil {
				return "", fmt.Errorf("setns into the UTS namespace of PID %d: %w", pid, err)
			}
			var u unix.Utsname
			uerr := unix.Uname(&u)
			if err := unix.Setns(self, unix.CLONE_NEWUTS); err != nil {
				return "", fmt.Errorf("setns back to the host's UTS namespace: %w", err) // thread stays locked
			}
			runtime.UnlockOSThread()
			if uerr != nil {
				return "", fmt.Errorf("uname: %w", uerr)
			}
			return unix.ByteSliceToString(u.Nodename[:]), nil
		}()
		ch <- answer{name, err}
	}()
	a := <-ch
	return a.name, a.err
}

func (hostKernel) cgroup(id string) (string, []int, error) {
	m, err := cgroups.Load(id)
	if err != nil {
		return "", nil, err
	}
	procs, err := m.Procs()
	return m.Path(), procs, err
}

func (h hostKernel) volumeDir(name string) (string, error) {
	if _, err := os.Stat(filepath.Join(h.root, "volumes")); errors.Is(err, os.ErrNotExist) {
		return "", nil
	}
	store, err := volume.Open(h.root)
	if err != nil {
		return "", err
	}
	v, err := store.Get(name)
	if errors.Is(err, volume.ErrNotFound) {
		return "", nil
	}
	return v.Mountpoint, err
}

func (h hostKernel) layersDir() string { return filepath.Join(h.root, "layers") }

func (hostKernel) netOf(pid int) (string, int, error) {
	ns, err := netns.GetFromPid(pid)
	if err != nil {
		return "", 0, fmt.Errorf("open the network namespace of PID %d: %w", pid, err)
	}
	defer ns.Close()
	nh, err := netlink.NewHandleAt(ns, unix.NETLINK_ROUTE) // links and addresses only
	if err != nil {
		return "", 0, fmt.Errorf("netlink in the network namespace of PID %d: %w", pid, err)
	}
	defer nh.Close()
	eth, err := nh.LinkByName(network.ContainerIface)
	if err != nil {
		return "", 0, fmt.Errorf("%s: %w", network.ContainerIface, err)
	}
	addrs, err := nh.AddrList(eth, netlink.FAMILY_V4)
	if err != nil {
		return "", 0, fmt.Errorf("addresses of %s: %w", network.ContainerIface, err)
	}
	if len(addrs) == 0 {
		return "", 0, fmt.Errorf("%s has no IPv4 address", network.ContainerIface)
	}
	return addrs[0].IP.String(), eth.Attrs().ParentIndex, nil
}

func (hostKernel) link(index int) (link, error) {
	l, err := netlink.LinkByIndex(index)
	if err != nil {
		return link{}, fmt.Errorf("no link with index %d here: %w", index, err)
	}
	out := link{name: l.Attrs().Name, kind: l.Type()}
	if m := l.Attrs().MasterIndex; m > 0 {
		master, err := netlink.LinkByIndex(m)
		if err != nil {
			return link{}, fmt.Errorf("the bridge of %s: %w", out.name, err)
		}
		out.master = master.Attrs().Name
	}
	return out, nil
}

func (h hostKernel) natRules() ([]string, bool, error) {
	ipt := network.DefaultConfig(h.root).Iptables
	if ipt == "" {
		return nil, false, nil
	}
	out, err := exec.Command(ipt, "-w", "-t", "nat", "-S").Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			err = fmt.Errorf("%w: %s", err, strings.TrimSpace(string(ee.Stderr)))
		}
		return nil, true, fmt.Errorf("iptables -t nat -S: %w", err)
	}
	return strings.Split(string(out), "\n"), true, nil
}

// dial asks addr for a web page and wants some answer back. A connection
// alone proves too little: dockling's userland proxy accepts one even when
// nothing listens in the container, and then closes it.
func (hostKernel) dial(addr string) error {
	c, err := net.DialTimeout("tcp", addr, 2*time.Second)
	if err != nil {
		return err
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(2 * time.Second))
	if _, err := io.WriteString(c, "GET / HTTP/1.0\r\n\r\n"); err != nil {
		return err
	}
	if _, err := c.Read(make([]byte, 1)); err != nil {
		if errors.Is(err, io.EOF) {
			return errors.New("the connection was closed without an answer")
		}
		return err
	}
	return nil
}
