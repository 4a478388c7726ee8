package network

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"time"
)

// Lease is one container's claim on the network: its address, its host
// veth name and its published ports. Leases live in leases.json so that
// every dockling process sees the claims of every other one.
type Lease struct {
	ContainerID string        `json:"containerID"`
	IP          string        `json:"ip"`
	HostVeth    string        `json:"hostVeth"`
	Ports       []PortMapping `json:"ports,omitempty"`
	Created     time.Time     `json:"created"`
}

// leaseFile is leases.json. The subnet is kept so that changing the
// network's subnet while containers hold addresses is caught, not mixed.
type leaseFile struct {
	Subnet string           `json:"subnet"`
	Leases map[string]Lease `json:"leases"` // by container id
}

// readLeases loads leases.json; a missing or empty file is an empty pool.
// Call it under withLock.
func readLeases(cfg Config) (*leaseFile, error) {
	lf := &leaseFile{Subnet: cfg.Subnet.String(), Leases: map[string]Lease{}}
	data, err := os.ReadFile(cfg.leasePath())
	if errors.Is(err, fs.ErrNotExist) || (err == nil && len(data) == 0) {
		return lf, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read leases: %w", err)
	}
	if err := json.Unmarshal(data, lf); err != nil {
		return nil, fmt.Errorf("%s is damaged (%v); remove it once no container is running", cfg.leasePath(), err)
	}
	if lf.Leases == nil {
		lf.Leases = map[string]Lease{}
	}
	if lf.Subnet != cfg.Subnet.String() {
		if len(lf.Leases) > 0 {
			return nil, fmt.Errorf("%d containers hold addresses in subnet %s, not %s; remove them before changing the subnet", len(lf.Leases), lf.Subnet, cfg.Subnet)
		}
		lf.Subnet = cfg.Subnet.String()
	}
	return lf, nil
}

// writeLeases replaces leases.json atomically: the new content goes to a
// temporary file in the same directory, which rename(2) then puts in place
// in one step. A reader sees the old file or the new one, never half of
// one. (No fsync: leases describe running containers, and none of those
// survive the power loss that fsync would guard against.) Call it under
// withLock.
func writeLeases(cfg Config, lf *leaseFile) error {
	data, err := json.MarshalIndent(lf, "", "  ")
	if err != nil {
		return fmt.Errorf("encode leases: %w", err)
	}
	tmp, err := os.CreateTemp(cfg.dir(), ".leases-*.tmp")
	if err != nil {
		return fmt.Errorf("write leases: %w", err)
	}
	defer os.Remove(tmp.Name()) // a no-op once renamed
	if _, err := tmp.Write(append(data, '\n')); err != nil {
		tmp.Close()
		return fmt.Errorf("write leases: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write leases: %w", err)
	}
	if err := os.Rename(tmp.Name(), cfg.leasePath()); err != nil {
		return fmt.Errorf("replace leases: %w", err)
	}
	return nil
}

// Leases returns every current lease by container id, for `inspect` and
// for the /etc/hosts of new containers.
func Leases(cfg Config) (map[string]Lease, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	var out map[string]Lease
	err := withLock(cfg, func() error {
		lf, err := readLeases(cfg)
		if err == nil {
			out = lf.Leases
		}
		return err
	})
	return out, err
}

// Release gives a container's address and host ports back to the pool. A
// container without a lease is fine: releasing twice changes nothing.
func Release(cfg Config, containerID string) error {
	if err := cfg.validate(); err != nil {
		return err
	}
	return withLock(cfg, func() error {
		lf, err := readLeases(cfg)
		if err != nil {
			return err
		}
		if _, ok := lf.Leases[containerID]; !ok {
			return nil
		}
		delete(lf.Leases, containerID)
		return writeLeases(cfg, lf)
	})
}
