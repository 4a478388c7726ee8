//go:build integration

package steps_test

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/dockling/dockling/internal/testenv"
)

var env *testenv.Env

// TestMain builds the binaries and fails the package if the step tests
// left anything behind.
func TestMain(m *testing.M) {
	testenv.Main(m, testenv.Options{Name: "step"}, func(e *testenv.Env) { env = e })
}

var namespaces = []string{"uts", "pid", "mnt", "ipc", "net"}

// running is a step whose command is alive, seen from the host.
type running struct {
	cmd *exec.Cmd
	pid int // the container's command, as the host numbers it
}

// startStep starts `dockling step n -q -- args...` and waits until the child
// has exec'd the command, then returns its host PID.
func startStep(t *testing.T, n int, args ...string) *running {
	t.Helper()
	cmd := env.Command(append([]string{"step", strconv.Itoa(n), "-q", "--"}, args...)...)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	r := &running{cmd: cmd}
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		if r.pid > 0 {
			_ = syscall.Kill(r.pid, syscall.SIGKILL)
		}
		_ = cmd.Wait()
	})
	ours := func(exe string) bool { // dockling itself, or its child before exec
		return exe == filepath.Join(env.Bin, "dockling") || exe == filepath.Join(env.Bin, "dockling-init")
	}
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		for _, c := range children(cmd.Process.Pid) {
			if exe, err := os.Readlink(fmt.Sprintf("/proc/%d/exe", c)); err == nil && !ours(exe) {
				r.pid = c
				return r
			}
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("step %d: the command never started", n)
	return nil
}

func children(pid int) []int {
	var out []int
	tasks, _ := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/children", pid))
	for _, f := range tasks {
		b, _ := os.ReadFile(f)
		for _, w := range strings.Fields(string(b)) {
			if n, err := strconv.Atoi(w); err == nil {
				out = append(out, n)
			}
		}
	}
	return out
}

func nsLink(t *testing.T, pid, ns string) string {
	t.Helper()
	l, err := os.Readlink(fmt.Sprintf("/proc/%s/ns/%s", pid, ns))
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// nsPID is the last NSpid field: the process's PID in its own namespace.
func nsPID(t *testing.T, pid int) string {
	t.Helper()
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "NSpid:"); ok {
			f := strings.Fields(v)
			return f[len(f)-1]
		}
	}
	t.Fatal("no NSpid in status")
	return ""
}

func TestIntegrationStep0SharesEverything(t *testing.T) {
	r := startStep(t, 0, "sleep", "30")
	for _, ns := range namespaces {
		if got, host := nsLink(t, strconv.Itoa(r.pid), ns), nsLink(t, "self", ns); got != host {
			t.Errorf("step 0: %s namespace %s, want the host's %s", ns, got, host)
		}
	}
	if root, _ := os.Readlink(fmt.Sprintf("/proc/%d/root", r.pid)); root != "/" {
		t.Errorf("step 0: root %q, want the host's /", root)
	}
}

func TestIntegrationStep1RootIsTheImage(t *testing.T) {
	r := startStep(t, 1, "sleep", "30")
	root, err := os.Readlink(fmt.Sprintf("/proc/%d/root", r.pid))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(root, env.Root) {
		t.Errorf("step 1: root is %q, want the image's files under %s", root, env.Root)
	}
	if _, err := os.Stat(filepath.Join(root, "bin", "probe")); err != nil {
		t.Errorf("step 1: the root has no /bin/probe, so it is not hostbox: %v", err)
	}
	for _, ns := range namespaces {
		if got, host := nsLink(t, strconv.Itoa(r.pid), ns), nsLink(t, "self", ns); got != host {
			t.Errorf("step 1 must not add namespaces: %s is %s, host %s", ns, got, host)
		}
	}
}

func TestIntegrationStep2Namespaces(t *testing.T) {
	hostName, _ := os.Hostname()
	r := startStep(t, 2, "sleep", "30")
	pid := strconv.Itoa(r.pid)
	for _, ns := range namespaces {
		if got, host := nsLink(t, pid, ns), nsLink(t, "self", ns); got == host {
			t.Errorf("step 2: %s namespace is the host's (%s)", ns, got)
		}
	}
	if got := nsPID(t, r.pid); got != "1" {
		t.Errorf("step 2: the command is PID %s in its namespace, want 1", got)
	}
	out, err := exec.Command("nsenter", "-t", pid, "-u", "hostname").Output()
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.TrimSpace(string(out)); got != "step2" || got == hostName {
		t.Errorf("step 2: hostname inside %q, want step2 (host: %q)", got, hostName)
	}
	if now, _ := os.Hostname(); now != hostName {
		t.Errorf("the host's hostname changed from %q to %q", hostName, now)
	}
	// The old root is gone from the container's mount table: nothing of the
	// host is mounted, only / and the fresh /proc, /sys, /dev.
	mi, err := os.ReadFile(fmt.Sprintf("/proc/%d/mountinfo", r.pid))
	if err != nil {
		t.Fatal(err)
	}
	var points []string
	for _, line := range strings.Split(strings.TrimSpace(string(mi)), "\n") {
		points = append(points, strings.Fields(line)[4])
	}
	want := map[string]bool{"/": true, "/proc": true, "/sys": true, "/dev": true, "/dev/pts": true, "/dev/shm": true}
	for _, p := range points {
		if !want[p] {
			t.Errorf("step 2: unexpected mount %q inside (all: %v)", p, points)
		}
	}
}

