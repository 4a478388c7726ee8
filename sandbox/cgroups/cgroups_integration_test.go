//go:build integration

package cgroups

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// These tests make real cgroups on the host they run on: hybrid on the
// build machines, v2 inside the qemu VM (make test-cgroup2). They check the
// kernel's own files, not what the package believes it wrote. Set
// DOCKLING_EXPECT_CGROUP_MODE=v2 to also assert the mode (the VM does).

var testSeq atomic.Int32

// testName is unique per test run, so parallel runs and other packages'
// containers are never touched.
func testName() string {
	return fmt.Sprintf("itest-%d-%d", os.Getpid(), testSeq.Add(1))
}

func TestMain(m *testing.M) {
	before := map[string]bool{}
	for _, p := range Parents() {
		before[p] = true
	}
	code := m.Run()
	if leaks := leakedTestCgroups(); len(leaks) > 0 {
		fmt.Fprintf(os.Stderr, "cgroups leaked by this test run: %v\n", leaks)
		code = 1
	}
	// The dockling/ parents this run made go again.
	if _, err := RemoveParents(func(p string) bool { return before[p] }); err != nil {
		fmt.Fprintln(os.Stderr, err)
		code = 1
	}
	for _, p := range Parents() {
		if !before[p] {
			fmt.Fprintf(os.Stderr, "dockling parent cgroup left by this test run: %s\n", p)
			code = 1
		}
	}
	os.Exit(code)
}

// leakedTestCgroups lists this run's cgroups still present in any hierarchy.
func leakedTestCgroups() []string {
	hs, err := realHost.hierarchies()
	if err != nil {
		return []string{err.Error()}
	}
	pattern := fmt.Sprintf("itest-%d-*", os.Getpid())
	var out []string
	for _, h := range hs {
		found, _ := filepath.Glob(filepath.Join(h.Mountpoint, parentName, pattern))
		out = append(out, found...)
	}
	return out
}

// newTest creates a cgroup and destroys it when the test ends, failed or not.
func newTest(t *testing.T, l Limits) Manager {
	t.Helper()
	m, err := New(testName(), l)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() {
		if err := m.Destroy(); err != nil {
			t.Errorf("Destroy: %v", err)
		}
	})
	return m
}

// startHeld starts sh -c script, held before the script until release is
// called, so it runs entirely inside the cgroup it is put in meanwhile.
func startHeld(t *testing.T, script string) (cmd *exec.Cmd, release func()) {
	t.Helper()
	cmd = exec.Command("sh", "-c", "read go; "+script)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start sh: %v", err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	return cmd, func() {
		_, _ = io.WriteString(stdin, "go\n")
		_ = stdin.Close()
	}
}

// controllerDir is where the kernel keeps controller c's files for m.
func controllerDir(t *testing.T, m Manager, c string) string {
	t.Helper()
	switch m := m.(type) {
	case *v2Manager:
		return m.dir
	case *v1Manager:
		if d := m.dir(c); d != "" {
			return d
		}
	}
	t.Fatalf("no %s directory for %s", c, m.Path())
	return ""
}

func readKernel(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read kernel file: %v", err)
	}
	return strings.TrimSpace(string(data))
}

func TestIntegrationModeAndAvailable(t *testing.T) {
	hs, err := realHost.hierarchies()
	if err != nil {
		t.Fatal(err)
	}
	statfsMode, err := DetectMode(cgroupRoot)
	if err != nil {
		t.Fatal(err)
	}
	if fromMounts, err := modeFromMounts(hs, cgroupRoot); err != nil || fromMounts != statfsMode {
		t.Errorf("statfs says %s, mountinfo says %s (%v)", statfsMode, fromMounts, err)
	}
	if want := os.Getenv("DOCKLING_EXPECT_CGROUP_MODE"); want != "" && string(statfsMode) != want {
		t.Errorf("mode %s; this machine should be %s", statfsMode, want)
	}
	avail, mode, err := Available()
	if err != nil || mode != statfsMode {
		t.Fatalf("Available: %v, mode %s", err, mode)
	}
	for _, c := range []string{"memory", "cpu", "pids"} {
		if !avail[c] {
			t.Errorf("%s controller not available: %v", c, avail)
		}
	}
	t.Logf("mode %s, controllers %v", mode, avail)
}

