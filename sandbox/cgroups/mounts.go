package cgroups

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"
)

// hierarchy is one mounted cgroup tree as /proc/self/mountinfo shows it.
// On v1 every hierarchy carries its own set of controllers ("memory", or
// "cpu,cpuacct" on CentOS 7); on v2 there is one tree and the controllers
// are listed in its cgroup.controllers file instead.
type hierarchy struct {
	Mountpoint  string   // where the tree is mounted, e.g. /sys/fs/cgroup/memory
	Root        string   // which cgroup of the tree is mounted there ("/" unless a namespace or bind mount)
	V2          bool     // a cgroup2 mount
	Controllers []string // v1 only: controllers bound to this hierarchy
}

// has reports whether controller c is bound to this v1 hierarchy.
func (h hierarchy) has(c string) bool {
	for _, x := range h.Controllers {
		if x == c {
			return true
		}
	}
	return false
}

// v1Controllers are the names a v1 mount can carry in its super options; the
// other options there (rw, relatime, clone_children, ...) are not controllers.
var v1Controllers = map[string]bool{
	"cpu": true, "cpuacct": true, "cpuset": true, "memory": true, "devices": true,
	"freezer": true, "net_cls": true, "net_prio": true, "blkio": true,
	"perf_event": true, "hugetlb": true, "pids": true, "rdma": true, "misc": true,
}

// parseMountinfo returns every cgroup and cgroup2 mount in a mountinfo file.
// A line looks like:
//
//	35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory
//
// fields: id, parent, dev, root, mountpoint, options, optional tags, "-",
// filesystem type, source, super options.
func parseMountinfo(path string) ([]hierarchy, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read mount table: %w", err)
	}
	defer f.Close()
	var out []hierarchy
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for sc.Scan() {
		line := sc.Text()
		left, right, ok := strings.Cut(line, " - ")
		if !ok {
			continue
		}
		lf, rf := strings.Fields(left), strings.Fields(right)
		if len(lf) < 5 || len(rf) < 3 {
			continue
		}
		h := hierarchy{Root: unescapeMount(lf[3]), Mountpoint: unescapeMount(lf[4])}
		switch rf[0] {
		case "cgroup2":
			h.V2 = true
		case "cgroup":
			for _, opt := range strings.Split(rf[2], ",") {
				if v1Controllers[opt] || strings.HasPrefix(opt, "name=") {
					h.Controllers = append(h.Controllers, opt)
				}
			}
		default:
			continue
		}
		out = append(out, h)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	return out, nil
}

// unescapeMount undoes the octal escapes (\040 for a space) the kernel puts
// in mountinfo paths.
func unescapeMount(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+3 < len(s) {
			if n, err := strconv.ParseUint(s[i+1:i+4], 8, 8); err == nil {
				b.WriteByte(byte(n))
				i += 3
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// selfCgroup is one line of /proc/self/cgroup: "4:memory:/process_api/dd90".
// The ID is 0 and Controllers empty for the v2 tree.
type selfCgroup struct {
	ID          int
	Controllers []string
	Path        string
}

// parseSelfCgroup reads which cgroup the current process is in, per
// hierarchy. The runner is often not at the root (systemd puts a login shell
// in a session scope; this build machine puts it in /process_api/...), which
// is why nothing here derives paths from it.
func parseSelfCgroup(path string) ([]selfCgroup, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read own cgroups: %w", err)
	}
	var out []selfCgroup
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		parts := strings.SplitN(line, ":", 3)
		if len(parts) != 3 {
			continue
		}
		id, err := strconv.Atoi(parts[0])
		if err != nil {
			continue
		}
		c := selfCgroup{ID: id, Path: parts[2]}
		if parts[1] != "" {
			c.Controllers = strings.Split(parts[1], ",")
		}
		out = append(out, c)
	}
	return out, nil
}

// modeFromMounts tells the layout from the mount table: the same answer
// DetectMode gets from statfs, used when /sys/fs/cgroup is not where the
// trees are (old hosts mounted them at /cgroup) and for fake test trees.
func modeFromMounts(hs []hierarchy, cgroupRoot string) (Mode, error) {
	var v1, v2, v2AtRoot bool
	for _, h := range hs {
		switch {
		case h.V2 && h.Mountpoint == cgroupRoot:
			v2AtRoot = true
		case h.V2:
			v2 = true
		case len(h.Controllers) > 0 && !onlyNamed(h.Controllers):
			v1 = true
		}
	}
	switch {
	case v2AtRoot:
		return V2, nil
	case v1 && v2:
		return Hybrid, nil
	case v1:
		return V1, nil
	case v2:
		return V2, nil
	}
	return "", fmt.Errorf("no cgroup filesystem is mounted: mount one with \"mount -t cgroup2 none /sys/fs/cgroup\"")
}

// onlyNamed is true for hierarchies like name=systemd that hold no controller.
func onlyNamed(cs []string) bool {
	for _, c := range cs {
		if !strings.HasPrefix(c, "name=") {
			return false
		}
	}
	return true
}
