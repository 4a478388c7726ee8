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
)

// v1Wanted are the v1 controllers a container joins: three that limit, and
// cpuacct, which counts CPU time. Whether cpu and cpuacct share a hierarchy
// ("cpu,cpuacct" on CentOS 7) or not (this build machine) is read from the
// mount table.
var v1Wanted = []string{"memory", "cpu", "cpuacct", "pids"}

// v1Dir is the container's directory in one v1 hierarchy.
type v1Dir struct {
	controllers []string
	dir         string
}

// v1Manager drives a container cgroup spread over several v1 hierarchies.
type v1Manager struct {
	*recorder
	name string
	dirs []v1Dir
}

// v1Hierarchies picks, for each wanted controller (and each extra one), the
// hierarchy that has it. A hierarchy mounted twice (bind mounts in a
// container) is used once, preferring the mount of its root cgroup.
func v1Hierarchies(hs []hierarchy, extra ...string) []hierarchy {
	var out []hierarchy
	for _, c := range append(slices.Clone(v1Wanted), extra...) {
		best := -1
		for i, h := range hs {
			if h.V2 || !h.has(c) {
				continue
			}
			if best < 0 || (hs[best].Root != "/" && h.Root == "/") {
				best = i
			}
		}
		if best >= 0 && !slices.ContainsFunc(out, func(h hierarchy) bool { return h.Mountpoint == hs[best].Mountpoint }) {
			out = append(out, hs[best])
		}
	}
	return out
}

func newV1(h *host, hs []hierarchy, name string, l Limits) (Manager, error) {
	m := &v1Manager{recorder: &recorder{h: h}, name: name}
	var extra []string
	if l.Devices != nil {
		// Only containers that ask for device rules (dockling run) join
		// the devices hierarchy; the steps' cgroups stay as they were.
		extra = append(extra, "devices")
	}
	for _, hy := range v1Hierarchies(hs, extra...) {
		m.dirs = append(m.dirs, v1Dir{controllers: hy.Controllers, dir: filepath.Join(hy.Mountpoint, parentName, name)})
	}
	for _, need := range neededControllers(l) {
		if m.dir(need) == "" {
			return nil, fmt.Errorf("the %s cgroup controller is not mounted, so the %s limit cannot be set: mount it (mount -t cgroup -o %s cgroup /sys/fs/cgroup/%s) or drop the limit",
				need, need, need, need)
		}
	}
	if err := m.create(l); err != nil {
		// Leave nothing half made behind.
		return nil, errors.Join(err, m.Destroy())
	}
	return m, nil
}

// neededControllers are the controllers the given limits need.
func neededControllers(l Limits) []string {
	var out []string
	if l.Memory > 0 {
		out = append(out, "memory")
	}
	if l.CPUs > 0 || l.CPUShares > 0 {
		out = append(out, "cpu")
	}
	if l.PidsLimit > 0 {
		out = append(out, "pids")
	}
	if l.Devices != nil {
		out = append(out, "devices")
	}
	return out
}

func (m *v1Manager) create(l Limits) error {
	for i, d := range m.dirs {
		if err := mkdirParent(m.recorder, filepath.Dir(d.dir)); err != nil {
			m.dirs = m.dirs[:i] // the rest were never made
			return err
		}
		if err := m.mkdir(d.dir); err != nil {
			// This one and the rest are not ours: the cleanup after
			// this error must not empty another container's cgroup.
			m.dirs = m.dirs[:i]
			if errors.Is(err, os.ErrExist) {
				return alreadyExists(m.name, m.h.unprefix(d.dir))
			}
			return err
		}
	}
	if dir := m.dir("memory"); dir != "" && l.Memory > 0 {
		if err := m.write(filepath.Join(dir, "memory.limit_in_bytes"), strconv.FormatInt(l.Memory, 10)); err != nil {
			return err
		}
		// memory.memsw.* exists only where the kernel accounts swap per
		// cgroup (CONFIG_MEMCG_SWAP, and swapaccount=1 on Debian kernels
		// before 6.1). It limits memory+swap, docker's --memory-swap.
		// It must be written after memory.limit_in_bytes: the kernel
		// refuses a memsw limit below the memory limit.
		memsw := filepath.Join(dir, "memory.memsw.limit_in_bytes")
		if total, set := l.swapTotal(); set && exists(memsw) {
			if err := m.write(memsw, strconv.FormatInt(total, 10)); err != nil {
				return err
			}
		}
	}
	if dir := m.dir("cpu"); dir != "" {
		if l.CPUs > 0 {
			if err := m.write(filepath.Join(dir, "cpu.cfs_period_us"), strconv.Itoa(cpuPeriod)); err != nil {
				return err
			}
			if err := m.write(filepath.Join(dir, "cpu.cfs_quota_us"), strconv.FormatInt(l.cpuQuota(), 10)); err != nil {
				return err
			}
		}
		if l.CPUShares > 0 {
			if err := m.write(filepath.Join(dir, "cpu.shares"), strconv.FormatInt(l.CPUShares, 10)); err != nil {
				return err
			}
		}
	}
	if dir := m.dir("pids"); dir != "" && l.PidsLimit > 0 {
		if err := m.write(filepath.Join(dir, "pids.max"), strconv.FormatInt(l.PidsLimit, 10)); err != nil {
			return err
		}
	}
	if dir := m.dir("devices"); dir != "" && l.Devices != nil {
		// Deny everything first, then open the holes: an allow-list, so a
		// device the list forgot stays closed. The kernel checks these
		// rules at mknod(2) and at open(2) of a device node, whatever its
		// file permissions say and whoever the caller is, root included.
		if err := m.write(filepath.Join(dir, "devices.deny"), "a"); err != nil {
			return err
		}
		for _, rule := range l.Devices {
			if err := m.write(filepath.Join(dir, "devices.allow"), rule); err != nil {
				return err
			}
		}
	}
	return nil
}