func TestIntegrationLimitsReachTheKernel(t *testing.T) {
	name := testName()
	m, err := New(name, Limits{Memory: 32 << 20, CPUs: 0.5, CPUShares: 512, PidsLimit: 20})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = m.Destroy() })
	sleep := exec.Command("sleep", "30")
	if err := sleep.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sleep.Process.Kill(); _ = sleep.Wait() })
	if err := m.Apply(sleep.Process.Pid); err != nil {
		t.Fatal(err)
	}

	mem, cpu, pids := controllerDir(t, m, "memory"), controllerDir(t, m, "cpu"), controllerDir(t, m, "pids")
	if _, v2 := m.(*v2Manager); v2 {
		check(t, filepath.Join(mem, "memory.max"), "33554432")
		check(t, filepath.Join(cpu, "cpu.max"), "50000 100000")
		check(t, filepath.Join(cpu, "cpu.weight"), "20")
	} else {
		check(t, filepath.Join(mem, "memory.limit_in_bytes"), "33554432")
		check(t, filepath.Join(cpu, "cpu.cfs_quota_us"), "50000")
		check(t, filepath.Join(cpu, "cpu.shares"), "512")
	}
	check(t, filepath.Join(pids, "pids.max"), "20")

	// The kernel's view from the process side: every line naming a
	// controller we use points into dockling/<name>.
	own := readKernel(t, fmt.Sprintf("/proc/%d/cgroup", sleep.Process.Pid))
	for _, c := range []string{"memory", "pids"} {
		if !cgroupLineHas(own, c, "/"+parentName+"/"+name) {
			t.Errorf("/proc/%d/cgroup does not put %s in /%s/%s:\n%s", sleep.Process.Pid, c, parentName, name, own)
		}
	}
	procs, err := m.Procs()
	if err != nil || len(procs) != 1 || procs[0] != sleep.Process.Pid {
		t.Errorf("Procs() = %v, %v; want [%d]", procs, err, sleep.Process.Pid)
	}

	// Destroy kills the sleep and leaves no directory behind.
	if err := m.Destroy(); err != nil {
		t.Fatal(err)
	}
	if err := sleep.Wait(); err == nil {
		t.Error("sleep was not killed by Destroy")
	}
	for _, d := range []string{mem, cpu, pids} {
		if _, err := os.Stat(d); !os.IsNotExist(err) {
			t.Errorf("%s still exists after Destroy", d)
		}
	}
	if err := m.Destroy(); err != nil {
		t.Errorf("second Destroy: %v", err)
	}
	if _, err := Load(name); err == nil {
		t.Error("Load found a destroyed cgroup")
	}
}

// cgroupLineHas reports whether /proc/PID/cgroup puts controller c (or, on
// v2, the single "0::" line) under path.
func cgroupLineHas(procCgroup, c, path string) bool {
	for _, line := range strings.Split(procCgroup, "\n") {
		parts := strings.SplitN(line, ":", 3)
		if len(parts) != 3 || !strings.HasSuffix(parts[2], path) {
			continue
		}
		if parts[0] == "0" || strings.Contains(","+parts[1]+",", ","+c+",") {
			return true
		}
	}
	return false
}

func check(t *testing.T, path, want string) {
	t.Helper()
	if got := readKernel(t, path); got != want {
		t.Errorf("%s = %q; want %q", path, got, want)
	}
}

