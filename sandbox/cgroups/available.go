package cgroups

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"
)

// Available tells `dockling doctor` which controllers this host lets a
// container use, and the cgroup mode. Every key below is present; "io" and
// "blkio" are the v2 and v1 names of the same controller and read alike.
func Available() (map[string]bool, Mode, error) { return realHost.available() }

var reportedControllers = []string{"memory", "cpu", "cpuacct", "pids", "devices", "cpuset", "freezer", "io", "blkio"}

func (h *host) available() (map[string]bool, Mode, error) {
	hs, err := h.hierarchies()
	if err != nil {
		return nil, "", err
	}
	mode, err := h.mode(hs)
	if err != nil {
		return nil, "", err
	}
	out := map[string]bool{}
	for _, c := range reportedControllers {
		out[c] = false
	}
	if mode == V2 {
		u, err := unifiedMount(h, hs)
		if err != nil {
			return nil, mode, err
		}
		offered, err := readWords(filepath.Join(u.Mountpoint, "cgroup.controllers"))
		if err != nil {
			return nil, mode, err
		}
		for _, c := range offered {
			if _, ok := out[c]; ok {
				out[c] = true
			}
		}
		// v2 counts CPU time in every cgroup's cpu.stat: cpuacct is built in.
		out["cpuacct"] = true
		// v2 has no devices or freezer controller file: device access is
		// a BPF program attached to the cgroup, freezing is the core file
		// cgroup.freeze. Both exist when the kernel was built with them,
		// which /proc/cgroups still reports.
		built := h.kernelControllers()
		out["devices"], out["freezer"] = built["devices"], built["freezer"]
	} else {
		for _, hy := range hs {
			for _, c := range hy.Controllers {
				if _, ok := out[c]; ok && !hy.V2 {
					out[c] = true
				}
			}
		}
	}
	out["io"] = out["io"] || out["blkio"]
	out["blkio"] = out["io"]
	return out, mode, nil
}

// kernelControllers reads /proc/cgroups: the controllers compiled into the
// kernel and not disabled on its command line (cgroup_disable=).
func (h *host) kernelControllers() map[string]bool {
	out := map[string]bool{}
	f, err := os.Open(h.path("/proc/cgroups"))
	if err != nil {
		return out
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		// "#subsys_name hierarchy num_cgroups enabled"
		fs := strings.Fields(sc.Text())
		if len(fs) == 4 && !strings.HasPrefix(fs[0], "#") {
			out[fs[0]] = fs[3] == "1"
		}
	}
	return out
}
