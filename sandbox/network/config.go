package network

import (
	"encoding/binary"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
)

// Defaults. The subnet is deliberately neither docker's (172.17.0.0/16) nor
// podman's (10.88.0.0/16), so dockling can run beside both.
const (
	DefaultBridge  = "dockling0"
	DefaultSubnet  = "10.77.0.0/16"
	DefaultGateway = "10.77.0.1"
)

// Config says which network containers join and where its leases live.
type Config struct {
	// Bridge is the host's bridge device (at most 15 bytes: IFNAMSIZ-1).
	Bridge string
	// Subnet holds every container address; Gateway, inside it, is the
	// bridge's own address and every container's default route.
	Subnet  *net.IPNet
	Gateway net.IP
	// StateRoot is DOCKLING_ROOT; leases go to StateRoot/network/leases.json.
	StateRoot string
	// Iptables is the iptables command. Empty means this host has none:
	// containers still reach each other and the host, but not the outside,
	// and published ports must be served by the userland Proxy.
	Iptables string
}

// DefaultConfig is the dockling0 network with its leases under stateRoot.
func DefaultConfig(stateRoot string) Config {
	_, subnet, _ := net.ParseCIDR(DefaultSubnet)
	return Config{
		Bridge:    DefaultBridge,
		Subnet:    subnet,
		Gateway:   net.ParseIP(DefaultGateway).To4(),
		StateRoot: stateRoot,
		Iptables:  findIptables(),
	}
}

// findIptables looks in PATH and then in the sbin directories, which are
// often missing from a non-login root shell's PATH.
func findIptables() string {
	if p, err := exec.LookPath("iptables"); err == nil {
		return p
	}
	for _, p := range []string{"/usr/sbin/iptables", "/sbin/iptables"} {
		if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() {
			return p
		}
	}
	return ""
}

// validate checks the config once, so later code can trust it.
func (c Config) validate() error {
	switch {
	case c.Bridge == "" || len(c.Bridge) > 15:
		return fmt.Errorf("bridge name %q must be 1 to 15 characters", c.Bridge)
	case c.Subnet == nil || c.Subnet.IP.To4() == nil:
		return fmt.Errorf("network subnet must be an IPv4 CIDR such as %s", DefaultSubnet)
	case c.StateRoot == "":
		return fmt.Errorf("network state root is empty; set DOCKLING_ROOT")
	}
	if ones, bits := c.Subnet.Mask.Size(); bits != 32 || ones > 30 || ones < 8 {
		return fmt.Errorf("subnet %s must have a prefix between /8 and /30", c.Subnet)
	}
	gw := c.Gateway.To4()
	if gw == nil || !c.Subnet.Contains(gw) || gw.Equal(c.Subnet.IP.To4()) || gw.Equal(broadcast(c.Subnet)) {
		return fmt.Errorf("gateway %s must be a host address inside subnet %s", c.Gateway, c.Subnet)
	}
	return nil
}

// prefixLen is the subnet's /N, used for every address on the network.
func (c Config) prefixLen() int {
	ones, _ := c.Subnet.Mask.Size()
	return ones
}

// gatewayCIDR is the bridge's address with the subnet's prefix: 10.77.0.1/16.
func (c Config) gatewayCIDR() string {
	return fmt.Sprintf("%s/%d", c.Gateway.To4(), c.prefixLen())
}

func (c Config) dir() string       { return filepath.Join(c.StateRoot, "network") }
func (c Config) leasePath() string { return filepath.Join(c.dir(), "leases.json") }
func (c Config) lockPath() string  { return filepath.Join(c.dir(), ".lock") }

// broadcast is the last address of the subnet; like the first one (the
// network address) it is never given to a container.
func broadcast(n *net.IPNet) net.IP {
	ip := binary.BigEndian.Uint32(n.IP.To4())
	mask := binary.BigEndian.Uint32(net.IP(n.Mask).To4())
	return u32ToIP(ip | ^mask)
}

func ipToU32(ip net.IP) uint32 { return binary.BigEndian.Uint32(ip.To4()) }

func u32ToIP(v uint32) net.IP {
	ip := make(net.IP, 4)
	binary.BigEndian.PutUint32(ip, v)
	return ip
}

// macFor derives a MAC address from an IPv4 address, as docker does with
// 02:42:... The first byte 02 marks it "locally administered" (made up by
// software, not burned in by a vendor) and unicast. Because the same IP
// always gets the same MAC, a neighbour (ARP) cache entry left over from a
// previous container with this IP is still right for the next one.
func macFor(ip net.IP) net.HardwareAddr {
	v4 := ip.To4()
	return net.HardwareAddr{0x02, 0xdd, v4[0], v4[1], v4[2], v4[3]}
}
