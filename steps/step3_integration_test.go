//go:build integration

package steps_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/dockling/dockling/sandbox/cgroups"
)

// cgroupFile finds a controller's file for a process from the host, the way
// an admin would: /proc/PID/cgroup names the path, the mode names the tree.
func cgroupFile(t *testing.T, pid int, controller, file string) string {
	t.Helper()
	mode, err := cgroups.DetectMode("/sys/fs/cgroup")
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/cgroup", pid))
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		parts := strings.SplitN(line, ":", 3)
		if len(parts) != 3 {
			continue
		}
		if mode == cgroups.V2 && parts[0] == "0" {
			return filepath.Join("/sys/fs/cgroup", parts[2], file)
		}
		for _, c := range strings.Split(parts[1], ",") {
			if c == controller {
				return filepath.Join("/sys/fs/cgroup", parts[1], parts[2], file)
			}
		}
	}
	t.Fatalf("no %s cgroup for pid %d in:\n%s", controller, pid, b)
	return ""
}

func readTrim(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(b))
}

func TestIntegrationStep3OwnCgroupWithLimits(t *testing.T) {
	cmd := env.Command("step", "3", "-q", "-m", "64m", "--pids-limit", "50", "--cpus", "0.5", "--", "sleep", "30")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	pid := waitForChild(t, cmd.Process.Pid)

	memFile, maxFile, pidsFile := "memory.limit_in_bytes", "", "pids.max"
	mode, _ := cgroups.DetectMode("/sys/fs/cgroup")
	if mode == cgroups.V2 {
		memFile, maxFile = "memory.max", "cpu.max"
	}
	mem := cgroupFile(t, pid, "memory", memFile)
	if !strings.Contains(mem, "/dockling/step3-") {
		t.Errorf("container cgroup %s is not under dockling/step3-*", mem)
	}
	if got := readTrim(t, mem); got != strconv.Itoa(64<<20) {
		t.Errorf("%s = %s, want %d", mem, got, 64<<20)
	}
	if got := readTrim(t, cgroupFile(t, pid, "pids", pidsFile)); got != "50" {
		t.Errorf("pids.max = %s, want 50", got)
	}
	if mode == cgroups.V2 {
		if got := readTrim(t, cgroupFile(t, pid, "cpu", maxFile)); got != "50000 100000" {
			t.Errorf("cpu.max = %q, want 50000 100000", got)
		}
	} else if got := readTrim(t, cgroupFile(t, pid, "cpu", "cpu.cfs_quota_us")); got != "50000" {
		t.Errorf("cpu.cfs_quota_us = %s, want 50000", got)
	}

	// When the runner ends, so does the cgroup.
	dir := filepath.Dir(mem)
	_ = cmd.Process.Signal(syscall.SIGTERM)
	_ = syscall.Kill(pid, syscall.SIGKILL)
	_ = cmd.Wait()
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("cgroup %s still there after the step ended (%v)", dir, err)
	}
}

func waitForChild(t *testing.T, parent int) int {
	t.Helper()
	ours := func(exe string) bool { // dockling itself, or its child before exec
		return exe == filepath.Join(env.Bin, "dockling") || exe == filepath.Join(env.Bin, "dockling-init")
	}
	for end := time.Now().Add(10 * time.Second); time.Now().Before(end); time.Sleep(10 * time.Millisecond) {
		for _, c := range children(parent) {
			if exe, err := os.Readlink(fmt.Sprintf("/proc/%d/exe", c)); err == nil && !ours(exe) {
				return c
			}
		}
	}
	t.Fatal("the step's command never started")
	return 0
}

func TestIntegrationStep3OOMKill(t *testing.T) {
	r := env.Run(t, "step", "3", "-q", "-m", "32m", "--memory-swap", "32m", "--", "probe", "hog", "100m")
	if r.Code != 137 {
		t.Errorf("exit %d, want 137 (killed)\n%s", r.Code, r.Stderr)
	}
	if !strings.Contains(r.Stderr, "killed: out of memory in its cgroup, limit 32 MiB") {
		t.Errorf("dockling did not say it was an OOM kill:\n%s", r.Stderr)
	}
}

