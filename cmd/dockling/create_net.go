package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/dockling/dockling/sandbox"
	"github.com/dockling/dockling/sandbox/container"
	"github.com/dockling/dockling/sandbox/network"
	"github.com/dockling/dockling/sandbox/rootfs"
	"github.com/dockling/dockling/sandbox/volume"
)

// attachNetwork sets up c for --network mode with ports published: its
// namespaces, the network spec the runner plugs in, and its own
// /etc/hostname, /etc/hosts and /etc/resolv.conf, bind-mounted over the
// image's as docker does, so the image never changes.
func attachNetwork(store *container.Store, c *container.Container, mode string, ports []network.PortMapping) error {
	c.HostConfig.NetworkMode = mode
	hosts := filepath.Join(store.Dir(c.ID), "hosts")
	switch mode {
	case "bridge":
		c.Config.Network = &sandbox.NetworkSpec{ID: c.ID, Ports: ports, HostsFile: hosts}
		c.HostConfig.PortBindings = map[string][]container.PortBinding{}
		for _, p := range ports {
			key := fmt.Sprintf("%d/%s", p.ContainerPort, p.Proto)
			hostPort := ""
			if p.HostPort > 0 {
				hostPort = fmt.Sprint(p.HostPort)
			}
			c.HostConfig.PortBindings[key] = append(c.HostConfig.PortBindings[key], container.PortBinding{HostIP: p.HostIP, HostPort: hostPort})
		}
	case "none":
		if len(ports) > 0 {
			return fmt.Errorf("-p needs a network: drop --network none, or use --network bridge")
		}
	case "host":
		if len(ports) > 0 {
			return fmt.Errorf("-p has no meaning with --network host: the container already uses the host's ports")
		}
		// The host's network namespace: no NSNet, and the host's own files.
		var ns []sandbox.Namespace
		for _, n := range c.Config.Namespaces {
			if n != sandbox.NSNet {
				ns = append(ns, n)
			}
		}
		c.Config.Namespaces = ns
		c.Config.Mounts = append(c.Config.Mounts,
			rootfs.BindMount{Source: "/etc/hosts", Destination: "/etc/hosts", ReadOnly: true},
			rootfs.BindMount{Source: "/etc/resolv.conf", Destination: "/etc/resolv.conf", ReadOnly: true})
		return nil
	default:
		return fmt.Errorf("unknown --network %q: use bridge, none or host", mode)
	}
	mounts, err := writeNetworkFiles(store.Dir(c.ID), c.Config.Hostname)
	c.Config.Mounts = append(c.Config.Mounts, mounts...)
	return err
}

// writeNetworkFiles writes a container's own hostname, hosts and
// resolv.conf into dir and returns the bind mounts that put them over the
// image's /etc files. The runner adds the container's address to hosts
// once it has one (NetworkSpec.HostsFile = dir/hosts).
func writeNetworkFiles(dir, hostname string) ([]rootfs.BindMount, error) {
	host, _ := network.HostResolvConf()
	var mounts []rootfs.BindMount
	for _, f := range []struct {
		name string
		data []byte
	}{
		{"hostname", network.HostnameFile(hostname)},
		{"hosts", network.HostsFile(hostname, "", nil)},
		{"resolv.conf", network.ResolvConf(host)},
	} {
		path := filepath.Join(dir, f.name)
		if err := os.WriteFile(path, f.data, 0o644); err != nil {
			return mounts, fmt.Errorf("write %s: %w", path, err)
		}
		mounts = append(mounts, rootfs.BindMount{Source: path, Destination: "/etc/" + f.name})
	}
	return mounts, nil
}

// attachVolumes resolves each -v into a host directory (creating a missing
// bind source or named volume, as docker does) and mounts it.
func attachVolumes(c *container.Container, specs []volume.Spec, flags []string) error {
	if len(specs) == 0 {
		return nil
	}
	vs, err := volume.Open(sandbox.Root())
	if err != nil {
		return err
	}
	for _, sp := range specs {
		m, err := vs.Resolve(sp)
		if err != nil {
			return err
		}
		c.Config.Mounts = append(c.Config.Mounts, m.Bind())
		c.Mounts = append(c.Mounts, container.Mount{Type: string(m.Type), Name: m.Name, Source: m.Source,
			Destination: m.Destination, Mode: sp.Mode(), RW: !m.ReadOnly})
	}
	c.HostConfig.Binds = flags
	return nil
}
