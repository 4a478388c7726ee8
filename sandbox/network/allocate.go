package network

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net"
	"strings"
	"time"
)

// allocate leases an address, a host veth name and the host ports for one
// container, all in one locked read-modify-write of leases.json, so twenty
// containers started at once get twenty different addresses and no two of
// them publish the same host port.
func allocate(cfg Config, containerID string, ports []PortMapping) (Lease, error) {
	if containerID == "" {
		return Lease{}, fmt.Errorf("container id is empty")
	}
	var lease Lease
	err := withLock(cfg, func() error {
		lf, err := readLeases(cfg)
		if err != nil {
			return err
		}
		if old, ok := lf.Leases[containerID]; ok {
			return fmt.Errorf("container %s already holds address %s; tear its network down first", short(containerID), old.IP)
		}
		veth, err := pickVethName(lf, containerID)
		if err != nil {
			return err
		}
		published, err := claimPorts(lf, ports)
		if err != nil {
			return err
		}
		ip, err := freeAddress(cfg, lf)
		if err != nil {
			return err
		}
		lease = Lease{ContainerID: containerID, IP: ip.String(), HostVeth: veth, Ports: published, Created: time.Now().UTC()}
		lf.Leases[containerID] = lease
		return writeLeases(cfg, lf)
	})
	return lease, err
}

// freeAddress is the lowest address of the subnet that is not the network
// address, the gateway, the broadcast address or leased. The lowest, not a
// random one: random picks collide, and low numbers are easy to read.
func freeAddress(cfg Config, lf *leaseFile) (net.IP, error) {
	used := map[uint32]bool{ipToU32(cfg.Gateway): true}
	for _, l := range lf.Leases {
		if ip := net.ParseIP(l.IP); ip != nil && ip.To4() != nil {
			used[ipToU32(ip)] = true
		}
	}
	first, last := ipToU32(cfg.Subnet.IP)+1, ipToU32(broadcast(cfg.Subnet))-1
	for v := first; v <= last; v++ {
		if !used[v] {
			return u32ToIP(v), nil
		}
	}
	return nil, fmt.Errorf("no free address left in %s (%d containers attached); remove some containers or use a larger subnet", cfg.Subnet, len(lf.Leases))
}

// vethName is the host end's name: "vd" and the first 8 hex digits of the
// container id, so `ip link` on the host shows which container a veth
// belongs to. Interface names are at most 15 bytes, so the full id cannot
// fit. Ids that do not start with 8 hex digits are hashed.
func vethName(containerID string) string {
	id := strings.ToLower(containerID)
	if len(id) >= 8 && isHex(id[:8]) {
		return "vd" + id[:8]
	}
	return hashedVethName(containerID)
}

func hashedVethName(containerID string) string {
	sum := sha256.Sum256([]byte(containerID))
	return "vd" + hex.EncodeToString(sum[:4])
}

// pickVethName avoids the rare case of two ids sharing their first 8 digits.
func pickVethName(lf *leaseFile, containerID string) (string, error) {
	taken := map[string]bool{}
	for _, l := range lf.Leases {
		taken[l.HostVeth] = true
	}
	for _, name := range []string{vethName(containerID), hashedVethName(containerID)} {
		if !taken[name] {
			return name, nil
		}
	}
	return "", fmt.Errorf("host veth names for container %s are both taken; use another container id", short(containerID))
}

func isHex(s string) bool {
	for _, r := range s {
		if !(r >= '0' && r <= '9' || r >= 'a' && r <= 'f') {
			return false
		}
	}
	return true
}

// short is the 12-digit id docker prints.
func short(id string) string {
	if len(id) > 12 {
		return id[:12]
	}
	return id
}
