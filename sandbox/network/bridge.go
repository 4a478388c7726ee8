package network

import (
	"errors"
	"fmt"
	"net"

	"github.com/dockling/dockling/sandbox/explain"
	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

// SetupOps make the network every container shares: the bridge with the
// gateway address, forwarding, and the NAT and FORWARD rules. Every op can
// run again harmlessly (docker makes the same once, when its daemon
// starts). The bridge is brought up last, so "bridge is up" means "all of
// this was done" and later containers can skip it (see bridgeReady).
func SetupOps(cfg Config) []explain.Op {
	gw := cfg.gatewayCIDR()
	mac := macFor(cfg.Gateway)
	ops := []explain.Op{
		{
			Call:  fmt.Sprintf("RTM_NEWLINK {ifname: %q, kind: bridge, address: %s} unless it exists", cfg.Bridge, mac),
			Shell: fmt.Sprintf("ip link show %s >/dev/null 2>&1 || ip link add %s address %s type bridge", cfg.Bridge, cfg.Bridge, mac),
			Why:   "a bridge is a virtual switch; every container's veth plugs into it. A fixed MAC keeps the gateway's MAC the same as containers come and go",
			Do:    func() error { return ensureBridge(cfg.Bridge, mac) },
		},
		{
			Call:  fmt.Sprintf("RTM_NEWADDR {dev: %q, addr: %s} unless present", cfg.Bridge, gw),
			Shell: fmt.Sprintf("ip addr replace %s dev %s", gw, cfg.Bridge),
			Why:   "the bridge's own address is the containers' gateway; it also adds the route to the subnet on the host",
			Do:    func() error { return ensureAddr(cfg.Bridge, gw) },
		},
	}
	if cfg.Iptables != "" {
		ops = append(ops,
			sysctlOp("net.ipv4.ip_forward", "1", "let the host route packets between the bridge and its other devices (outbound traffic)"),
			sysctlOp("net.ipv4.conf."+cfg.Bridge+".route_localnet", "1", "allow 127.0.0.1 as a source on the bridge, so curl 127.0.0.1:PORT can be rewritten to a container"),
		)
		for _, r := range sharedRules(cfg) {
			ops = append(ops, ensureRuleOp(cfg, r.Rule, r.Why))
		}
	}
	ops = append(ops, explain.Op{
		Call:  fmt.Sprintf("RTM_NEWLINK {ifname: %q, flags: IFF_UP}", cfg.Bridge),
		Shell: fmt.Sprintf("ip link set %s up", cfg.Bridge),
		Why:   "a device carries no traffic until it is up",
		Do:    func() error { return setUp(netlink.LinkByName, netlink.LinkSetUp, cfg.Bridge) },
	})
	return ops
}

// bridgeReady reports whether the shared setup was completed before: the
// bridge exists, is up and has the gateway address.
func bridgeReady(cfg Config) bool {
	link, err := netlink.LinkByName(cfg.Bridge)
	if err != nil || link.Attrs().Flags&net.FlagUp == 0 {
		return false
	}
	return hasAddr(netlink.AddrList, link, cfg.gatewayCIDR())
}

func ensureBridge(name string, mac net.HardwareAddr) error {
	link, err := netlink.LinkByName(name)
	if err == nil {
		if link.Type() != "bridge" {
			return fmt.Errorf("device %s exists but is a %s, not a bridge; delete it (ip link del %s) or choose another bridge name", name, link.Type(), name)
		}
		return nil
	}
	br := &netlink.Bridge{LinkAttrs: netlink.LinkAttrs{Name: name, HardwareAddr: mac}}
	if err := netlink.LinkAdd(br); err != nil && !errors.Is(err, unix.EEXIST) { // EEXIST: another dockling won the race
		return fmt.Errorf("create bridge %s: %w", name, err)
	}
	return nil
}

func ensureAddr(dev, cidr string) error {
	link, err := netlink.LinkByName(dev)
	if err != nil {
		return fmt.Errorf("find %s: %w", dev, err)
	}
	if hasAddr(netlink.AddrList, link, cidr) {
		return nil
	}
	addr, err := netlink.ParseAddr(cidr)
	if err != nil {
		return err
	}
	if err := netlink.AddrAdd(link, addr); err != nil && !errors.Is(err, unix.EEXIST) {
		return fmt.Errorf("add %s to %s: %w", cidr, dev, err)
	}
	return nil
}

// hasAddr takes the list function so it works in any namespace's handle.
func hasAddr(list func(netlink.Link, int) ([]netlink.Addr, error), link netlink.Link, cidr string) bool {
	addrs, err := list(link, netlink.FAMILY_V4)
	if err != nil {
		return false
	}
	for _, a := range addrs {
		if a.IPNet.String() == cidr {
			return true
		}
	}
	return false
}

// setUp brings a device up, looked up by name through the given functions
// (the host's netlink or a handle inside a container's namespace).
func setUp(byName func(string) (netlink.Link, error), up func(netlink.Link) error, name string) error {
	link, err := byName(name)
	if err != nil {
		return fmt.Errorf("find %s: %w", name, err)
	}
	if err := up(link); err != nil {
		return fmt.Errorf("bring %s up: %w", name, err)
	}
	return nil
}
