package network

import (
	"errors"
	"fmt"
	"net"
	"strconv"

	"github.com/dockling/dockling/sandbox/explain"
	"github.com/vishvananda/netlink"
	"github.com/vishvananda/netns"
	"golang.org/x/sys/unix"
)

// attachOps plug one container into the bridge. pid is any process in the
// container's network namespace; 0 writes "$PID" in the shell twins, for
// --script, where the pid is only known when the script runs.
func attachOps(cfg Config, att *Attachment, pid int) []explain.Op {
	p := "$PID"
	if pid > 0 {
		p = strconv.Itoa(pid)
	}
	in := "nsenter -t " + p + " -n "
	mac, _ := net.ParseMAC(att.MAC)
	gw := net.ParseIP(att.Gateway)
	ops := []explain.Op{
		{
			Call:  fmt.Sprintf("RTM_NEWLINK {ifname: %q, kind: veth, peer: {ifname: %q, address: %s, IFLA_NET_NS_PID: %s}}", att.HostVeth, ContainerIface, att.MAC, p),
			Shell: fmt.Sprintf("ip link add %s type veth peer name %s address %s netns %s", att.HostVeth, ContainerIface, att.MAC, p),
			Why:   "a veth pair is a virtual cable: what goes in one end comes out the other. One end stays on the host, the other is born inside the container",
			Do:    func() error { return addVeth(att.HostVeth, mac, pid) },
		},
		{
			Call:  fmt.Sprintf("RTM_NEWLINK {ifname: %q, IFLA_MASTER: %q}", att.HostVeth, att.Bridge),
			Shell: fmt.Sprintf("ip link set %s master %s", att.HostVeth, att.Bridge),
			Why:   "plug the host end into the bridge, next to the other containers",
			Do:    func() error { return setMaster(att.HostVeth, att.Bridge) },
		},
		{
			Call:  fmt.Sprintf("RTM_NEWLINK {ifname: %q, flags: IFF_UP}", att.HostVeth),
			Shell: fmt.Sprintf("ip link set %s up", att.HostVeth),
			Why:   "both ends of the cable must be up before it carries anything",
			Do:    func() error { return setUp(netlink.LinkByName, netlink.LinkSetUp, att.HostVeth) },
		},
		inNetns(pid, explain.Op{
			Call:  `setns(/proc/` + p + `/ns/net) then RTM_NEWLINK {ifname: "lo", flags: IFF_UP}`,
			Shell: in + "ip link set lo up",
			Why:   "a new network namespace has only lo, and it starts down",
		}, func(h *netlink.Handle) error { return setUp(h.LinkByName, h.LinkSetUp, "lo") }),
		inNetns(pid, explain.Op{
			Call:  fmt.Sprintf("setns(/proc/%s/ns/net) then RTM_NEWADDR {dev: %q, addr: %s}", p, ContainerIface, att.CIDR()),
			Shell: fmt.Sprintf("%sip addr add %s dev %s", in, att.CIDR(), ContainerIface),
			Why:   "the container's address, leased from the pool; the /prefix also adds the route to the whole subnet via eth0",
		}, func(h *netlink.Handle) error { return addAddrIn(h, att.CIDR()) }),
		inNetns(pid, explain.Op{
			Call:  fmt.Sprintf("setns(/proc/%s/ns/net) then RTM_NEWLINK {ifname: %q, flags: IFF_UP}", p, ContainerIface),
			Shell: fmt.Sprintf("%sip link set %s up", in, ContainerIface),
			Why:   "bring the container's end of the cable up",
		}, func(h *netlink.Handle) error { return setUp(h.LinkByName, h.LinkSetUp, ContainerIface) }),
		inNetns(pid, explain.Op{
			Call:  fmt.Sprintf("setns(/proc/%s/ns/net) then RTM_NEWROUTE {dst: default, gateway: %s, dev: %q}", p, att.Gateway, ContainerIface),
			Shell: fmt.Sprintf("%sip route add default via %s", in, att.Gateway),
			Why:   "everything not on the subnet goes to the bridge's address; the host forwards it on",
		}, func(h *netlink.Handle) error { return addDefaultRoute(h, gw) }),
	}
	for _, r := range att.Rules {
		ops = append(ops, addRuleOp(cfg, r, "publish a port: rewrite the destination host port to the container's address and port"))
	}
	return ops
}

