//go:build integration

package exercises_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dockling/dockling/exercises"
	"github.com/dockling/dockling/internal/testenv"
)

var env *testenv.Env

// TestMain runs every exercise as a learner would, with the real CLI,
// inside one throwaway network namespace (every `dockling run` plugs a
// veth into a bridge there), then proves nothing was left behind.
func TestMain(m *testing.M) {
	testenv.Main(m, testenv.Options{Name: "check", Netns: true, Leftovers: leftovers}, func(e *testenv.Env) { env = e })
}

// leftovers lists container records, volumes, and the veths, container
// rules and leases still in the throwaway namespace.
func leftovers(e *testenv.Env) []string {
	var out []string
	for _, dir := range []string{"containers", "volumes"} {
		entries, _ := os.ReadDir(filepath.Join(e.Root, dir))
		for _, d := range entries {
			if d.IsDir() {
				out = append(out, dir+"/"+d.Name())
			}
		}
	}
	return append(out, e.NetLeftovers()...)
}

// dockling runs one command line as the lessons print it.
func dockling(t *testing.T, line string) {
	t.Helper()
	args := strings.Fields(line)
	if args[0] != "dockling" {
		t.Fatalf("%q is not a dockling command", line)
	}
	env.MustRun(t, args[1:]...)
}

// setup does the exercise's task as the lesson says, and removes the
// container when the test ends.
func setup(t *testing.T, x *exercises.Exercise) {
	t.Helper()
	t.Cleanup(func() { env.Run(t, "rm", "-f", x.Container) })
	for _, line := range x.Setup {
		dockling(t, line)
	}
}

// runAs runs a container under the exercise's name, made differently from
// the task, and removes it when the test ends.
func runAs(t *testing.T, x *exercises.Exercise, args ...string) {
	t.Helper()
	t.Cleanup(func() { env.Run(t, "rm", "-f", x.Container) })
	env.MustRun(t, append([]string{"run", "-d", "--name", x.Container}, args...)...)
}

// wantPass runs `dockling check NAME` and wants one PASS line naming what
// it verified, and exit 0.
func wantPass(t *testing.T, x *exercises.Exercise, mentions ...string) {
	t.Helper()
	r := env.Run(t, "check", x.Name)
	line := strings.TrimSuffix(r.Stdout, "\n")
	if r.Code != 0 || !strings.HasPrefix(line, "PASS "+x.Name+": ") || strings.Contains(line, "\n") || r.Stderr != "" {
		t.Fatalf("check %s: exit %d\nstdout: %s\nstderr: %s\nwant one PASS line and exit 0", x.Name, r.Code, r.Stdout, r.Stderr)
	}
	for _, m := range mentions {
		if !strings.Contains(line, m) {
			t.Errorf("check %s: %q does not mention %q", x.Name, line, m)
		}
	}
}

// wantFail runs the check and wants a FAIL line that names the difference,
// a hint line, and exit 1. It returns the hint.
func wantFail(t *testing.T, x *exercises.Exercise, mentions ...string) string {
	t.Helper()
	r := env.Run(t, "check", x.Name)
	lines := strings.Split(strings.TrimSuffix(r.Stdout, "\n"), "\n")
	if r.Code != 1 || len(lines) != 2 || !strings.HasPrefix(lines[0], "FAIL "+x.Name+": ") ||
		!strings.HasPrefix(lines[1], "hint: dockling ") || r.Stderr != "" {
		t.Fatalf("check %s: exit %d\nstdout: %s\nstderr: %s\nwant a FAIL line, a hint line, exit 1", x.Name, r.Code, r.Stdout, r.Stderr)
	}
	for _, m := range mentions {
		if !strings.Contains(lines[0], m) {
			t.Errorf("check %s: %q does not mention %q", x.Name, lines[0], m)
		}
	}
	return strings.TrimPrefix(lines[1], "hint: ")
}

// followHint runs a hint's commands, as a learner would paste it.
func followHint(t *testing.T, hint string) {
	t.Helper()
	for _, line := range strings.Split(hint, " && ") {
		dockling(t, line)
	}
}

func find(t *testing.T, name string) *exercises.Exercise {
	t.Helper()
	x, err := exercises.Find(name)
	if err != nil {
		t.Fatal(err)
	}
	return x
}

// pidOf is the container's host PID, from inspect.
func pidOf(t *testing.T, name string) string {
	t.Helper()
	return strings.TrimSpace(env.MustRun(t, "inspect", "-f", "{{.State.Pid}}", name).Stdout)
}

func TestIntegrationCheckFirstContainer(t *testing.T) {
	x := find(t, "first-container")
	hint := wantFail(t, x, "no container named first")
	if hint != x.Setup[0] {
		t.Errorf("hint %q, want the setup command", hint)
	}
	followHint(t, hint)
	t.Cleanup(func() { env.Run(t, "rm", "-f", x.Container) })
	pid := pidOf(t, x.Container)
	self, _ := os.Readlink("/proc/self/ns/pid")
	wantPass(t, x, "host PID "+pid, self, "where it is PID 1")

	env.MustRun(t, "stop", "-t", "0", x.Container)
	if hint := wantFail(t, x, "not running", "exited"); hint != "dockling start first" {
		t.Errorf("hint for a stopped container: %q", hint)
	}
	env.MustRun(t, "rm", "-f", x.Container)
	runAs(t, x, "hostbox", "sh", "-c", "while :; do sleep 1; done")
	followHint(t, wantFail(t, x, "want sleep, got sh"))
	wantPass(t, x)
}

