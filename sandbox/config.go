// Package sandbox builds and runs containers. A Config says what to build;
// Run (the parent side) and nsinit (the child side, after a re-exec) do it.
//
// Both `dockling step N` and `dockling run` describe what they want as a
// Config, so every isolation layer is written exactly once, here.
package sandbox

import (
	"github.com/dockling/dockling/sandbox/cgroups"
	"github.com/dockling/dockling/sandbox/network"
	"github.com/dockling/dockling/sandbox/rootfs"
	"github.com/dockling/dockling/sandbox/security"
)

// Namespace names one Linux namespace by its /proc/<pid>/ns/ file name.
type Namespace string

const (
	NSUTS   Namespace = "uts"
	NSPID   Namespace = "pid"
	NSMount Namespace = "mnt"
	NSIPC   Namespace = "ipc"
	NSNet   Namespace = "net"
)

// AllNamespaces are the namespaces step 2 (and every container) gets.
var AllNamespaces = []Namespace{NSUTS, NSPID, NSMount, NSIPC, NSNet}

// Config is everything the runner needs to start one container. It crosses
// from parent to child as JSON over a pipe, never as a joined string, so
// arguments with spaces survive.
type Config struct {
	// Args is the command to run; Args[0] is looked up in PATH inside the root.
	Args []string `json:"args"`
	Env  []string `json:"env,omitempty"`
	// Cwd is the working directory inside the container ("/" when empty).
	Cwd string `json:"cwd,omitempty"`

	// Rootfs is the host directory that becomes "/". Empty means the host's "/".
	Rootfs string `json:"rootfs,omitempty"`
	// Chroot changes "/" with chroot(2): the step 1 way, escapable by root.
	Chroot bool `json:"chroot,omitempty"`
	// PivotRoot changes "/" with pivot_root(2) inside a new mount namespace and
	// detaches the old root, so there is nothing left to escape to.
	PivotRoot bool `json:"pivotRoot,omitempty"`

	// Overlay, when set, makes Rootfs an overlay mount of the image's
	// layers plus a writable upper directory, mounted inside the new mount
	// namespace (so it vanishes with the container; nothing to unmount).
	Overlay *OverlaySpec `json:"overlay,omitempty"`

	// Network, when set (with a new network namespace), plugs the
	// container into the bridge: a veth pair, an address, routes, NAT and
	// published ports. The parent does it while the child waits.
	Network *NetworkSpec `json:"network,omitempty"`

	// Mounts are bind mounts (volumes, -v, and the container's /etc/hosts
	// family), made inside the new root before pivot_root; each target is
	// resolved inside the root so a symlink in the image cannot redirect it.
	Mounts []rootfs.BindMount `json:"mounts,omitempty"`

	Namespaces []Namespace `json:"namespaces,omitempty"`
	Hostname   string      `json:"hostname,omitempty"`

	// Cgroup, when set, puts the container in a control group of its own
	// with these limits. The parent does this; the child never sees it.
	Cgroup *CgroupSpec `json:"cgroup,omitempty"`

	// User, when set, is who the command runs as (after the setup, which
	// needs root, is done).
	User *User `json:"user,omitempty"`

	// Security, when set, is what `dockling run` adds on top of the
	// layers: fewer capabilities, no_new_privs, masked /proc paths, a
	// device allow-list. The steps leave it nil, so each layer is shown on
	// its own.
	Security *security.Spec `json:"security,omitempty"`

	// Tty gives the command a pseudo-terminal of the container's own.
	Tty bool `json:"tty,omitempty"`

	// Explain asks both sides to report every kernel operation as it happens.
	Explain bool `json:"explain,omitempty"`
}

// Has reports whether the config asks for namespace ns.
func (c *Config) Has(ns Namespace) bool {
	for _, n := range c.Namespaces {
		if n == ns {
			return true
		}
	}
	return false
}

// CgroupSpec names the container's cgroup and its limits.
type CgroupSpec struct {
	Name   string         `json:"name"`
	Limits cgroups.Limits `json:"limits"`
}

// OverlaySpec is the layers and the writable directories of an overlay root.
type OverlaySpec struct {
	Lower []string `json:"lower"` // read-only layer directories, bottom first
	Upper string   `json:"upper"` // this container's writes
	Work  string   `json:"work"`  // overlayfs's scratch space, same filesystem as Upper
}

// NetworkSpec is a container's place on the bridge network.
type NetworkSpec struct {
	ID    string                `json:"id"` // whose lease and links these are
	Ports []network.PortMapping `json:"ports,omitempty"`
	// HostsFile, when set, is written once the address is known (before the
	// child is released): this container's name and address, and Peers'.
	HostsFile string            `json:"hostsFile,omitempty"`
	Peers     map[string]string `json:"peers,omitempty"` // name → IP of other containers
}

// User is a numeric user and group, resolved from the image's files.
type User struct {
	UID int `json:"uid"`
	GID int `json:"gid"`
}