func TestIntegrationStep3PidsLimitRefusesForks(t *testing.T) {
	r := env.Run(t, "step", "3", "--pids-limit", "20", "--", "probe", "fork", "100")
	if r.Code != 4 {
		t.Errorf("probe fork 100 under --pids-limit 20: exit %d, want 4 (some refused)\n%s%s", r.Code, r.Stdout, r.Stderr)
	}
	if !strings.Contains(r.Stderr, "forks refused") {
		t.Errorf("usage summary does not count refused forks:\n%s", r.Stderr)
	}
}

func TestIntegrationStep3CPUThrottled(t *testing.T) {
	r := env.MustRun(t, "step", "3", "--cpus", "0.2", "--", "probe", "spin", "1s")
	var throttled, periods int
	i := strings.Index(r.Stderr, "throttled in ")
	if i < 0 {
		t.Fatalf("no throttling in the usage summary:\n%s", r.Stderr)
	}
	if _, err := fmt.Sscanf(r.Stderr[i:], "throttled in %d of %d periods", &throttled, &periods); err != nil || throttled == 0 {
		t.Errorf("throttled %d of %d periods (%v), want some:\n%s", throttled, periods, err, r.Stderr)
	}
}

func TestIntegrationStep3RunnerKilledLeavesNoCgroup(t *testing.T) {
	cmd := env.Command("step", "3", "-q", "--", "sleep", "30")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	pid := waitForChild(t, cmd.Process.Pid)
	dir := filepath.Dir(cgroupFile(t, pid, "pids", "cgroup.procs"))
	_ = cmd.Process.Kill() // SIGKILL: no chance to clean up
	_ = cmd.Wait()
	// The container dies with its runner (parent-death signal)...
	for end := time.Now().Add(5 * time.Second); time.Now().Before(end); time.Sleep(20 * time.Millisecond) {
		if syscall.Kill(pid, 0) != nil {
			break
		}
	}
	// ...and the next step run sweeps the empty cgroup it left.
	env.MustRun(t, "step", "3", "-q", "--", "true")
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("cgroup %s of the killed runner is still there", dir)
	}
}

func TestIntegrationStep3Script(t *testing.T) {
	// As on a machine where dockling never ran: no dockling/ parents. Making
	// the script makes them (it creates the cgroup to see what dockling
	// would write), and the script must still run afterwards.
	if _, err := cgroups.RemoveParents(nil); err != nil {
		t.Fatal(err)
	}
	script := env.MustRun(t, "step", "3", "-m", "48m", "--script", "--", "cat", "/proc/self/cgroup").Stdout
	path := filepath.Join(t.TempDir(), "step3.sh")
	if err := os.WriteFile(path, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	outb, err := exec.Command("bash", path).CombinedOutput()
	out := string(outb)
	if err != nil {
		t.Fatalf("bash step3.sh: %v\n%s\n%s", err, out, script)
	}
	if !strings.Contains(out, "/dockling/script3-") {
		t.Errorf("the script's container is not in a dockling cgroup:\n%s", out)
	}
}

func TestIntegrationStep3BadLimits(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"step", "3", "-m", "12q", "--", "true"}, `invalid memory "12q"`},
		{[]string{"step", "3", "--cpus", "0", "--", "true"}, "must be greater than 0"},
		{[]string{"step", "3", "-m", "4m", "--", "true"}, "too low"},
		{[]string{"step", "2", "-m", "64m", "--", "true"}, "arrive at step 3"},
	} {
		r := env.Run(t, c.args...)
		if r.Code == 0 || !strings.Contains(r.Stderr, c.want) || strings.Count(strings.TrimSpace(r.Stderr), "\n") != 0 {
			t.Errorf("dockling %s: exit %d, want one line with %q:\n%s", strings.Join(c.args, " "), r.Code, c.want, r.Stderr)
		}
	}
}
