package cgroups

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"golang.org/x/sys/unix"
)

// v2Wanted are the controllers a container cgroup gets on v2. CPU time is
// counted by every v2 cgroup (cpu.stat), so there is no cpuacct.
var v2Wanted = []string{"memory", "cpu", "pids"}

// v2Manager drives a container cgroup in the unified hierarchy: one
// directory holds every controller.
type v2Manager struct {
	*recorder
	name string
	dir  string
}

// unifiedMount is the cgroup2 mount, preferring /sys/fs/cgroup itself and
// then a mount of the tree's root.
func unifiedMount(h *host, hs []hierarchy) (hierarchy, error) {
	best := -1
	for i, hy := range hs {
		if !hy.V2 {
			continue
		}
		switch {
		case best < 0,
			hy.Mountpoint == h.path(cgroupRoot),
			hs[best].Mountpoint != h.path(cgroupRoot) && hs[best].Root != "/" && hy.Root == "/":
			best = i
		}
	}
	if best < 0 {
		return hierarchy{}, errors.New("no cgroup2 filesystem is mounted: mount it with \"mount -t cgroup2 none /sys/fs/cgroup\"")
	}
	return hs[best], nil
}

func newV2(h *host, hs []hierarchy, name string, l Limits) (Manager, error) {
	u, err := unifiedMount(h, hs)
	if err != nil {
		return nil, err
	}
	parent := filepath.Join(u.Mountpoint, parentName)
	m := &v2Manager{recorder: &recorder{h: h}, name: name, dir: filepath.Join(parent, name)}

	// Which controllers the kernel offers here. A controller can be used
	// in a cgroup only if its parent lists it in cgroup.subtree_control,
	// and a parent can list only what its own cgroup.controllers has.
	offered, err := readWords(filepath.Join(u.Mountpoint, "cgroup.controllers"))
	if err != nil {
		return nil, fmt.Errorf("read cgroup v2 controllers: %w", err)
	}
	for _, need := range neededControllers(l) {
		if !slices.Contains(offered, need) {
			return nil, fmt.Errorf("the %s controller is not available in cgroup v2 at %s (it offers: %s): enable it on the host or drop the %s limit",
				need, h.unprefix(u.Mountpoint), strings.Join(offered, " "), need)
		}
	}
	var enable []string
	for _, c := range v2Wanted {
		if slices.Contains(offered, c) {
			enable = append(enable, c)
		}
	}
	if err := m.create(u.Mountpoint, parent, enable, l); err != nil {
		if isExists(err) {
			// Another container's cgroup: not ours to kill or remove.
			return nil, err
		}
		return nil, errors.Join(err, m.Destroy())
	}
	return m, nil
}

// create enables the controllers down the chain root → dockling → <name>,
// makes the directories, and writes the limits.
//
// The "no internal processes" rule of v2: a cgroup that hands controllers
// to its children (subtree_control) may hold no processes itself, the root
// excepted. That is why the shared dockling directory only ever holds
// container directories, never a process.
func (m *v2Manager) create(root, parent string, enable []string, l Limits) error {
	if err := m.enableControllers(root, enable); err != nil {
		return err
	}
	if err := mkdirParent(m.recorder, parent); err != nil {
		return err
	}
	if err := m.enableControllers(parent, enable); err != nil {
		return err
	}
	if err := m.mkdir(m.dir); err != nil {
		if errors.Is(err, os.ErrExist) {
			return alreadyExists(m.name, m.h.unprefix(m.dir))
		}
		return err
	}
	if l.Memory > 0 {
		if err := m.write(filepath.Join(m.dir, "memory.max"), strconv.FormatInt(l.Memory, 10)); err != nil {
			return err
		}
		// v2 limits swap alone, not memory+swap as v1 and docker's
		// --memory-swap do, so convert. memory.swap.max is absent when
		// the kernel has no swap accounting.
		swapFile := filepath.Join(m.dir, "memory.swap.max")
		if total, set := l.swapTotal(); set && exists(swapFile) {
			swap := "max"
			if total >= 0 {
				swap = strconv.FormatInt(total-l.Memory, 10)
			}
			if err := m.write(swapFile, swap); err != nil {
				return err
			}
		}
	}
	if l.CPUs > 0 {
		// cpu.max holds "quota period" in one file, where v1 has two.
		if err := m.write(filepath.Join(m.dir, "cpu.max"), fmt.Sprintf("%d %d", l.cpuQuota(), cpuPeriod)); err != nil {
			return err
		}
	}
	if l.CPUShares > 0 {
		if err := m.write(filepath.Join(m.dir, "cpu.weight"), strconv.FormatInt(sharesToWeight(l.CPUShares), 10)); err != nil {
			return err
		}
	}
	if l.PidsLimit > 0 {
		if err := m.write(filepath.Join(m.dir, "pids.max"), strconv.FormatInt(l.PidsLimit, 10)); err != nil {
			return err
		}
	}
	return nil
}

