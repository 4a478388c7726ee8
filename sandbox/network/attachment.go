package network

import (
	"fmt"
	"net"
)

// ContainerIface is the name the container sees its end of the veth under.
const ContainerIface = "eth0"

// Attachment is everything one container added to the host's network, and
// so everything Teardown must remove. The runner saves it (as JSON) with the
// container's state before the setup ops run: if dockling is then killed at
// any point, the saved record still names every piece that may exist, and
// Teardown tolerates the pieces that were never made or are already gone.
type Attachment struct {
	ContainerID string `json:"containerID"`
	Bridge      string `json:"bridge"`
	// HostVeth is the host end of the veth pair, plugged into Bridge. The
	// container's end (eth0) needs no cleanup: when the container's network
	// namespace dies with its last process, the kernel deletes that end,
	// and deleting either end of a veth pair deletes both.
	HostVeth  string `json:"hostVeth"`
	IP        string `json:"ip"`
	PrefixLen int    `json:"prefixLen"`
	Gateway   string `json:"gateway"`
	MAC       string `json:"mac"`
	// Ports are the published ports, host ports filled in.
	Ports []PortMapping `json:"ports,omitempty"`
	// Rules are the iptables rules made for this container's ports.
	Rules []Rule `json:"rules,omitempty"`
	// Proxied are ports no rule publishes, because this host has no
	// iptables: the runner (or supervisor) serves each with StartProxy.
	Proxied []PortMapping `json:"proxied,omitempty"`
}

// CIDR is the container's address with its prefix: 10.77.0.2/16.
func (a *Attachment) CIDR() string { return fmt.Sprintf("%s/%d", a.IP, a.PrefixLen) }

// newAttachment writes down what will be made for lease, before it is made.
func newAttachment(cfg Config, lease Lease) *Attachment {
	att := &Attachment{
		ContainerID: lease.ContainerID,
		Bridge:      cfg.Bridge,
		HostVeth:    lease.HostVeth,
		IP:          lease.IP,
		PrefixLen:   cfg.prefixLen(),
		Gateway:     cfg.Gateway.String(),
		Ports:       lease.Ports,
	}
	if ip := net.ParseIP(lease.IP); ip != nil && ip.To4() != nil {
		att.MAC = macFor(ip).String()
	}
	for _, m := range lease.Ports {
		if cfg.Iptables == "" {
			att.Proxied = append(att.Proxied, m)
			continue
		}
		att.Rules = append(att.Rules, dnatRules(lease.ContainerID, lease.IP, m)...)
	}
	return att
}
