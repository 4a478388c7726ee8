package network

import (
	"fmt"
	"os"

	"github.com/dockling/dockling/sandbox/explain"
)

// Plan leases an address (and the host ports) for a container and returns
// the ops that plug it in. The runner calls it on the parent side after the
// child exists (pid is the child, already in its new network namespace) and
// before the child is released, then:
//
//  1. saves the Attachment with the container's state, before anything else,
//  2. runs the ops with explain.Run,
//  3. on any failure, and when the container is removed, calls Teardown.
//
// Plan itself creates nothing on the network; it checks the host ports are
// free first, so a busy port fails before any device or rule exists. If the
// bridge is already up, the shared setup ops (bridge, forwarding, NAT) are
// left out and a note says so: they were done by an earlier container.
func Plan(cfg Config, containerID string, pid int, ports []PortMapping) (*Attachment, []explain.Op, error) {
	if err := cfg.validate(); err != nil {
		return nil, nil, err
	}
	if pid <= 0 {
		return nil, nil, fmt.Errorf("network plan needs the container's pid, got %d", pid)
	}
	lease, err := allocate(cfg, containerID, ports)
	if err != nil {
		return nil, nil, err
	}
	att := newAttachment(cfg, lease)
	var ops []explain.Op
	if bridgeReady(cfg) {
		ops = append(ops, explain.Op{
			Call: fmt.Sprintf("bridge %s is up with %s: the shared setup (bridge, forwarding, NAT) was done by an earlier container", cfg.Bridge, cfg.gatewayCIDR()),
			Why:  "dockling --script shows those steps too",
		})
	} else {
		ops = append(ops, SetupOps(cfg)...)
	}
	return att, append(ops, attachOps(cfg, att, pid)...), nil
}

// Preview is Plan for --script and --explain without running: no lease is
// taken, no port is checked and the ops have no Do, only their words. The
// address shown is the one the next container would get now; the shell
// twins use $PID for the container's pid.
func Preview(cfg Config, containerID string, ports []PortMapping) (*Attachment, []explain.Op, error) {
	if err := cfg.validate(); err != nil {
		return nil, nil, err
	}
	lease := Lease{ContainerID: containerID, HostVeth: vethName(containerID), Ports: ports}
	err := withLock(cfg, func() error {
		lf, err := readLeases(cfg)
		if err != nil {
			return err
		}
		ip, err := freeAddress(cfg, lf)
		if err == nil {
			lease.IP = ip.String()
		}
		return err
	})
	if err != nil {
		return nil, nil, err
	}
	att := newAttachment(cfg, lease)
	ops := append(SetupOps(cfg), attachOps(cfg, att, 0)...)
	for i := range ops {
		ops[i].Do = nil
	}
	return att, ops, nil
}

// Setup makes the shared network now (the bridge, forwarding, NAT), without
// attaching a container. Plan does it on first use; Setup is for tests and
// for repairing rules after a firewall reload flushed them.
func Setup(cfg Config) error {
	if err := cfg.validate(); err != nil {
		return err
	}
	// An empty pool on disk from the start, so the lease file looks the
	// same before the first container and after the last one is gone.
	err := withLock(cfg, func() error {
		if _, err := os.Stat(cfg.leasePath()); err == nil {
			return nil
		}
		lf, err := readLeases(cfg)
		if err != nil {
			return err
		}
		return writeLeases(cfg, lf)
	})
	if err != nil {
		return err
	}
	return explain.Run(SetupOps(cfg), nil, explain.Parent)
}