// mkdirParent makes the shared dockling directory unless it is there. Two
// runners may race to make it; losing that race is fine.
func mkdirParent(rec *recorder, parent string) error {
	if _, err := os.Stat(parent); err == nil {
		return nil
	}
	if err := rec.mkdir(parent); err != nil && !errors.Is(err, os.ErrExist) {
		return err
	}
	return nil
}

func loadV1(h *host, hs []hierarchy, name string) (Manager, error) {
	m := &v1Manager{recorder: &recorder{h: h}, name: name}
	var looked []string
	// devices too: it is there only if the container asked for device
	// rules, and a directory that is not there is skipped below.
	for _, hy := range v1Hierarchies(hs, "devices") {
		dir := filepath.Join(hy.Mountpoint, parentName, name)
		looked = append(looked, h.unprefix(dir))
		if _, err := os.Stat(dir); err == nil {
			m.dirs = append(m.dirs, v1Dir{controllers: hy.Controllers, dir: dir})
		}
	}
	if len(m.dirs) == 0 {
		return nil, fmt.Errorf("no cgroup for container %q (looked at %s)", name, strings.Join(looked, ", "))
	}
	return m, nil
}

// dir is the container's directory in the hierarchy holding controller c,
// or "" if none does.
func (m *v1Manager) dir(c string) string {
	for _, d := range m.dirs {
		if slices.Contains(d.controllers, c) {
			return d.dir
		}
	}
	return ""
}

func (m *v1Manager) Path() string {
	if d := m.dir("memory"); d != "" {
		return m.h.unprefix(d)
	}
	return m.h.unprefix(m.dirs[0].dir)
}

// Apply writes pid into cgroup.procs of every hierarchy: on v1 each
// hierarchy places a process on its own, so missing one would leave that
// controller's limit unapplied.
func (m *v1Manager) Apply(pid int) error {
	for _, d := range m.dirs {
		if err := m.write(filepath.Join(d.dir, "cgroup.procs"), strconv.Itoa(pid)); err != nil {
			return fmt.Errorf("put pid %d in cgroup: %w", pid, err)
		}
	}
	return nil
}

func (m *v1Manager) Procs() ([]int, error) {
	var all []int
	for _, d := range m.dirs {
		pids, err := readPids(d.dir)
		if err != nil {
			return nil, fmt.Errorf("list processes of %s: %w", m.h.unprefix(d.dir), err)
		}
		all = append(all, pids...)
	}
	slices.Sort(all)
	return slices.Compact(all), nil
}

func (m *v1Manager) Usage() (Usage, error) {
	var u Usage
	var errs []error
	read := func(dst *int64, dir, file string) {
		if dir == "" {
			return
		}
		n, _, err := readInt(filepath.Join(dir, file))
		*dst = n
		errs = append(errs, err)
	}
	keyed := func(dir, file string) map[string]int64 {
		if dir == "" {
			return map[string]int64{}
		}
		kv, err := readKeyed(filepath.Join(dir, file))
		errs = append(errs, err)
		return kv
	}
	mem, pids := m.dir("memory"), m.dir("pids")
	read(&u.MemoryPeak, mem, "memory.max_usage_in_bytes")
	read(&u.MemoryCurrent, mem, "memory.usage_in_bytes")
	u.OOMKills = keyed(mem, "memory.oom_control")["oom_kill"]
	read(&u.Pids, pids, "pids.current")
	read(&u.PidsPeak, pids, "pids.peak")
	u.PidsRefused = keyed(pids, "pids.events")["max"]
	var ns int64
	read(&ns, m.dir("cpuacct"), "cpuacct.usage") // nanoseconds
	u.CPUUsage = time.Duration(ns)
	stat := keyed(m.dir("cpu"), "cpu.stat")
	u.NrPeriods, u.NrThrottled = stat["nr_periods"], stat["nr_throttled"]
	u.ThrottledTime = time.Duration(stat["throttled_time"]) // nanoseconds on v1
	if err := errors.Join(errs...); err != nil {
		return u, fmt.Errorf("read usage of container %q: %w", m.name, err)
	}
	return u, nil
}

// OOMKilled reads oom_kill from memory.oom_control (kernel 4.13+). Older
// kernels (CentOS 7's 3.10) have no such counter; there memory.failcnt > 0,
// the number of times usage hit the limit, is the best hint left: at the
// limit the kernel first reclaims, then kills.
func (m *v1Manager) OOMKilled() (bool, error) {
	dir := m.dir("memory")
	if dir == "" {
		return false, nil
	}
	ctl, err := readKeyed(filepath.Join(dir, "memory.oom_control"))
	if err != nil {
		return false, fmt.Errorf("read OOM state of container %q: %w", m.name, err)
	}
	if n, ok := ctl["oom_kill"]; ok {
		return n > 0, nil
	}
	fail, _, err := readInt(filepath.Join(dir, "memory.failcnt"))
	if err != nil {
		return false, fmt.Errorf("read OOM state of container %q: %w", m.name, err)
	}
	return fail > 0, nil
}

// Destroy empties and removes the directory in every hierarchy.
func (m *v1Manager) Destroy() error {
	var errs []error
	for _, d := range m.dirs {
		errs = append(errs, destroyDir(m.recorder, d.dir, false))
	}
	return errors.Join(errs...)
}