func TestIntegrationOOMKill(t *testing.T) {
	m := newTest(t, Limits{Memory: 16 << 20})
	// tail must keep the last line, and /dev/zero has no newline: it
	// buffers all 64 MiB, four times the limit.
	cmd, release := startHeld(t, "head -c 64m /dev/zero | tail > /dev/null")
	if err := m.Apply(cmd.Process.Pid); err != nil {
		t.Fatal(err)
	}
	release()
	err := cmd.Wait()
	var exit *exec.ExitError
	if !errors.As(err, &exit) {
		t.Fatalf("the hog was not stopped: %v", err)
	}
	oom, err := m.OOMKilled()
	if err != nil || !oom {
		t.Errorf("OOMKilled() = %v, %v; want true (sh exited with %v)", oom, err, exit)
	}
	u, err := m.Usage()
	if err != nil {
		t.Fatal(err)
	}
	if u.OOMKills < 1 || u.MemoryPeak > 16<<20 || u.MemoryPeak < 8<<20 {
		t.Errorf("usage after OOM: %+v; want an oom kill and a peak near 16 MiB", u)
	}
}

func TestIntegrationPidsLimitRefusesForks(t *testing.T) {
	m := newTest(t, Limits{PidsLimit: 5})
	cmd, release := startHeld(t, "for i in 1 2 3 4 5 6 7 8 9 10; do sleep 20 & done; wait")
	if err := m.Apply(cmd.Process.Pid); err != nil {
		t.Fatal(err)
	}
	release()
	_ = cmd.Wait() // sh gives up at the first fork the kernel refuses
	u, err := m.Usage()
	if err != nil {
		t.Fatal(err)
	}
	if u.PidsRefused < 1 {
		t.Errorf("no fork refused: %+v", u)
	}
	if u.PidsPeak > 5 || u.Pids > 5 {
		t.Errorf("more than 5 processes: %+v", u)
	}
	// The sleeps that did start are still inside; Destroy (in Cleanup) kills them.
	if procs, err := m.Procs(); err != nil || len(procs) == 0 {
		t.Errorf("Procs() = %v, %v; want the surviving sleeps", procs, err)
	}
}

func TestIntegrationCPUQuotaThrottles(t *testing.T) {
	m := newTest(t, Limits{CPUs: 0.1})
	cmd, release := startHeld(t, "while :; do :; done")
	if err := m.Apply(cmd.Process.Pid); err != nil {
		t.Fatal(err)
	}
	release()
	time.Sleep(700 * time.Millisecond)
	u, err := m.Usage()
	if err != nil {
		t.Fatal(err)
	}
	if u.NrThrottled < 1 || u.CPUUsage <= 0 {
		t.Errorf("a busy loop at 0.1 CPU was not throttled: %+v", u)
	}
	// 0.1 CPU for 0.7 s is 70 ms; allow the last period's slack.
	if u.CPUUsage > 200*time.Millisecond {
		t.Errorf("CPU usage %v is far above the 0.1 CPU quota", u.CPUUsage)
	}
}

func TestIntegrationLoadReattaches(t *testing.T) {
	name := testName()
	m, err := New(name, Limits{PidsLimit: 10})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = m.Destroy() })
	sleep := exec.Command("sleep", "30")
	if err := sleep.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sleep.Process.Kill(); _ = sleep.Wait() })
	if err := m.Apply(sleep.Process.Pid); err != nil {
		t.Fatal(err)
	}
	// As after kill -9 of the runner: a fresh process finds the cgroup by name.
	again, err := Load(name)
	if err != nil {
		t.Fatal(err)
	}
	if again.Path() != m.Path() {
		t.Errorf("Load path %s; New path %s", again.Path(), m.Path())
	}
	if err := again.Destroy(); err != nil {
		t.Fatal(err)
	}
	if err := sleep.Wait(); err == nil {
		t.Error("sleep survived Destroy of the loaded cgroup")
	}
	if _, err := os.Stat(again.Path()); !os.IsNotExist(err) {
		t.Errorf("%s remains", again.Path())
	}
}
