// Package testenv builds the real binaries once per test process and runs
// them against a throwaway state root, so integration tests exercise exactly
// what a user runs. It also snapshots what a run could leak (mounts,
// processes, cgroups) so a test binary can prove it left nothing behind.
package testenv

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// Env is a built dockling and a private state root.
type Env struct {
	Bin  string // directory holding dockling, probe, dockling-lessons
	Root string // DOCKLING_ROOT for every command run through this Env
	// Netns, when set, runs every command inside that network namespace.
	Netns *Netns
}

// Setup builds the binaries into a temporary directory and makes a state
// root. Call it from TestMain; call Close when the tests are done.
//
// Where there is no Go toolchain (the cgroup v2 test VM), DOCKLING_TEST_BIN
// names a directory of binaries built beforehand.
func Setup() (*Env, error) {
	tmp, err := os.MkdirTemp("", "dockling-test-")
	if err != nil {
		return nil, err
	}
	// Readable by all, so tests can also run dockling as an unprivileged user.
	if err := os.Chmod(tmp, 0o755); err != nil {
		return nil, err
	}
	e := &Env{Bin: filepath.Join(tmp, "bin"), Root: filepath.Join(tmp, "root")}
	if prebuilt := os.Getenv("DOCKLING_TEST_BIN"); prebuilt != "" {
		e.Bin = prebuilt
		return e, nil
	}
	modRoot, err := moduleRoot()
	if err != nil {
		return nil, err
	}
	for _, b := range []struct{ name, pkg string }{
		{"dockling", "./cmd/dockling"},
		{"dockling-init", "./cmd/dockling-init"},
		{"probe", "./cmd/probe"},
		{"dockling-lessons", "./cmd/dockling-lessons"},
		{"dockling-registry", "./cmd/dockling-registry"},
	} {
		cmd := exec.Command("go", "build", "-o", filepath.Join(e.Bin, b.name), b.pkg)
		cmd.Dir = modRoot
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		if out, err := cmd.CombinedOutput(); err != nil {
			return nil, fmt.Errorf("build %s: %v\n%s", b.pkg, err, out)
		}
	}
	return e, nil
}

// Close removes the state root and the binaries it built.
func (e *Env) Close() { _ = os.RemoveAll(filepath.Dir(e.Root)) }

func moduleRoot() (string, error) {
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %w", err)
	}
	mod := strings.TrimSpace(string(out))
	if mod == "" || mod == os.DevNull {
		return "", errors.New("not inside the dockling module")
	}
	return filepath.Dir(mod), nil
}

// Command returns an exec.Cmd for `dockling args...` in this Env.
func (e *Env) Command(args ...string) *exec.Cmd {
	argv := append([]string{filepath.Join(e.Bin, "dockling")}, args...)
	if e.Netns != nil {
		argv = e.Netns.Wrap(argv...)
	}
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Env = append(os.Environ(), "DOCKLING_ROOT="+e.Root, "LANG=C")
	return cmd
}

// Result is what one command printed and how it ended.
type Result struct {
	Stdout, Stderr string
	Code           int
}

// Run runs `dockling args...` to completion.
func (e *Env) Run(t testing.TB, args ...string) Result {
	t.Helper()
	cmd := e.Command(args...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	r := Result{Stdout: out.String(), Stderr: errb.String()}
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		r.Code = ee.ExitCode()
	case err != nil:
		t.Fatalf("dockling %s: %v", strings.Join(args, " "), err)
	}
	return r
}

// MustRun runs `dockling args...` and fails the test unless it exits 0.
func (e *Env) MustRun(t testing.TB, args ...string) Result {
	t.Helper()
	r := e.Run(t, args...)
	if r.Code != 0 {
		t.Fatalf("dockling %s: exit %d\nstdout: %s\nstderr: %s", strings.Join(args, " "), r.Code, r.Stdout, r.Stderr)
	}
	return r
}

// Fields parses `key: value` lines (as probe info prints them).
func Fields(s string) map[string]string {
	m := map[string]string{}
	for _, line := range strings.Split(s, "\n") {
		if k, v, ok := strings.Cut(line, ": "); ok {
			if _, seen := m[k]; !seen {
				m[k] = strings.TrimSpace(v)
			}
		}
	}
	return m
}
