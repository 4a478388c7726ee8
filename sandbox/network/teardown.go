package network

import (
	"errors"
	"fmt"
	"net"

	"github.com/dockling/dockling/sandbox/explain"
	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

// TeardownOps undo one Attachment, in reverse order of setup: the host
// veth (which takes the container's eth0 with it), the port rules, the
// lease. Each op tolerates its piece being already gone.
func TeardownOps(cfg Config, att *Attachment) []explain.Op {
	ops := []explain.Op{{
		Call:  fmt.Sprintf("RTM_DELLINK {ifname: %q} if it exists", att.HostVeth),
		Shell: fmt.Sprintf("ip link del %s 2>/dev/null || true", att.HostVeth),
		Why:   "deleting one end of a veth pair deletes both; if the container already died, the kernel has done it",
		Do:    func() error { return deleteLink(att.HostVeth) },
	}}
	for i := len(att.Rules) - 1; i >= 0; i-- {
		ops = append(ops, removeRuleOp(cfg, att.Rules[i]))
	}
	if ip := net.ParseIP(att.IP); ip != nil {
		ops = append(ops, explain.Op{
			Call:  fmt.Sprintf("IPCTNL_MSG_CT_DELETE {orig-src or reply-src: %s}", att.IP),
			Shell: fmt.Sprintf("{ conntrack -D -s %s; conntrack -D -r %s; } 2>/dev/null || true", att.IP, att.IP),
			Why:   "the kernel remembers each NATed connection; forget this container's, or they would follow its address to the next container that gets it",
			Do:    func() error { return forgetConnections(ip) },
		})
	}
	ops = append(ops, explain.Op{
		Call: fmt.Sprintf("release lease %s of container %s in %s", att.IP, short(att.ContainerID), cfg.leasePath()),
		Why:  "the address and host ports go back to the pool for the next container",
		Do:   func() error { return Release(cfg, att.ContainerID) },
	})
	return ops
}

// Teardown removes everything att records. It runs every op even when one
// fails, so one stubborn piece does not leave the rest behind, and it can
// run any number of times: after a normal exit, after `kill -9` of the
// runner (from the saved JSON alone), or after a setup that failed halfway.
func Teardown(cfg Config, att *Attachment) error {
	if att == nil {
		return nil
	}
	if err := cfg.validate(); err != nil {
		return err
	}
	var errs []error
	for _, op := range TeardownOps(cfg, att) {
		if err := op.Do(); err != nil {
			errs = append(errs, err)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("network teardown of container %s: %w", short(att.ContainerID), err)
	}
	return nil
}

// forgetConnections deletes the conntrack entries of connections the
// container made (original source) or received (reply source). A kernel
// without conntrack has nothing to forget.
func forgetConnections(ip net.IP) error {
	from, to := &netlink.ConntrackFilter{}, &netlink.ConntrackFilter{}
	if err := from.AddIP(netlink.ConntrackOrigSrcIP, ip); err != nil {
		return err
	}
	if err := to.AddIP(netlink.ConntrackReplySrcIP, ip); err != nil {
		return err
	}
	_, err := netlink.ConntrackDeleteFilters(netlink.ConntrackTable, unix.AF_INET, from, to)
	if err != nil && !errors.Is(err, unix.ENOENT) && !errors.Is(err, unix.EPROTONOSUPPORT) {
		return fmt.Errorf("forget connections of %s: %w", ip, err)
	}
	return nil
}

func deleteLink(name string) error {
	link, err := netlink.LinkByName(name)
	var notFound netlink.LinkNotFoundError
	if errors.As(err, &notFound) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("find %s: %w", name, err)
	}
	if err := netlink.LinkDel(link); err != nil {
		if _, again := netlink.LinkByName(name); errors.As(again, &notFound) {
			return nil // gone meanwhile: the container's namespace died
		}
		return fmt.Errorf("delete %s: %w", name, err)
	}
	return nil
}
