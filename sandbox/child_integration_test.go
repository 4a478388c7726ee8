//go:build integration

package sandbox_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/dockling/dockling/sandbox"
	"github.com/dockling/dockling/sandbox/cgroups"
	"github.com/dockling/dockling/sandbox/nsinit"
	"golang.org/x/sys/unix"
)

// The test binary plays dockling-init: sandbox.InitBinary falls back to
// /proc/self/exe with the argument "init".
func TestMain(m *testing.M) {
	if len(os.Args) > 1 && os.Args[1] == nsinit.Command {
		nsinit.Main()
		return
	}
	os.Exit(m.Run())
}

// children lists the processes whose parent is this test, zombies
// included, from /proc as the kernel shows them.
func children(t *testing.T) []string {
	t.Helper()
	stats, _ := filepath.Glob("/proc/[0-9]*/stat")
	var out []string
	for _, p := range stats {
		b, err := os.ReadFile(p)
		if err != nil {
			continue // exited meanwhile
		}
		i := bytes.LastIndexByte(b, ')')
		f := strings.Fields(string(b[i+1:]))
		if len(f) > 1 && f[1] == strconv.Itoa(os.Getpid()) {
			out = append(out, strings.TrimSuffix(strings.TrimPrefix(p, "/proc/"), "/stat")+" "+f[0])
		}
	}
	return out
}

// earlyExpected checks that StartEarly gave a child exactly where Run
// would take one: everywhere but cgroup v2 on Linux 5.7+, where the child
// is cloned straight into its cgroup (which an early child cannot be).
func earlyExpected(t *testing.T, e *sandbox.EarlyChild) bool {
	t.Helper()
	mode, err := cgroups.DetectMode("/sys/fs/cgroup")
	if err != nil {
		t.Fatal(err)
	}
	var uts unix.Utsname
	if err := unix.Uname(&uts); err != nil {
		t.Fatal(err)
	}
	var major, minor int
	fmt.Sscanf(unix.ByteSliceToString(uts.Release[:]), "%d.%d", &major, &minor)
	intoCgroup := mode == cgroups.V2 && (major > 5 || major == 5 && minor >= 7)
	if intoCgroup != (e == nil) {
		t.Fatalf("StartEarly gave %v on a host where clone into a cgroup works: %v", e, intoCgroup)
	}
	return e != nil
}

func waitChildren(t *testing.T, want int) []string {
	t.Helper()
	var got []string
	for end := time.Now().Add(5 * time.Second); time.Now().Before(end); time.Sleep(5 * time.Millisecond) {
		if got = children(t); len(got) == want {
			break
		}
	}
	return got
}

// A container that will not run (its record could not be made, say) must
// leave no process behind: the early child is killed and reaped.
func TestIntegrationEarlyChildAbandoned(t *testing.T) {
	e := sandbox.StartEarly(sandbox.AllNamespaces, false, nil)
	if !earlyExpected(t, e) {
		return
	}
	if got := waitChildren(t, 1); len(got) != 1 {
		t.Fatalf("children after StartEarly: %v, want the one early child", got)
	}
	e.Abandon()
	e.Abandon() // twice is fine
	if got := children(t); len(got) != 0 {
		t.Errorf("children after Abandon: %v, want none (not even a zombie)", got)
	}
}

// Run takes an early child made for the namespaces its config asks for;
// the command's output reaches Run's writers through it.
func TestIntegrationRunTakesEarlyChild(t *testing.T) {
	e := sandbox.StartEarly([]sandbox.Namespace{sandbox.NSUTS, sandbox.NSPID, sandbox.NSMount}, false, nil)
	if !earlyExpected(t, e) {
		return
	}
	var out, errOut bytes.Buffer
	cfg := &sandbox.Config{Args: []string{"/bin/sh", "-c", "hostname; echo $$; echo oops >&2"}, Hostname: "early-one",
		Namespaces: []sandbox.Namespace{sandbox.NSUTS, sandbox.NSPID, sandbox.NSMount}}
	var pids []int
	res, err := sandbox.Run(cfg, sandbox.Process{Early: e, Stdout: &out, Stderr: &errOut,
		Started: func(pid int) { pids = append(pids, pid) }})
	if err != nil || res.ExitCode != 0 {
		t.Fatalf("Run: %v (exit %v), stderr %q", err, res, errOut.String())
	}
	if got := out.String(); got != "early-one\n1\n" || errOut.String() != "oops\n" {
		t.Errorf("stdout %q (want the hostname and PID 1), stderr %q", got, errOut.String())
	}
	if len(pids) != 1 || pids[0] != res.Pid {
		t.Errorf("started pids %v, result pid %d", pids, res.Pid)
	}
	if got := children(t); len(got) != 0 {
		t.Errorf("children left: %v", got)
	}
}

// An early child made for other namespaces is not used: Run kills it and
// clones the right one, so the command never runs in the wrong place.
func TestIntegrationRunAbandonsMismatchedEarlyChild(t *testing.T) {
	e := sandbox.StartEarly(sandbox.AllNamespaces, false, nil)
	if !earlyExpected(t, e) {
		return
	}
	host, err := os.Readlink("/proc/self/ns/net")
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	cfg := &sandbox.Config{Args: []string{"/bin/readlink", "/proc/self/ns/net"}, Namespaces: []sandbox.Namespace{sandbox.NSUTS}}
	res, err := sandbox.Run(cfg, sandbox.Process{Early: e, Stdout: &out, Stderr: &out})
	if err != nil || res.ExitCode != 0 {
		t.Fatalf("Run: %v (exit %v): %s", err, res, out.String())
	}
	if got := strings.TrimSpace(out.String()); got != host {
		t.Errorf("the command ran in network namespace %s, want the host's %s (the early child had a new one)", got, host)
	}
	if got := children(t); len(got) != 0 {
		t.Errorf("children left: %v", got)
	}
}
