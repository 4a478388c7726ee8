//go:build integration

package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/dockling/dockling/internal/compare"
	"github.com/dockling/dockling/internal/testenv"
)

// The real `dockling compare`, as a learner runs it: a plain process, a
// container and a VM booted under qemu (which CI installs for the cgroup v2
// tests; on this machine KVM fails and emulation must take over). Then with
// --json and --accel tcg, then with a $PATH that has no qemu. Nothing may be
// left behind: no qemu, no container, no temporary file, no mount or cgroup.
func TestIntegrationCompare(t *testing.T) {
	env := testenv.ForTest(t, false)
	qemusBefore := qemuProcesses()
	tmp := t.TempDir()
	compareRun := func(t *testing.T, path string, args ...string) (string, string) {
		t.Helper()
		cmd := env.Command(append([]string{"compare"}, args...)...)
		cmd.Env = append(cmd.Env, "TMPDIR="+tmp)
		if path != "" {
			cmd.Env = append(cmd.Env, "PATH="+path)
		}
		var out, errb bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errb
		if err := cmd.Run(); err != nil {
			t.Fatalf("dockling compare %v: %v\nstdout:\n%s\nstderr:\n%s", args, err, out.String(), errb.String())
		}
		return out.String(), errb.String()
	}

	t.Run("table", func(t *testing.T) {
		out, progress := compareRun(t, "", "--runs", "3")
		rows := tableRows(t, out)
		process, container, vm := rows["process"], rows["container (`dockling run`)"], rows["VM (qemu, emulation (tcg), 128 MiB)"]
		if process == nil || container == nil || vm == nil {
			t.Fatalf("want rows process, container and VM under emulation (tcg); got %q\n%s\nstderr:\n%s", keys(rows), out, progress)
		}
		within(t, "process start", cellDuration(t, process[0]), 10*time.Microsecond, time.Second)
		within(t, "container start", cellDuration(t, container[0]), time.Millisecond, 10*time.Second)
		within(t, "VM start", cellDuration(t, vm[0]), 100*time.Millisecond, 3*time.Minute)
		within(t, "process memory", cellBytes(t, process[1]), 100<<10, 64<<20)
		within(t, "container memory", cellBytes(t, container[1]), 100<<10, 64<<20)
		within(t, "VM memory", cellBytes(t, vm[1]), 32<<20, 4<<30)
		if cellDuration(t, vm[0]) <= cellDuration(t, container[0]) {
			t.Errorf("the VM booted (%s) no slower than the container started (%s)", vm[0], container[0])
		}
		if !regexp.MustCompile(`^\d+(\.\d)? MiB image, shared; \d+ KiB of its own$`).MatchString(container[2]) {
			t.Errorf("container disk cell %q", container[2])
		}
		if !regexp.MustCompile(`^\d+(\.\d)? MiB kernel \+ \d+(\.\d)? (MiB|KiB) initramfs$`).MatchString(vm[2]) {
			t.Errorf("VM disk cell %q", vm[2])
		}
		for _, want := range []string{"## What this means", "as long as the container to run its program", "**Emulation**"} {
			if !strings.Contains(out, want) {
				t.Errorf("output lacks %q:\n%s", want, out)
			}
		}
		if !strings.Contains(progress, "compare: booting a VM: qemu, emulation (tcg)") {
			t.Errorf("progress does not show the emulated boot:\n%s", progress)
		}
	})

	t.Run("json", func(t *testing.T) {
		out, _ := compareRun(t, "", "--json", "--runs", "2", "--accel", "tcg")
		var r compare.Result
		if err := json.Unmarshal([]byte(out), &r); err != nil {
			t.Fatalf("--json output is not a result: %v\n%s", err, out)
		}
		if r.Process.Runs != 2 || r.Container.Runs != 2 || r.VM.Runs != 1 {
			t.Errorf("runs: process %d, container %d, VM %d; want 2, 2, 1", r.Process.Runs, r.Container.Runs, r.VM.Runs)
		}
		if r.VM.Accel != compare.TCG || r.VM.AccelNote != "" || r.VM.MemoryMiB != 128 {
			t.Errorf("VM ran under %q (%q) with %d MiB; want tcg, as asked, 128 MiB", r.VM.Accel, r.VM.AccelNote, r.VM.MemoryMiB)
		}
		if r.Container.NotMeasured != "" || r.Container.CgroupCurrent <= 0 || r.Container.RuntimeRSS <= 0 ||
			r.Container.ImageBytes <= 0 || r.Container.OwnBytes <= 0 {
			t.Errorf("container measurements missing: %+v", r.Container)
		}
		if r.VM.KernelBytes < 1<<20 || r.VM.InitramfsBytes < 100<<10 || r.VM.Total < r.VM.Start {
			t.Errorf("VM measurements implausible: %+v", r.VM)
		}
	})

	t.Run("without qemu", func(t *testing.T) {
		out, _ := compareRun(t, t.TempDir(), "--runs", "1")
		rows := tableRows(t, out)
		if rows["process"] == nil || rows["container (`dockling run`)"] == nil {
			t.Errorf("without qemu the process and container are still measured:\n%s", out)
		}
		if vm := rows["VM (qemu)"]; vm == nil || !strings.HasPrefix(vm[0], "not measured: missing qemu (qemu-system-x86_64 is not in $PATH)") {
			t.Errorf("VM row %q, want it not measured for want of qemu:\n%s", vm, out)
		}
		if !strings.Contains(out, "## Measure the VM too") || !strings.Contains(out, "install ") || !strings.Contains(out, "qemu") {
			t.Errorf("output does not say what to install:\n%s", out)
		}
	})

	// Nothing left behind (testenv.ForTest checks mounts, cgroups and
	// dockling processes).
	if r := env.MustRun(t, "ps", "-a", "-q"); strings.TrimSpace(r.Stdout) != "" {
		t.Errorf("containers left behind: %s", r.Stdout)
	}
	if entries, _ := os.ReadDir(tmp); len(entries) > 0 {
		t.Errorf("%d temporary files left in TMPDIR, e.g. %s", len(entries), entries[0].Name())
	}
	for pid := range qemuProcesses() {
		if !qemusBefore[pid] {
			t.Errorf("qemu still running: %s", pid)
		}
	}
}

