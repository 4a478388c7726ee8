package hostcheck

import (
	"bufio"
	"fmt"
	"os"
	"sort"
	"strings"

	"github.com/dockling/dockling/sandbox/cgroups"
)

// requiredControllers are the limits step 3 demonstrates: memory (OOM kill
// at the limit), cpu (throttling) and pids (a fork bomb stopped).
var requiredControllers = []string{"memory", "cpu", "pids"}

// v1Controller is one row of /proc/cgroups.
type v1Controller struct {
	Name      string
	Hierarchy int  // 0: not mounted as a v1 hierarchy (unused, or on v2)
	Enabled   bool // false when cgroup_disable=<name> is on the command line
}

// readProcCgroups parses /proc/cgroups:
//
//	#subsys_name	hierarchy	num_cgroups	enabled
//	cpu	4	1	1
func readProcCgroups(path string) ([]v1Controller, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []v1Controller
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fs := strings.Fields(sc.Text())
		if len(fs) != 4 || strings.HasPrefix(fs[0], "#") {
			continue
		}
		var hier int
		if _, err := fmt.Sscan(fs[1], &hier); err != nil {
			return nil, fmt.Errorf("%s: hierarchy of %s: %w", path, fs[0], err)
		}
		out = append(out, v1Controller{Name: fs[0], Hierarchy: hier, Enabled: fs[3] == "1"})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	return out, nil
}

// v1Groups lists the enabled controllers, joining those that share one
// hierarchy the way their mount point is named ("cpu,cpuacct" on CentOS 7).
func v1Groups(cs []v1Controller) (groups []string, available map[string]bool) {
	available = map[string]bool{}
	byHierarchy := map[int][]string{}
	var order []int
	for _, c := range cs {
		if !c.Enabled {
			continue
		}
		available[c.Name] = true
		if _, seen := byHierarchy[c.Hierarchy]; !seen {
			order = append(order, c.Hierarchy)
		}
		byHierarchy[c.Hierarchy] = append(byHierarchy[c.Hierarchy], c.Name)
	}
	for _, h := range order {
		names := byHierarchy[h]
		if h == 0 { // unmounted controllers are not combined with anything
			groups = append(groups, names...)
			continue
		}
		sort.Strings(names)
		groups = append(groups, strings.Join(names, ","))
	}
	return groups, available
}

// checkCgroups reports the cgroup layout and whether the controllers step 3
// needs are there. On v2 the root's cgroup.controllers lists them; on v1 and
// hybrid hosts /proc/cgroups does (its "enabled" column).
func checkCgroups(f facts) Result {
	r := Result{Name: "cgroups"}
	root := f.host.sys("fs/cgroup")
	mode, err := f.host.CgroupMode(root)
	if err != nil {
		r.Status = Warn
		r.Detail = fmt.Sprintf("cannot tell the cgroup layout: %v", err)
		r.Fix = "mount the cgroup tree: mount -t cgroup2 none /sys/fs/cgroup (systemd does this at boot)"
		return r
	}
	procCgroups, procErr := readProcCgroups(f.host.proc("cgroups"))

	var shown []string
	var available map[string]bool
	if mode == cgroups.V2 {
		words, err := readWords(f.host.sys("fs/cgroup/cgroup.controllers"))
		if err != nil {
			r.Status = Warn
			r.Detail = fmt.Sprintf("v2, but cannot read the controllers: %v", err)
			return r
		}
		shown, available = words, map[string]bool{}
		for _, w := range words {
			available[w] = true
		}
	} else {
		if procErr != nil {
			r.Status = Warn
			r.Detail = fmt.Sprintf("%s, but cannot read the controllers: %v", mode, procErr)
			return r
		}
		shown, available = v1Groups(procCgroups)
	}
	r.Detail = fmt.Sprintf("%s: %s", mode, strings.Join(shown, " "))

	var missing, fixes []string
	for _, c := range requiredControllers {
		if !available[c] {
			missing = append(missing, c)
			fixes = append(fixes, controllerFix(f, mode, c, procCgroups))
		}
	}
	if len(missing) > 0 {
		r.Status = Warn
		r.Detail += "; missing " + strings.Join(missing, " ") + " (its limits are skipped)"
		r.Fix = strings.Join(fixes, "; ")
	}
	return r
}

// controllerFix says how to get controller c, in order of likelihood: it was
// turned off on the kernel command line, it is held by a v1 hierarchy on a
// v2 host, or the kernel is too old or built without it.
func controllerFix(f facts, mode cgroups.Mode, c string, procCgroups []v1Controller) string {
	cmdline, _ := readTrimmed(f.host.proc("cmdline"))
	for _, arg := range strings.Fields(cmdline) {
		if v, ok := strings.CutPrefix(arg, "cgroup_disable="); ok && containsWord(strings.Split(v, ","), c) {
			return fmt.Sprintf("%s: remove %s from the kernel command line and reboot", c, arg)
		}
	}
	if mode == cgroups.V2 {
		for _, pc := range procCgroups {
			if pc.Name == c && pc.Hierarchy != 0 {
				return fmt.Sprintf("%s: a v1 hierarchy holds it; unmount it or put the whole host on v2: %s",
					c, f.distro.bootArg("systemd.unified_cgroup_hierarchy=1"))
			}
		}
	}
	switch c {
	case "memory":
		// Debian kernels before 5.x and Raspberry Pi kernels leave memory
		// off unless asked.
		return "memory: " + f.distro.bootArg("cgroup_enable=memory swapaccount=1")
	case "pids":
		return "pids: needs kernel 4.3+, or a CentOS 7 kernel with the backport: yum update kernel and reboot"
	}
	return fmt.Sprintf("%s: use a kernel built with this controller (CONFIG_CGROUP_SCHED for cpu)", c)
}

// readWords splits a one-line kernel file such as cgroup.controllers.
func readWords(path string) ([]string, error) {
	s, err := readTrimmed(path)
	if err != nil {
		return nil, err
	}
	return strings.Fields(s), nil
}

func containsWord(words []string, w string) bool {
	for _, x := range words {
		if x == w {
			return true
		}
	}
	return false
}