func TestIntegrationCheckOwnRoot(t *testing.T) {
	x := find(t, "own-root")
	runAs(t, x, "hostbox", "sleep", "1000")
	hint := wantFail(t, x, "no /hello in container rooted")
	if hint != "dockling exec rooted touch /hello" {
		t.Errorf("hint %q, want the exec of the task", hint)
	}
	followHint(t, hint)
	wantPass(t, x, "not the host's /")

	// The file is in the container's root, which a restart keeps.
	env.MustRun(t, "stop", "-t", "0", x.Container)
	followHint(t, wantFail(t, x, "not running"))
	wantPass(t, x)
}

func TestIntegrationCheckOwnHostname(t *testing.T) {
	x := find(t, "own-hostname")
	runAs(t, x, "hostbox", "sleep", "1000")
	short := strings.TrimSpace(env.MustRun(t, "inspect", "-f", "{{.Id}}", x.Container).Stdout)[:12]
	followHint(t, wantFail(t, x, "want classroom, got "+short))
	wantPass(t, x, "uname says classroom", "PID 1 inside")
	if h, _ := os.Hostname(); h == "classroom" {
		t.Errorf("the host's hostname became %q", h)
	}
}

func TestIntegrationCheckMemoryLimit(t *testing.T) {
	x := find(t, "memory-limit")
	runAs(t, x, "-m", "32m", "hostbox", "sleep", "1000")
	wantFail(t, x, "want 64 MiB, got 32 MiB")
	env.MustRun(t, "rm", "-f", x.Container)
	runAs(t, x, "hostbox", "sleep", "1000")
	followHint(t, wantFail(t, x, "no memory limit (want 64 MiB, got none)"))
	wantPass(t, x, "reads 67108864 (64 MiB)")
}

func TestIntegrationCheckWritableLayer(t *testing.T) {
	x := find(t, "writable-layer")
	runAs(t, x, "hostbox", "sleep", "1000")
	upper := filepath.Join(env.Root, "containers", strings.TrimSpace(env.MustRun(t, "inspect", "-f", "{{.Id}}", x.Container).Stdout), "upper")
	hint := wantFail(t, x, "no /root/note in the writable layer "+upper)
	followHint(t, hint)
	wantPass(t, x, upper, "read-only image layers")
}

func TestIntegrationCheckPublishPort(t *testing.T) {
	x := find(t, "publish-port")
	// A host without iptables (the cgroup v2 test VM) publishes ports
	// with dockling's userland proxy, and the check looks for that.
	_, lookErr := exec.LookPath("iptables")
	iptables := lookErr == nil
	runAs(t, x, "-p", "8081:80", "hostbox", "probe", "serve", ":80")
	if iptables {
		wantFail(t, x, "no DNAT rule in nat PREROUTING for port 8080", "got 8081 -> ")
	} else {
		wantFail(t, x, "nothing listens on port 8080", "userland proxy")
	}
	env.MustRun(t, "rm", "-f", x.Container)
	// Port published, nothing listening inside: a proxy still takes the
	// connection, so only an answer counts.
	runAs(t, x, "-p", "8080:80", "hostbox", "sleep", "1000")
	followHint(t, wantFail(t, x, "nothing answers at 127.0.0.1:8080"))
	ip := strings.TrimSpace(env.MustRun(t, "inspect", "-f", "{{.NetworkSettings.IPAddress}}", x.Container).Stdout)
	how := "DNAT rules in PREROUTING and OUTPUT"
	if !iptables {
		how = "dockling's proxy on port 8080"
	}
	wantPass(t, x, "("+ip+")", "dockling0", ip+":80", how, "127.0.0.1:8080 answers")
}

func TestIntegrationCheckNamedVolume(t *testing.T) {
	x := find(t, "named-volume")
	t.Cleanup(func() { env.Run(t, "volume", "rm", "-f", "notes") })
	runAs(t, x, "hostbox", "sleep", "1000")
	wantFail(t, x, "no volume named notes")
	env.MustRun(t, "rm", "-f", x.Container)
	runAs(t, x, "-v", "notes:/data", "hostbox", "sleep", "1000")
	wantFail(t, x, "/notes is not a mount point in container notes")
	env.MustRun(t, "rm", "-f", x.Container)
	setup(t, x)
	wantPass(t, x, filepath.Join(env.Root, "volumes/notes/_data"))
	if err := os.Remove(filepath.Join(env.Root, "volumes/notes/_data/todo")); err != nil {
		t.Fatal(err)
	}
	followHint(t, wantFail(t, x, "no todo in the volume's directory"))
	wantPass(t, x)
}