// qemuProcesses are the running processes whose program is a qemu.
func qemuProcesses() map[string]bool {
	out := map[string]bool{}
	exes, _ := filepath.Glob("/proc/[0-9]*/exe")
	for _, p := range exes {
		if exe, err := os.Readlink(p); err == nil && strings.Contains(filepath.Base(exe), "qemu") {
			out[filepath.Dir(p)+" "+exe] = true
		}
	}
	return out
}

// tableRows reads the Markdown table: first cell → the other three.
func tableRows(t *testing.T, out string) map[string][]string {
	t.Helper()
	rows := map[string][]string{}
	for _, line := range strings.Split(out, "\n") {
		if !strings.HasPrefix(line, "| ") || strings.HasPrefix(line, "| |") {
			continue
		}
		cells := strings.Split(strings.Trim(line, "|"), "|")
		for i := range cells {
			cells[i] = strings.TrimSpace(cells[i])
		}
		if len(cells) != 4 {
			t.Fatalf("table row with %d cells: %q", len(cells), line)
		}
		rows[cells[0]] = cells[1:]
	}
	return rows
}

func keys(m map[string][]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

var sizeRe = regexp.MustCompile(`^(\d+(?:\.\d+)?) (ms|s|B|KiB|MiB|GiB)$`)

func cellNumber(t *testing.T, cell string) (float64, string) {
	t.Helper()
	m := sizeRe.FindStringSubmatch(cell)
	if m == nil {
		t.Fatalf("cell %q is not a number with a unit", cell)
	}
	n, _ := strconv.ParseFloat(m[1], 64)
	return n, m[2]
}

func cellDuration(t *testing.T, cell string) time.Duration {
	n, unit := cellNumber(t, cell)
	mult := map[string]float64{"ms": float64(time.Millisecond), "s": float64(time.Second)}[unit]
	if mult == 0 {
		t.Fatalf("cell %q is not a time", cell)
	}
	return time.Duration(n * mult)
}

func cellBytes(t *testing.T, cell string) int64 {
	n, unit := cellNumber(t, cell)
	mult := map[string]float64{"B": 1, "KiB": 1 << 10, "MiB": 1 << 20, "GiB": 1 << 30}[unit]
	if mult == 0 {
		t.Fatalf("cell %q is not a size", cell)
	}
	return int64(n * mult)
}

func within[T time.Duration | int64](t *testing.T, what string, got, lo, hi T) {
	t.Helper()
	if got < lo || got > hi {
		t.Errorf("%s = %v, want between %v and %v", what, got, lo, hi)
	}
}
