package network

import (
	"fmt"
	"strconv"
)

// The rules, as pure data. Shared rules serve every container on the
// bridge; DNAT rules belong to one container's published ports.

// sharedRule is a rule with the reason a learner should read beside it.
type sharedRule struct {
	Rule
	Why string
}

// loopback is where the host's own 127.0.0.1 traffic comes from.
const loopback = "127.0.0.0/8"

func sharedRules(cfg Config) []sharedRule {
	subnet, br := cfg.Subnet.String(), cfg.Bridge
	return []sharedRule{
		{Rule{Table: "nat", Chain: "POSTROUTING", Args: []string{"-s", subnet, "!", "-o", br, "-j", "MASQUERADE"}},
			"outbound: packets from containers leaving by another device get the host's address, so replies find their way back"},
		{Rule{Table: "nat", Chain: "POSTROUTING", Args: []string{"-s", loopback, "-o", br, "-j", "MASQUERADE"}},
			"the host's own 127.0.0.1:PORT, rewritten to a container, must not keep source 127.0.0.1: the container would answer itself"},
		{Rule{Table: "nat", Chain: "POSTROUTING", Args: []string{"-s", subnet, "-o", br, "-m", "conntrack", "--ctstate", "DNAT", "-j", "MASQUERADE"}},
			"hairpin: a container using a published port of another container must get the reply through the host, not straight over the bridge"},
		{Rule{Table: "filter", Chain: "FORWARD", First: true, Args: []string{"-i", br, "-j", "ACCEPT"}},
			"let containers send through the host even where the FORWARD policy is DROP (as after installing docker)"},
		{Rule{Table: "filter", Chain: "FORWARD", First: true, Args: []string{"-o", br, "-m", "conntrack", "--ctstate", "RELATED,ESTABLISHED,DNAT", "-j", "ACCEPT"}},
			"let in replies and published ports, and nothing else, towards the containers"},
		{Rule{Table: "filter", Chain: "INPUT", First: true, Args: []string{"-i", br, "-d", loopback, "-m", "conntrack", "!", "--ctstate", "RELATED,ESTABLISHED", "-j", "DROP"}},
			"route_localnet lets 127.x cross the bridge; without this a container could reach services the host only offers on 127.0.0.1"},
	}
}

// dnatRules publish one port: DNAT (destination NAT) rewrites the
// destination HOST:PORT to CONTAINER_IP:PORT. Packets from other machines
// pass PREROUTING; packets the host sends itself never do, they pass
// OUTPUT. Publishing in PREROUTING only is the classic bug where -p works
// from other machines but not from the host itself.
func dnatRules(containerID, containerIP string, m PortMapping) []Rule {
	match := []string{"-p", m.Proto}
	if m.HostIP != "" {
		match = append(match, "-d", m.HostIP)
	} else {
		// Any address of this host, but not traffic passing through it.
		match = append(match, "-m", "addrtype", "--dst-type", "LOCAL")
	}
	match = append(match, "--dport", strconv.Itoa(m.HostPort),
		"-m", "comment", "--comment", "dockling "+short(containerID),
		"-j", "DNAT", "--to-destination", fmt.Sprintf("%s:%d", containerIP, m.ContainerPort))
	return []Rule{
		{Table: "nat", Chain: "PREROUTING", Args: match},
		{Table: "nat", Chain: "OUTPUT", Args: append([]string(nil), match...)},
	}
}
