//go:build integration

package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/dockling/dockling/internal/testenv"
	"github.com/dockling/dockling/steps"
)

// The whole workshop walk as a learner runs it, without pauses, inside a
// throwaway network namespace (step 5 makes a bridge), then again in Chinese
// from step 5. Nothing may be left behind but the volume, which is removed.
func TestIntegrationTour(t *testing.T) {
	env := testenv.ForTest(t, true)
	home := t.TempDir()
	tour := func(args ...string) (string, int) {
		t.Helper()
		cmd := env.Command(append([]string{"tour"}, args...)...)
		cmd.Env = append(cmd.Env, "HOME="+home, "XDG_STATE_HOME="+home+"/state")
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		err := cmd.Run()
		var ee *exec.ExitError
		switch {
		case errors.As(err, &ee):
			return out.String(), ee.ExitCode()
		case err != nil:
			t.Fatalf("dockling tour %v: %v", args, err)
		}
		return out.String(), 0
	}

	out, code := tour("--no-pause", "--lang", "en")
	if code != 0 {
		t.Errorf("tour --no-pause --lang en: exit %d\n%s", code, out)
	}
	for _, s := range steps.All {
		if !strings.Contains(out, s.Name) {
			t.Errorf("tour output does not name step %d (%s)", s.N, s.Name)
		}
	}
	if !strings.Contains(out, "Expected failure") || !strings.Contains(out, "OOM killer") {
		t.Errorf("tour output does not announce the OOM kill before it happens:\n%s", out)
	}
	if b, err := os.ReadFile(home + "/state/dockling/tour"); err != nil || strings.TrimSpace(string(b)) != "6" {
		t.Errorf("tour progress file: %q (%v), want 6", b, err)
	}

	// In Chinese the tour's own words are Chinese too, not only the lessons'.
	out, code = tour("--lang", "zh", "--from", "5", "--no-pause")
	if code != 0 {
		t.Errorf("tour --lang zh --from 5 --no-pause: exit %d\n%s", code, out)
	}
	for _, want := range []string{"第 5 步", "在宿主机上", "自己试试", "完整的一课：dockling lesson network"} {
		if !strings.Contains(out, want) {
			t.Errorf("the Chinese tour does not say %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "On the host") || strings.Contains(out, "Try this") {
		t.Errorf("the Chinese tour has English lines:\n%s", out)
	}

	// A second tour without --from resumes after the last finished step.
	if err := os.WriteFile(home+"/state/dockling/tour", []byte("4\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out, code = tour("--no-pause", "--lang", "en")
	if code != 0 || !strings.Contains(out, "Resuming at step 5") || strings.Contains(out, "Step 4:") {
		t.Errorf("tour after finishing step 4: exit %d, want it to resume at step 5:\n%s", code, out)
	}

	env.MustRun(t, "volume", "rm", "tour-notes")
}
