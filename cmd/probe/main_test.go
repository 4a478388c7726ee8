package main

import (
	"bytes"
	"os"
	"strings"
	"testing"
)

// childEnvVar makes the test binary act as probe itself. fork starts copies
// of its own executable, which under `go test` is this test binary; with
// this variable set they run the probe command line instead of the tests.
const childEnvVar = "PROBE_TEST_AS_PROBE"

func TestMain(m *testing.M) {
	if os.Getenv(childEnvVar) == "1" {
		os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

// runProbe runs one probe command line in-process.
func runProbe(args ...string) (code int, stdout, stderr string) {
	var out, errOut bytes.Buffer
	code = run(args, &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestDispatchUsage(t *testing.T) {
	for _, args := range [][]string{nil, {"bogus"}, {"hog"}, {"fork", "zero"}, {"spin", "soon"}, {"escape", "now"}} {
		code, _, stderr := runProbe(args...)
		if code != exitUsage {
			t.Errorf("probe %v: exit %d, want %d", args, code, exitUsage)
		}
		if stderr == "" {
			t.Errorf("probe %v: nothing on stderr to say what was wrong", args)
		}
	}
}

func TestVersion(t *testing.T) {
	code, stdout, _ := runProbe("version")
	if code != exitOK || strings.TrimSpace(stdout) != "probe "+version {
		t.Errorf("probe version: exit %d, output %q", code, stdout)
	}
}
