//go:build integration

package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/dockling/dockling/internal/testenv"
)

// The command as a learner meets it: several exercises at once (one done,
// one done wrongly), in both languages, and as a user without root. Each
// exercise's own pass and fail paths are tested in package exercises.
func TestIntegrationCheckCommand(t *testing.T) {
	env := testenv.ForTest(t, true)
	t.Cleanup(func() { env.Run(t, "rm", "-f", "first", "capped") })
	env.MustRun(t, "run", "-d", "--name", "first", "hostbox", "sleep", "1000")
	env.MustRun(t, "run", "-d", "--name", "capped", "-m", "32m", "hostbox", "sleep", "1000")

	r := env.Run(t, "check", "first-container", "memory-limit")
	lines := strings.Split(strings.TrimSuffix(r.Stdout, "\n"), "\n")
	if r.Code != 1 || len(lines) != 3 || r.Stderr != "" ||
		!strings.HasPrefix(lines[0], "PASS first-container: ") ||
		!strings.HasPrefix(lines[1], "FAIL memory-limit: ") || !strings.Contains(lines[1], "(want 64 MiB, got 32 MiB)") ||
		lines[2] != "hint: dockling rm -f capped && dockling run -d --name capped -m 64m hostbox sleep 1000" {
		t.Errorf("check first-container memory-limit: exit %d\nstdout: %s\nstderr: %s\nwant PASS, FAIL with the difference, the hint, exit 1", r.Code, r.Stdout, r.Stderr)
	}

	r = env.Run(t, "check", "--lang", "zh", "memory-limit")
	if r.Code != 1 || !strings.Contains(r.Stdout, "内存上限不对（应为 64 MiB，实际是 32 MiB）") || !strings.Contains(r.Stdout, "\n提示: dockling rm -f capped") {
		t.Errorf("check --lang zh memory-limit: exit %d\n%s", r.Code, r.Stdout)
	}

	// Listing needs nothing; checking needs root, and says so in one line.
	asNobody := func(args ...string) (string, string, int) {
		// Not through the network namespace: nobody may not enter it, and
		// neither listing nor the refusal touches the network.
		cmd := exec.Command(filepath.Join(env.Bin, "dockling"), args...)
		cmd.Env = append(os.Environ(), "DOCKLING_ROOT="+env.Root, "LANG=C")
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
		var out, errb bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errb
		err := cmd.Run()
		var ee *exec.ExitError
		if err != nil && !errors.As(err, &ee) {
			t.Fatalf("dockling %v as nobody: %v", args, err)
		}
		return out.String(), errb.String(), cmd.ProcessState.ExitCode()
	}
	if out, _, code := asNobody("check"); code != 0 || !strings.HasPrefix(out, "first-container ") {
		t.Errorf("check as nobody: exit %d\n%s", code, out)
	}
	if _, stderr, code := asNobody("check", "memory-limit"); code != 1 ||
		stderr != "dockling: dockling check reads other processes' namespaces and dockling's state, which needs root; run: sudo dockling check memory-limit\n" {
		t.Errorf("check memory-limit as nobody: exit %d, stderr %q", code, stderr)
	}
}
