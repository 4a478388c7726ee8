package container

import (
	"cmp"
	"fmt"
	"net"
	"slices"
	"strconv"
	"strings"
)

// PortsString is ps's PORTS column: "0.0.0.0:8080->80/tcp,
// 127.0.0.1:3307->3306/tcp". It shows what the network actually bound
// (NetworkSettings.Ports) and falls back to what was asked for
// (HostConfig.PortBindings), because a container that never started has
// only the latter. ps itself blanks the column for containers that are not
// running, as docker does (see PsRow).
func (c *Container) PortsString() string {
	ports := c.NetworkSettings.Ports
	if len(ports) == 0 {
		ports = c.HostConfig.PortBindings
	}
	return formatPorts(ports)
}

// portEntry is one line of the column before it is printed.
type portEntry struct {
	ip           string // host address; "" when the port is only exposed
	public, priv int
	proto        string
	exposedOnly  bool // no host side: shown as "80/tcp"
}

func formatPorts(ports map[string][]PortBinding) string {
	var entries []portEntry
	for key, bindings := range ports {
		privStr, proto, ok := strings.Cut(key, "/")
		if !ok {
			proto = "tcp" // docker's default when the key has no protocol
		}
		priv, err := strconv.Atoi(privStr)
		if err != nil {
			continue // not a port number: nothing sensible to show
		}
		if len(bindings) == 0 {
			entries = append(entries, portEntry{priv: priv, public: priv, proto: proto, exposedOnly: true})
			continue
		}
		for _, b := range bindings {
			ip := b.HostIP
			if ip == "" {
				ip = "0.0.0.0" // an empty host address means every address
			}
			pub, err := strconv.Atoi(b.HostPort)
			if err != nil {
				pub = 0 // not chosen yet: printed as 0, as docker would
			}
			entries = append(entries, portEntry{ip: ip, public: pub, priv: priv, proto: proto})
		}
	}
	// docker's order: container port, then host port, protocol, address.
	slices.SortFunc(entries, func(a, b portEntry) int {
		return cmp.Or(cmp.Compare(a.priv, b.priv), cmp.Compare(a.public, b.public),
			cmp.Compare(a.proto, b.proto), cmp.Compare(a.ip, b.ip))
	})
	return strings.Join(groupPorts(entries), ", ")
}

// groupPorts folds runs of consecutive ports that map to themselves
// (-p 8000-8002:8000-8002) into one range, "0.0.0.0:8000-8002->8000-8002/tcp",
// as docker does; a port mapped to a different number is listed on its own,
// after the ranges.
func groupPorts(entries []portEntry) []string {
	type run struct {
		e           portEntry
		first, last int
	}
	var runs []*run
	open := map[string]*run{} // the run still growing, per address and protocol
	var remapped []string
	for _, e := range entries {
		if !e.exposedOnly && e.public != e.priv {
			hostPort := net.JoinHostPort(e.ip, strconv.Itoa(e.public))
			remapped = append(remapped, fmt.Sprintf("%s->%d/%s", hostPort, e.priv, e.proto))
			continue
		}
		key := e.ip + "/" + e.proto
		if r := open[key]; r != nil && e.priv == r.last+1 {
			r.last = e.priv
			continue
		}
		r := &run{e: e, first: e.priv, last: e.priv}
		open[key] = r
		runs = append(runs, r)
	}
	out := make([]string, 0, len(runs)+len(remapped))
	for _, r := range runs {
		span := strconv.Itoa(r.first)
		if r.last != r.first {
			span += "-" + strconv.Itoa(r.last)
		}
		if r.e.exposedOnly {
			out = append(out, span+"/"+r.e.proto)
			continue
		}
		out = append(out, fmt.Sprintf("%s:%s->%s/%s", hostAddr(r.e.ip), span, span, r.e.proto))
	}
	return append(out, remapped...)
}

// hostAddr brackets an IPv6 address so the port after it stays readable:
// [::]:8080.
func hostAddr(ip string) string {
	if strings.Contains(ip, ":") {
		return "[" + ip + "]"
	}
	return ip
}