// addVeth creates the pair with the peer directly inside the container's
// network namespace, already named eth0 (so it never clashes with the
// host's own eth0), and with the MAC derived from its IP.
func addVeth(hostName string, peerMAC net.HardwareAddr, pid int) error {
	veth := &netlink.Veth{
		LinkAttrs:        netlink.LinkAttrs{Name: hostName},
		PeerName:         ContainerIface,
		PeerHardwareAddr: peerMAC,
		PeerNamespace:    netlink.NsPid(pid),
	}
	err := netlink.LinkAdd(veth)
	switch {
	case errors.Is(err, unix.EEXIST):
		return fmt.Errorf("host veth %s already exists: an earlier container with this id was not cleaned up; remove it (dockling rm) or run: ip link del %s", hostName, hostName)
	case errors.Is(err, unix.ESRCH):
		return fmt.Errorf("container process %d is gone, so it has no network namespace to join", pid)
	case err != nil:
		return fmt.Errorf("create veth pair %s/%s: %w", hostName, ContainerIface, err)
	}
	return nil
}

func setMaster(dev, bridge string) error {
	link, err := netlink.LinkByName(dev)
	if err != nil {
		return fmt.Errorf("find %s: %w", dev, err)
	}
	br, err := netlink.LinkByName(bridge)
	if err != nil {
		return fmt.Errorf("find bridge %s: %w", bridge, err)
	}
	if err := netlink.LinkSetMasterByIndex(link, br.Attrs().Index); err != nil {
		return fmt.Errorf("attach %s to %s: %w", dev, bridge, err)
	}
	return nil
}

// inNetns gives op a Do that runs fn with a netlink handle whose socket
// lives in the container's network namespace. NewHandleAt does the careful
// part: on a thread locked with runtime.LockOSThread it setns(2)es into the
// namespace, opens the socket, and switches back, because in Go any
// goroutine may run on any thread and a thread left in the wrong namespace
// would send some other goroutine's traffic there. The socket keeps the
// namespace it was opened in, so fn needs no locked thread.
func inNetns(pid int, op explain.Op, fn func(*netlink.Handle) error) explain.Op {
	op.Do = func() error {
		ns, err := netns.GetFromPid(pid)
		if err != nil {
			return fmt.Errorf("open network namespace of process %d: %w", pid, err)
		}
		defer ns.Close()
		// Only the routing family: with no family named, the handle also
		// opens XFRM and netfilter sockets, which a kernel without
		// xfrm_user refuses (EPROTONOSUPPORT), and each costs a setns.
		h, err := netlink.NewHandleAt(ns, unix.NETLINK_ROUTE)
		if err != nil {
			return fmt.Errorf("netlink socket in namespace of process %d: %w", pid, err)
		}
		defer h.Close()
		return fn(h)
	}
	return op
}

func addAddrIn(h *netlink.Handle, cidr string) error {
	link, err := h.LinkByName(ContainerIface)
	if err != nil {
		return fmt.Errorf("find %s in container: %w", ContainerIface, err)
	}
	addr, err := netlink.ParseAddr(cidr)
	if err != nil {
		return err
	}
	if err := h.AddrAdd(link, addr); err != nil && !errors.Is(err, unix.EEXIST) {
		return fmt.Errorf("add %s to %s: %w", cidr, ContainerIface, err)
	}
	return nil
}

func addDefaultRoute(h *netlink.Handle, gw net.IP) error {
	link, err := h.LinkByName(ContainerIface)
	if err != nil {
		return fmt.Errorf("find %s in container: %w", ContainerIface, err)
	}
	route := &netlink.Route{LinkIndex: link.Attrs().Index, Gw: gw}
	if err := h.RouteReplace(route); err != nil {
		return fmt.Errorf("add default route via %s: %w", gw, err)
	}
	return nil
}