func TestIntegrationStep2ProbeSeesItself(t *testing.T) {
	r := env.MustRun(t, "step", "2", "-q", "--hostname", "box", "--", "probe", "info")
	f := testenv.Fields(r.Stdout)
	if f["pid"] != "1" || f["hostname"] != "box" {
		t.Errorf("probe info inside step 2: pid %q hostname %q, want 1 and box\n%s", f["pid"], f["hostname"], r.Stdout)
	}
}

func TestIntegrationEscape(t *testing.T) {
	r := env.Run(t, "step", "1", "-q", "--escape")
	if r.Code != 0 || !strings.Contains(r.Stdout, "escape: escaped") {
		t.Errorf("step 1 --escape: exit %d, want 0 and an escape\n%s%s", r.Code, r.Stdout, r.Stderr)
	}
	r = env.Run(t, "step", "2", "-q", "--escape")
	if r.Code != 3 || !strings.Contains(r.Stdout, "escape: contained") {
		t.Errorf("step 2 --escape: exit %d, want 3 and contained\n%s%s", r.Code, r.Stdout, r.Stderr)
	}
}

func TestIntegrationExitCodePassesThrough(t *testing.T) {
	for n := 0; n <= 2; n++ {
		r := env.Run(t, "step", strconv.Itoa(n), "-q", "--", "sh", "-c", "exit 7")
		if r.Code != 7 {
			t.Errorf("step %d -- sh -c 'exit 7': exit %d, want 7 (%s)", n, r.Code, r.Stderr)
		}
	}
}

func TestIntegrationExplainShowsBothSidesInOrder(t *testing.T) {
	r := env.MustRun(t, "step", "2", "-q", "--explain", "--", "true")
	want := []string{"[parent] clone(CLONE_NEWUTS", "mount --make-rprivate /", "[child ] sethostname", "pivot_root", "umount -l .", "[child ] execve"}
	at := 0
	for _, w := range want {
		i := strings.Index(r.Stderr[at:], w)
		if i < 0 {
			t.Fatalf("--explain: %q missing or out of order after byte %d:\n%s", w, at, r.Stderr)
		}
		at += i
	}
}

func TestIntegrationScriptIsolatesTheSameWay(t *testing.T) {
	script := env.MustRun(t, "step", "2", "--script", "--", "/bin/probe", "info").Stdout
	path := filepath.Join(t.TempDir(), "step2.sh")
	if err := os.WriteFile(path, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("bash", path).CombinedOutput()
	if err != nil {
		t.Fatalf("bash step2.sh: %v\n%s\nscript:\n%s", err, out, script)
	}
	f := testenv.Fields(string(out))
	if f["pid"] != "1" || f["hostname"] != "step2" {
		t.Errorf("script: pid %q hostname %q, want 1 and step2\n%s", f["pid"], f["hostname"], out)
	}
	for _, ns := range namespaces {
		if got, host := f["ns."+ns], nsLink(t, "self", ns); got == "" || got == host {
			t.Errorf("script: %s namespace %q, want a new one (host %s)", ns, got, host)
		}
	}
	// And the escape fails there too.
	script = env.MustRun(t, "step", "2", "--script", "--", "/bin/probe", "escape").Stdout
	if err := os.WriteFile(path, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	out, _ = exec.Command("bash", path).CombinedOutput()
	if !strings.Contains(string(out), "escape: contained") {
		t.Errorf("script: escape not contained:\n%s", out)
	}
}

func TestIntegrationBadInput(t *testing.T) {
	oneLine := func(t *testing.T, r testenv.Result, code int, want string) {
		t.Helper()
		if r.Code != code {
			t.Errorf("exit %d, want %d (%s)", r.Code, code, r.Stderr)
		}
		lines := strings.Split(strings.TrimSpace(r.Stderr), "\n")
		if len(lines) != 1 || !strings.HasPrefix(lines[0], "dockling: ") || !strings.Contains(lines[0], want) {
			t.Errorf("want one line 'dockling: ...%s...', got:\n%s", want, r.Stderr)
		}
	}
	t.Run("unknown step", func(t *testing.T) { oneLine(t, env.Run(t, "step", "9"), 1, "unknown step 9") })
	t.Run("not a number", func(t *testing.T) { oneLine(t, env.Run(t, "step", "two"), 1, "not a step number") })
	t.Run("missing command", func(t *testing.T) {
		oneLine(t, env.Run(t, "step", "2", "-q", "--", "no-such-cmd"), 127, `"no-such-cmd" not found in the container`)
	})
	t.Run("not root", func(t *testing.T) {
		cmd := env.Command("step", "2", "--", "true")
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
		out, err := cmd.CombinedOutput()
		ee, ok := err.(*exec.ExitError)
		if !ok || ee.ExitCode() != 1 || !strings.Contains(string(out), "needs root") {
			t.Errorf("as nobody: %v\n%s", err, out)
		}
	})
}
