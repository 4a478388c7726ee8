package sandbox

import (
	"fmt"
	"os"

	"github.com/dockling/dockling/sandbox/explain"
	"github.com/dockling/dockling/sandbox/rootfs"
	"github.com/dockling/dockling/sandbox/security"
	"golang.org/x/sys/unix"
)

// ChildPlan lists what the child does inside its new namespaces, in order,
// before it becomes the user's command. It is pure: nothing happens until
// explain.Run, so --script can print the same plan without running it.
func ChildPlan(c *Config) []explain.Op {
	var ops []explain.Op
	if c.Has(NSMount) {
		ops = append(ops, rootfs.MakePrivate())
	}
	if c.Has(NSUTS) && c.Hostname != "" {
		ops = append(ops, setHostname(c.Hostname))
	}
	if c.Has(NSNet) {
		ops = append(ops, loopbackUp())
	}
	switch {
	case c.PivotRoot:
		if o := c.Overlay; o != nil && len(o.Lower) > 0 {
			ops = append(ops, rootfs.MountOverlay(o.Lower, o.Upper, o.Work, c.Rootfs)...)
		} else {
			ops = append(ops, rootfs.BindSelf(c.Rootfs))
		}
		ops = append(ops, rootfs.MountProc(c.Rootfs), rootfs.MountSys(c.Rootfs))
		ops = append(ops, rootfs.MountDev(c.Rootfs)...)
		ops = append(ops, rootfs.BindMounts(c.Rootfs, c.Mounts)...)
		ops = append(ops, rootfs.PivotRoot(c.Rootfs)...)
		// Inside the new root now: hide and protect parts of its /proc
		// and /sys. Then lower the capability ceiling, after the last
		// mount (mounting needs CAP_SYS_ADMIN) and before the user
		// switch (dropping needs CAP_SETPCAP). Nil for the steps.
		ops = append(ops, security.PathOps(c.Security)...)
		ops = append(ops, security.BoundingOp(c.Security)...)
	case c.Chroot:
		ops = append(ops, rootfs.Chroot(c.Rootfs)...)
	}
	return ops
}

// ExecPlan lists what the child does last, after the switch to the
// container's user and right before the exec: set the capabilities (none
// for a non-root user), clear the ambient set, no_new_privs. Empty for
// the steps.
func ExecPlan(c *Config) []explain.Op {
	return security.CapsOps(c.Security, c.User != nil && c.User.UID != 0)
}

// ParentPlan lists what the parent prepares on the host before the clone.
func ParentPlan(c *Config) []explain.Op {
	var ops []explain.Op
	if o := c.Overlay; o != nil {
		for _, d := range []string{o.Upper, o.Work, c.Rootfs} {
			ops = append(ops, explain.Op{
				Call: fmt.Sprintf("mkdir(%q, 0755)", d), Shell: "mkdir -p " + explain.Quote(d),
				Do: func() error { return os.MkdirAll(d, 0o755) },
			})
		}
		ops[0].Why = "the container's own writable layer, its scratch space and mount point"
	}
	return ops
}

func setHostname(name string) explain.Op {
	return explain.Op{
		Call:  fmt.Sprintf("sethostname(%q)", name),
		Shell: "hostname " + explain.Quote(name),
		Why:   "changes the name only in this UTS namespace; the host keeps its own",
		Do:    func() error { return unix.Sethostname([]byte(name)) },
	}
}

// loopbackUp brings up "lo". A new network namespace starts with only a
// loopback device, and it is down: even 127.0.0.1 would not answer.
func loopbackUp() explain.Op {
	return explain.Op{
		Call:  `ioctl(sock, SIOCSIFFLAGS, {"lo", IFF_UP})`,
		Shell: "ip link set lo up",
		Why:   "a new network namespace has only lo, and it starts down",
		Do: func() error {
			fd, err := unix.Socket(unix.AF_INET, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
			if err != nil {
				return err
			}
			defer unix.Close(fd)
			ifr, err := unix.NewIfreq("lo")
			if err != nil {
				return err
			}
			if err := unix.IoctlIfreq(fd, unix.SIOCGIFFLAGS, ifr); err != nil {
				return err
			}
			ifr.SetUint16(ifr.Uint16() | unix.IFF_UP)
			return unix.IoctlIfreq(fd, unix.SIOCSIFFLAGS, ifr)
		},
	}
}

// cloneFlags maps namespaces to the clone(2) flags that create them, and to
// the unshare(1) options that do the same from a shell.
var cloneFlags = []struct {
	ns    Namespace
	flag  uintptr
	name  string
	shell string
}{
	{NSUTS, unix.CLONE_NEWUTS, "CLONE_NEWUTS", "--uts"},
	{NSPID, unix.CLONE_NEWPID, "CLONE_NEWPID", "--pid"},
	{NSMount, unix.CLONE_NEWNS, "CLONE_NEWNS", "--mount"},
	{NSIPC, unix.CLONE_NEWIPC, "CLONE_NEWIPC", "--ipc"},
	{NSNet, unix.CLONE_NEWNET, "CLONE_NEWNET", "--net"},
}

// Cloneflags returns the flags for the child's clone(2), their names, and the
// unshare(1) options that create the same namespaces.
func (c *Config) Cloneflags() (flags uintptr, names, shellOpts []string) {
	for _, cf := range cloneFlags {
		if c.Has(cf.ns) {
			flags |= cf.flag
			names = append(names, cf.name)
			shellOpts = append(shellOpts, cf.shell)
		}
	}
	return flags, names, shellOpts
}