// enableControllers writes "+memory +cpu +pids" (only those not enabled
// yet) into dir's cgroup.subtree_control.
func (m *v2Manager) enableControllers(dir string, want []string) error {
	file := filepath.Join(dir, "cgroup.subtree_control")
	have, err := readWords(file)
	if err != nil {
		return fmt.Errorf("read %s: %w", m.h.unprefix(file), err)
	}
	var add []string
	for _, c := range want {
		if !slices.Contains(have, c) {
			add = append(add, "+"+c)
		}
	}
	if len(add) == 0 {
		return nil
	}
	err = m.write(file, strings.Join(add, " "))
	if errors.Is(err, unix.EBUSY) {
		return fmt.Errorf("%w: %s holds processes (this one is in %s), and cgroup v2 lets only a cgroup without processes pass controllers to its children; move those processes into a child cgroup first",
			err, m.h.unprefix(dir), m.h.selfV2Path())
	}
	return err
}

// selfV2Path is the v2 cgroup of this process as /proc/self/cgroup names it
// ("0::/user.slice/..."). Inside a cgroup namespace it reads "/" although
// the process is not at the real root: the case where the rule above bites.
func (h *host) selfV2Path() string {
	cgs, err := parseSelfCgroup(h.path("/proc/self/cgroup"))
	if err != nil {
		return "an unknown cgroup"
	}
	for _, c := range cgs {
		if c.ID == 0 {
			return c.Path
		}
	}
	return "no v2 cgroup"
}

func loadV2(h *host, hs []hierarchy, name string) (Manager, error) {
	u, err := unifiedMount(h, hs)
	if err != nil {
		return nil, err
	}
	dir := filepath.Join(u.Mountpoint, parentName, name)
	if _, err := os.Stat(dir); err != nil {
		return nil, fmt.Errorf("no cgroup for container %q (looked at %s)", name, h.unprefix(dir))
	}
	return &v2Manager{recorder: &recorder{h: h}, name: name, dir: dir}, nil
}

func (m *v2Manager) Path() string { return m.h.unprefix(m.dir) }

func (m *v2Manager) Apply(pid int) error {
	if err := m.write(filepath.Join(m.dir, "cgroup.procs"), strconv.Itoa(pid)); err != nil {
		return fmt.Errorf("put pid %d in cgroup: %w", pid, err)
	}
	return nil
}

func (m *v2Manager) Procs() ([]int, error) {
	pids, err := readPids(m.dir)
	if err != nil {
		return nil, fmt.Errorf("list processes of %s: %w", m.Path(), err)
	}
	return pids, nil
}

func (m *v2Manager) Usage() (Usage, error) {
	var u Usage
	var errs []error
	read := func(dst *int64, file string) {
		n, _, err := readInt(filepath.Join(m.dir, file))
		*dst = n
		errs = append(errs, err)
	}
	keyed := func(file string) map[string]int64 {
		kv, err := readKeyed(filepath.Join(m.dir, file))
		errs = append(errs, err)
		return kv
	}
	read(&u.MemoryPeak, "memory.peak")
	read(&u.MemoryCurrent, "memory.current")
	u.OOMKills = keyed("memory.events")["oom_kill"]
	read(&u.Pids, "pids.current")
	read(&u.PidsPeak, "pids.peak")
	u.PidsRefused = keyed("pids.events")["max"]
	stat := keyed("cpu.stat") // microseconds on v2
	u.CPUUsage = time.Duration(stat["usage_usec"]) * time.Microsecond
	u.NrPeriods, u.NrThrottled = stat["nr_periods"], stat["nr_throttled"]
	u.ThrottledTime = time.Duration(stat["throttled_usec"]) * time.Microsecond
	if err := errors.Join(errs...); err != nil {
		return u, fmt.Errorf("read usage of container %q: %w", m.name, err)
	}
	return u, nil
}

// OOMKilled reads oom_kill from memory.events: how many processes in this
// cgroup (and below) the OOM killer chose.
func (m *v2Manager) OOMKilled() (bool, error) {
	ev, err := readKeyed(filepath.Join(m.dir, "memory.events"))
	if err != nil {
		return false, fmt.Errorf("read OOM state of container %q: %w", m.name, err)
	}
	return ev["oom_kill"] > 0, nil
}

func (m *v2Manager) Destroy() error { return destroyDir(m.recorder, m.dir, true) }

// readWords reads a space-separated list such as cgroup.controllers; "+"
// and "-" prefixes are dropped.
func readWords(path string) ([]string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, w := range strings.Fields(string(data)) {
		out = append(out, strings.TrimLeft(w, "+-"))
	}
	return out, nil
}
