package cgroups

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Helpers to read the kernel's interface files. Two formats cover them all:
// a single value ("16777216", or "max" for no limit) and "key value" lines
// (memory.events, cpu.stat, memory.oom_control, pids.events).

// readInt reads a single-number file; "max" reads as -1. A missing file is
// ok=false, not an error: older kernels lack newer files (pids.peak came in
// 6.1 on v1 and 6.13 on v2; memory.peak in 5.19).
func readInt(path string) (n int64, ok bool, err error) {
	data, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, err
	}
	s := strings.TrimSpace(string(data))
	if s == "max" {
		return -1, true, nil
	}
	n, err = strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, false, fmt.Errorf("read %s: %q is not a number", path, s)
	}
	return n, true, nil
}

// readKeyed reads a file of "key value" lines into a map. A missing file is
// an empty map.
func readKeyed(path string) (map[string]int64, error) {
	f, err := os.Open(path)
	if os.IsNotExist(err) {
		return map[string]int64{}, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	out := map[string]int64{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(strings.TrimSpace(sc.Text()), " ")
		if !ok {
			continue
		}
		if n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64); err == nil {
			out[k] = n
		}
	}
	return out, sc.Err()
}

// readPids reads cgroup.procs: one process ID per line.
func readPids(dir string) ([]int, error) {
	data, err := os.ReadFile(filepath.Join(dir, "cgroup.procs"))
	if err != nil {
		return nil, err
	}
	var pids []int
	for _, f := range strings.Fields(string(data)) {
		pid, err := strconv.Atoi(f)
		if err != nil {
			return nil, fmt.Errorf("read %s/cgroup.procs: %q is not a pid", dir, f)
		}
		pids = append(pids, pid)
	}
	return pids, nil
}

// exists tells whether an interface file is there, which is how a program
// asks the kernel whether a feature (swap accounting, cgroup.kill) exists.
func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}
