// Package cgroups puts containers in control groups and reads their usage.
package cgroups

import (
	"fmt"
	"path/filepath"

	"golang.org/x/sys/unix"
)

// Mode is the cgroup layout of a host.
type Mode string

const (
	// V1 has one hierarchy per controller (CentOS 7, kernel 3.10).
	V1 Mode = "v1"
	// V2 has one unified hierarchy (current distros).
	V2 Mode = "v2"
	// Hybrid has v1 controllers plus a cgroup2 tree at unified/ that holds
	// no controllers (older systemd hosts, our build machines).
	Hybrid Mode = "hybrid"
)

// DetectMode tells the layout under mountpoint (normally /sys/fs/cgroup) by
// the filesystem type the kernel reports, not by guessing from paths.
func DetectMode(mountpoint string) (Mode, error) {
	var st unix.Statfs_t
	if err := unix.Statfs(mountpoint, &st); err != nil {
		return "", fmt.Errorf("statfs %s: %w", mountpoint, err)
	}
	switch st.Type {
	case unix.CGROUP2_SUPER_MAGIC:
		return V2, nil
	case unix.TMPFS_MAGIC:
		var u unix.Statfs_t
		if err := unix.Statfs(filepath.Join(mountpoint, "unified"), &u); err == nil && u.Type == unix.CGROUP2_SUPER_MAGIC {
			return Hybrid, nil
		}
		return V1, nil
	}
	return "", fmt.Errorf("%s is neither cgroup2 nor a tmpfs of v1 hierarchies (filesystem magic %#x)", mountpoint, st.Type)
}
