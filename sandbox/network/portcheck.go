package network

import (
	"errors"
	"fmt"
	"net"
	"strconv"
	"syscall"
)

// claimPorts checks each requested host port against the other containers'
// leases and against the host's open sockets, and picks free ports for
// mappings without one. It runs before anything is created, so a busy port
// fails the start cleanly.
//
// Both checks are needed. iptables DNAT never opens a socket, so a port
// published by another container is invisible to bind(2) and only the
// leases know it. A port some other program listens on is unknown to the
// leases and only bind(2) finds it.
func claimPorts(lf *leaseFile, want []PortMapping) ([]PortMapping, error) {
	var claimed []PortMapping
	for _, m := range want {
		if m.HostPort == 0 {
			port, err := pickFreePort(lf, claimed, m)
			if err != nil {
				return nil, err
			}
			m.HostPort = port
		} else {
			if owner := publishedBy(lf, claimed, m); owner != "" {
				return nil, fmt.Errorf("host port %d/%s is already published by %s; choose another host port", m.HostPort, m.Proto, owner)
			}
			if err := probeBind(m); err != nil {
				return nil, err
			}
		}
		claimed = append(claimed, m)
	}
	return claimed, nil
}

// publishedBy names who already publishes m's host port, or "".
func publishedBy(lf *leaseFile, claimed []PortMapping, m PortMapping) string {
	for _, l := range lf.Leases {
		for _, p := range l.Ports {
			if conflicts(p, m) {
				return "container " + short(l.ContainerID)
			}
		}
	}
	for _, p := range claimed {
		if conflicts(p, m) {
			return "another -p of this container"
		}
	}
	return ""
}

// probeBind binds the host port for a moment: if that fails, the port is
// taken (or the host address is not on this machine) and we say so now.
func probeBind(m PortMapping) error {
	addr := net.JoinHostPort(hostIPOrAny(m.HostIP), strconv.Itoa(m.HostPort))
	var err error
	if m.Proto == "udp" {
		var c net.PacketConn
		if c, err = net.ListenPacket("udp4", addr); err == nil {
			return c.Close()
		}
	} else {
		var l net.Listener
		if l, err = net.Listen("tcp4", addr); err == nil {
			return l.Close()
		}
	}
	switch {
	case errors.Is(err, syscall.EADDRINUSE):
		return fmt.Errorf("host port %s/%s is already in use by another program; choose another host port, e.g. -p %d:%d", addr, m.Proto, m.HostPort+1, m.ContainerPort)
	case errors.Is(err, syscall.EADDRNOTAVAIL):
		return fmt.Errorf("host address %s is not an address of this machine; use one it has (ip addr) or leave it out", m.HostIP)
	case errors.Is(err, syscall.EACCES):
		return fmt.Errorf("no permission to use host port %s/%s; run as root", addr, m.Proto)
	}
	return fmt.Errorf("check host port %s/%s: %w", addr, m.Proto, err)
}

// pickFreePort lets the kernel choose (bind to port 0), retrying when its
// choice is a port another container publishes through DNAT.
func pickFreePort(lf *leaseFile, claimed []PortMapping, m PortMapping) (int, error) {
	addr := net.JoinHostPort(hostIPOrAny(m.HostIP), "0")
	for try := 0; try < 20; try++ {
		var port int
		if m.Proto == "udp" {
			c, err := net.ListenPacket("udp4", addr)
			if err != nil {
				return 0, fmt.Errorf("find a free udp port on %s: %w", hostIPOrAny(m.HostIP), err)
			}
			port = c.LocalAddr().(*net.UDPAddr).Port
			c.Close()
		} else {
			l, err := net.Listen("tcp4", addr)
			if err != nil {
				return 0, fmt.Errorf("find a free tcp port on %s: %w", hostIPOrAny(m.HostIP), err)
			}
			port = l.Addr().(*net.TCPAddr).Port
			l.Close()
		}
		m.HostPort = port
		if publishedBy(lf, claimed, m) == "" {
			return port, nil
		}
	}
	return 0, fmt.Errorf("no free host port found for container port %d/%s; give one with -p HOSTPORT:%d", m.ContainerPort, m.Proto, m.ContainerPort)
}

func hostIPOrAny(ip string) string {
	if ip == "" {
		return "0.0.0.0"
	}
	return ip
}
