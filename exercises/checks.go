package exercises

import (
	"errors"
	"io/fs"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// The checks. Each reads the kernel through k, never the container's
// record, and returns the first difference it finds with the hint that
// fixes it, or what it verified.

// proc names a file of process pid under /proc.
func proc(pid int, name string) string { return "/proc/" + strconv.Itoa(pid) + "/" + name }

// Step 0: a container is an ordinary process on the host, only in new
// namespaces.
func checkFirstContainer(k kernel, c found) verdict {
	comm, err := k.readFile(proc(c.pid, "comm"))
	if err != nil {
		return broken(err)
	}
	if got := strings.TrimSpace(string(comm)); got != "sleep" {
		return fail(c.x.redo(), "wrong-program", c.x.Container, "sleep", got)
	}
	inside, host, err := namespaces(k, c.pid, "pid")
	if err != nil {
		return broken(err)
	}
	if inside == host {
		return fail(c.x.redo(), "host-ns", c.x.Container, "PID", inside)
	}
	nspid, err := innerPID(k, c.pid)
	if err != nil {
		return broken(err)
	}
	return pass("pass-first-container", c.x.Container, c.pid, inside, host, nspid)
}

// Step 1: the container's / is another directory than the host's.
func checkOwnRoot(k kernel, c found) verdict {
	root, err := k.stat(proc(c.pid, "root"))
	if err != nil {
		return broken(err)
	}
	host, err := k.stat("/")
	if err != nil {
		return broken(err)
	}
	if root == host {
		return fail(c.x.redo(), "host-root", c.x.Container)
	}
	if ok, err := k.exists(proc(c.pid, "root/hello")); err != nil {
		return broken(err)
	} else if !ok {
		return fail(c.x.Setup[1], "no-file", "/hello", c.x.Container)
	}
	return pass("pass-own-root", c.x.Container, root.String(), host.String())
}

// Step 2: its own UTS namespace, with its own hostname, and its command is
// PID 1 of its own PID namespace.
func checkOwnHostname(k kernel, c found) verdict {
	const want = "classroom"
	inside, host, err := namespaces(k, c.pid, "uts")
	if err != nil {
		return broken(err)
	}
	if inside == host {
		return fail(c.x.redo(), "host-ns", c.x.Container, "UTS", inside)
	}
	name, err := k.hostname(c.pid)
	if err != nil {
		return broken(err)
	}
	if name != want {
		return fail(c.x.redo(), "wrong-hostname", c.x.Container, want, name)
	}
	nspid, err := innerPID(k, c.pid)
	if err != nil {
		return broken(err)
	}
	if nspid != "1" {
		return fail(c.x.redo(), "not-pid1", c.x.Container, nspid)
	}
	return pass("pass-own-hostname", c.x.Container, inside, host, want)
}

// Step 3: the container's process sits in a cgroup whose memory limit is
// 64 MiB, as the kernel's own interface file says.
func checkMemoryLimit(k kernel, c found) verdict {
	const want = 64 << 20
	dir, procs, err := k.cgroup(c.id)
	if err != nil {
		return fail(c.x.redo(), "no-cgroup", c.x.Container, err)
	}
	if !slices.Contains(procs, c.pid) {
		return fail(c.x.redo(), "not-in-cgroup", c.pid, c.x.Container, dir)
	}
	limit, file, err := memoryLimit(k, dir)
	if err != nil {
		return broken(err)
	}
	if limit < 0 {
		return fail(c.x.redo(), "no-memory-limit", dir, size(want))
	}
	if limit != want {
		return fail(c.x.redo(), "wrong-memory-limit", dir, size(want), size(limit))
	}
	return pass("pass-memory-limit", c.x.Container, c.pid, filepath.Join(dir, file), limit, size(limit))
}

// Step 4: / is an overlay; the new file is in the writable (upper) layer
// and in none of the image's read-only (lower) layers.
func checkWritableLayer(k kernel, c found) verdict {
	const file = "root/note"
	mi, err := k.readFile(proc(c.pid, "mountinfo"))
	if err != nil {
		return broken(err)
	}
	root, ok := mountAt(parseMountinfo(string(mi)), "/")
	if !ok || root.fsType != "overlay" {
		return fail(c.x.redo(), "root-not-overlay", c.x.Container, root.fsType)
	}
	upper, lowers := overlayDirs(root.superOptions, k.layersDir())
	if upper == "" || len(lowers) == 0 {
		return fail(c.x.redo(), "root-not-overlay", c.x.Container, "overlay without upperdir and lowerdir")
	}
	if ok, err := k.exists(filepath.Join(upper, file)); err != nil {
		return broken(err)
	} else if !ok {
		return fail(c.x.Setup[1], "no-upper-file", "/"+file, upper)
	}
	for _, l := range lowers {
		if ok, err := k.exists(filepath.Join(l, file)); err != nil {
			return broken(err)
		} else if ok {
			return fail(c.x.redo(), "lower-has-file", "/"+file, l)
		}
	}
	return pass("pass-writable-layer", "/"+file, c.x.Container, upper, len(lowers))
}

// Step 5: a veth cable to dockling0, DNAT rules (or the userland proxy)
// for port 8080, and a server that answers through them.
func checkPublishPort(k kernel, c found) verdict {
	const bridge, hostPort, containerPort = "dockling0", 8080, 80
	ip, iflink, err := k.netOf(c.pid)
	if err != nil {
		return fail(c.x.redo(), "no-eth0", c.x.Container, err)
	}
	peer, err := k.link(iflink)
	if err != nil {
		return fail(c.x.redo(), "not-on-bridge", c.x.Container, bridge, err)
	}
	if peer.kind != "veth" || peer.master != bridge {
		return fail(c.x.redo(), "not-on-bridge", c.x.Container, bridge, peer.String())
	}
	to := ip + ":" + strconv.Itoa(containerPort)
	how := "DNAT"
	rules, have, err := k.natRules()
	switch {
	case err != nil:
		return broken(err)
	case have:
		for _, chain := range []string{"PREROUTING", "OUTPUT"} {
			if !slices.Contains(dnatRules(rules, chain), dnat{hostPort, to}) {
				return fail(c.x.redo(), "no-dnat", chain, hostPort, to, describeDNAT(dnatRules(rules, chain)))
			}
		}
	default: // no iptables on this host: dockling's userland proxy listens instead
		how = "proxy"
		if ok, err := listening(k, hostPort); err != nil {
			return broken(err)
		} else if !ok {
			return fail(c.x.redo(), "no-proxy", hostPort)
		}
	}
	addr := "127.0.0.1:" + strconv.Itoa(hostPort)
	if err := k.dial(addr); err != nil {
		return fail(c.x.redo(), "no-answer", addr, err)
	}
	return pass("pass-publish-port-"+how, c.x.Container, ip, bridge, peer.name, hostPort, to, addr)
}

// Step 6: /notes inside is the volume's directory on the host, and the
// file written inside is there.
func checkNamedVolume(k kernel, c found) verdict {
	const volume, target, file = "notes", "/notes", "todo"
	dir, err := k.volumeDir(volume)
	if err != nil {
		return broken(err)
	}
	if dir == "" {
		return fail(c.x.redo(), "no-volume", volume)
	}
	mi, err := k.readFile(proc(c.pid, "mountinfo"))
	if err != nil {
		return broken(err)
	}
	if _, ok := mountAt(parseMountinfo(string(mi)), target); !ok {
		return fail(c.x.redo(), "not-mounted", target, c.x.Container)
	}
	inside, err := k.stat(proc(c.pid, "root"+target))
	if err != nil {
		return broken(err)
	}
	vol, err := k.stat(dir)
	if err != nil {
		return broken(err)
	}
	if inside != vol {
		return fail(c.x.redo(), "wrong-mount", target, c.x.Container, dir, inside.String(), vol.String())
	}
	if ok, err := k.exists(filepath.Join(dir, file)); err != nil {
		return broken(err)
	} else if !ok {
		return fail(c.x.Setup[1], "no-volume-file", file, dir)
	}
	return pass("pass-named-volume", target, c.x.Container, volume, dir, file)
}

// namespaces reads which namespace of kind ns process pid is in, and which
// this process (the host's side) is in: "pid:[4026531836]".
func namespaces(k kernel, pid int, ns string) (inside, host string, err error) {
	if inside, err = k.readlink(proc(pid, "ns/"+ns)); err != nil {
		return "", "", err
	}
	host, err = k.readlink("/proc/self/ns/" + ns)
	return inside, host, err
}

// innerPID is the process's PID in its own (innermost) PID namespace: the
// last number of the NSpid line of /proc/PID/status.
func innerPID(k kernel, pid int) (string, error) {
	status, err := k.readFile(proc(pid, "status"))
	if err != nil {
		return "", err
	}
	for _, line := range strings.Split(string(status), "\n") {
		if rest, ok := strings.CutPrefix(line, "NSpid:"); ok {
			if f := strings.Fields(rest); len(f) > 0 {
				return f[len(f)-1], nil
			}
		}
	}
	// Kernels before 4.1 have no NSpid line.
	return "", errors.New("no NSpid line in " + proc(pid, "status") + " (kernel older than 4.1?)")
}

// memoryLimit reads the memory limit of cgroup dir: memory.max on v2,
// memory.limit_in_bytes on v1. -1 is no limit: "max" on v2, on v1 the
// largest page count the kernel allows (a number near 2^63), or no such
// file at all.
func memoryLimit(k kernel, dir string) (limit int64, file string, err error) {
	for _, file = range []string{"memory.max", "memory.limit_in_bytes"} {
		data, err := k.readFile(filepath.Join(dir, file))
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return 0, file, err
		}
		s := strings.TrimSpace(string(data))
		if s == "max" {
			return -1, file, nil
		}
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return 0, file, errors.New("read " + filepath.Join(dir, file) + ": " + strconv.Quote(s) + " is not a number")
		}
		if n >= 1<<62 {
			return -1, file, nil
		}
		return n, file, nil
	}
	// Neither file: the memory controller is not on for this cgroup (a v2
	// cgroup made without -m, or no v1 memory hierarchy), so no limit.
	return -1, "", nil
}
