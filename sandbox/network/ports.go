package network

import (
	"fmt"
	"net"
	"strconv"
	"strings"
)

// PortMapping publishes a container port on the host: traffic to
// HostIP:HostPort reaches ContainerPort inside the container.
type PortMapping struct {
	// HostIP limits the mapping to one host address; empty means all of them.
	HostIP        string `json:"hostIP,omitempty"`
	HostPort      int    `json:"hostPort"` // 0 asks for a free port, chosen at Plan
	ContainerPort int    `json:"containerPort"`
	Proto         string `json:"proto"` // "tcp" or "udp"
}

// String prints the mapping as `docker ps` does: 0.0.0.0:8080->80/tcp.
func (m PortMapping) String() string {
	ip := m.HostIP
	if ip == "" {
		ip = "0.0.0.0"
	}
	return fmt.Sprintf("%s:%d->%d/%s", ip, m.HostPort, m.ContainerPort, m.Proto)
}

// portUsage is how -p is written; every parse error ends with it.
const portUsage = "use [HOSTIP:]HOSTPORT:CONTAINERPORT[/tcp|udp], e.g. 8080:80 or 127.0.0.1:8080:80/tcp"

// ParsePort reads docker's -p syntax:
//
//	8080:80              host port 8080 on every host address -> container port 80, tcp
//	127.0.0.1:8080:80    only on 127.0.0.1
//	8053:53/udp          udp
//	80  or  127.0.0.1::80   a free host port, chosen when the container starts
func ParsePort(spec string) (PortMapping, error) {
	bad := func(format string, a ...any) (PortMapping, error) {
		return PortMapping{}, fmt.Errorf("invalid -p %q: %s; %s", spec, fmt.Sprintf(format, a...), portUsage)
	}
	m := PortMapping{Proto: "tcp"}
	rest := spec
	if i := strings.LastIndexByte(rest, '/'); i >= 0 {
		proto := rest[i+1:]
		m.Proto, rest = strings.ToLower(proto), rest[:i]
		if m.Proto != "tcp" && m.Proto != "udp" {
			return bad("protocol %q is not tcp or udp", proto)
		}
	}
	if strings.HasPrefix(rest, "[") {
		return bad("IPv6 host addresses are not supported (dockling networks are IPv4 only)")
	}
	parts := strings.Split(rest, ":")
	var hostPort string
	switch len(parts) {
	case 1: // only the container port: the host port is chosen later
	case 2:
		hostPort = parts[0]
	case 3:
		m.HostIP, hostPort = parts[0], parts[1]
	default:
		return bad("too many colons")
	}
	containerPort := parts[len(parts)-1]

	if m.HostIP != "" {
		ip := net.ParseIP(m.HostIP)
		if ip == nil || ip.To4() == nil {
			return bad("host address %q is not an IPv4 address", m.HostIP)
		}
		m.HostIP = ip.To4().String()
		if m.HostIP == "0.0.0.0" {
			m.HostIP = "" // "every address" has one spelling
		}
	}
	var err error
	if m.ContainerPort, err = parsePortNumber(containerPort); err != nil {
		return bad("container port %v", err)
	}
	if hostPort != "" {
		if m.HostPort, err = parsePortNumber(hostPort); err != nil {
			return bad("host port %v", err)
		}
	}
	return m, nil
}

// ParsePorts parses several -p flags and rejects two that claim the same
// host port, which the kernel would only report later and less clearly.
func ParsePorts(specs []string) ([]PortMapping, error) {
	var out []PortMapping
	for _, s := range specs {
		m, err := ParsePort(s)
		if err != nil {
			return nil, err
		}
		for _, o := range out {
			if o.HostPort != 0 && conflicts(o, m) {
				return nil, fmt.Errorf("-p %q and -p %s both publish host port %d/%s; give each its own host port", s, o, m.HostPort, m.Proto)
			}
		}
		out = append(out, m)
	}
	return out, nil
}

func parsePortNumber(s string) (int, error) {
	if strings.Contains(s, "-") {
		return 0, fmt.Errorf("%q is a range; port ranges are not supported", s)
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > 65535 {
		return 0, fmt.Errorf("%q is not a number from 1 to 65535", s)
	}
	return n, nil
}

// conflicts reports whether two mappings want the same host socket: same
// protocol and port, and addresses that overlap ("" overlaps everything).
func conflicts(a, b PortMapping) bool {
	return a.Proto == b.Proto && a.HostPort == b.HostPort &&
		(a.HostIP == "" || b.HostIP == "" || a.HostIP == b.HostIP)
}
