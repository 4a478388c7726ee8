package testenv

import (
	"fmt"
	"os"
	"strings"
	"testing"
)

// Options says what a package's integration tests need from Main.
type Options struct {
	Name  string // what the tests are, for the leak report: "step", "security"
	Netns bool   // run every command inside one throwaway network namespace
	// Leftovers, if set, lists more things left behind (veths, rules,
	// records); it runs while the network namespace still exists.
	Leftovers func(*Env) []string
}

// Main is an integration test package's TestMain:
//
//	func TestMain(m *testing.M) {
//		testenv.Main(m, testenv.Options{Name: "security", Netns: true}, func(e *testenv.Env) { env = e })
//	}
//
// It refuses to run without root (a skip would hide a failure in CI),
// builds the binaries, hands the Env to use, runs the tests, and fails the
// package when anything was left behind: a mount, process or cgroup, what
// Leftovers reports, or a /var/lib/dockling that some command made because
// it ignored DOCKLING_ROOT.
func Main(m *testing.M, o Options, use func(*Env)) {
	os.Exit(runMain(m, o, use))
}

func runMain(m *testing.M, o Options, use func(*Env)) int {
	if os.Geteuid() != 0 {
		fmt.Fprintln(os.Stderr, "integration tests need root: run them with sudo (make test does)")
		return 1
	}
	env, err := Setup()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer env.Close()
	if o.Netns {
		if env.Netns, err = NewNetns(); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
	}
	use(env)
	realRoot, _ := os.Stat("/var/lib/dockling")
	before, err := env.Take()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	code := m.Run()
	leaks := env.finish(before, realRoot == nil, o.Leftovers)
	if len(leaks) > 0 {
		fmt.Fprintf(os.Stderr, "LEAKED after the %s tests:\n  %s\n", o.Name, strings.Join(leaks, "\n  "))
		code = 1
	}
	return code
}

// ForTest is Main for one test in a package without a TestMain of its
// own: it builds the binaries, optionally makes a network namespace, and,
// when the test and its own cleanups are done, fails it for anything left
// behind, then removes the state root.
func ForTest(t *testing.T, netns bool) *Env {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Fatal("integration tests need root: run them with sudo (make test does)")
	}
	env, err := Setup()
	if err != nil {
		t.Fatal(err)
	}
	if netns {
		if env.Netns, err = NewNetns(); err != nil {
			env.Close()
			t.Fatal(err)
		}
	}
	realRoot, _ := os.Stat("/var/lib/dockling")
	before, err := env.Take()
	if err != nil {
		t.Fatal(err)
	}
	// Registered first, so it runs last: after the test's own cleanups.
	t.Cleanup(func() {
		if leaks := env.finish(before, realRoot == nil, nil); len(leaks) > 0 {
			t.Errorf("left behind:\n  %s", strings.Join(leaks, "\n  "))
		}
		env.Close()
	})
	return env
}

// finish closes the network namespace and lists what the tests left.
func (e *Env) finish(before Snapshot, noRealRoot bool, leftovers func(*Env) []string) []string {
	var leaks []string
	if leftovers != nil {
		leaks = append(leaks, leftovers(e)...)
	}
	if e.Netns != nil {
		e.Netns.Close()
	}
	leaks = append(leaks, e.LeftSince(before)...)
	if now, _ := os.Stat("/var/lib/dockling"); noRealRoot && now != nil {
		leaks = append(leaks, "/var/lib/dockling was created: something ignored DOCKLING_ROOT")
	}
	return leaks
}
