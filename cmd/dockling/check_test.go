package main

import (
	"bytes"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/dockling/dockling/exercises"
)

// runCheckCmd runs `dockling check ARGS...` through the real command tree.
func runCheckCmd(t *testing.T, args ...string) (string, error) {
	t.Helper()
	root := newRootCmd()
	var out bytes.Buffer
	root.SetOut(&out)
	root.SetErr(&out)
	root.SetArgs(append([]string{"check"}, args...))
	err := root.Execute()
	return out.String(), err
}

func TestCheckListsExercisesOneALine(t *testing.T) {
	t.Setenv("LANG", "C")
	for _, args := range [][]string{nil, {"--lang", "zh"}} {
		out, err := runCheckCmd(t, args...)
		if err != nil {
			t.Fatalf("check %v: %v", args, err)
		}
		lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
		if len(lines) != len(exercises.All) {
			t.Fatalf("check %v printed %d lines, want %d:\n%s", args, len(lines), len(exercises.All), out)
		}
		lang := "en"
		if len(args) > 0 {
			lang = "zh"
		}
		for i, x := range exercises.All {
			if !strings.HasPrefix(lines[i], x.Name+" ") || !strings.Contains(lines[i], " "+x.Lesson+" ") || !strings.HasSuffix(lines[i], x.Task(lang)) {
				t.Errorf("check %v line %d: %q; want %s, lesson %s, task %q", args, i, lines[i], x.Name, x.Lesson, x.Task(lang))
			}
		}
	}
}

func TestCheckUnknownNameOrLanguageIsOneLineWithTheFix(t *testing.T) {
	_, err := runCheckCmd(t, "memory-limit", "memry-limit")
	if err == nil || err.Error() != `unknown exercise "memry-limit"; run "dockling check" to list them` {
		t.Errorf("check memry-limit: %v", err)
	}
	if _, err := runCheckCmd(t, "--lang", "fr"); err == nil || !strings.Contains(err.Error(), "use en or zh") {
		t.Errorf("check --lang fr: %v", err)
	}
}

// With no container made, a check fails, says what is missing, hints at the
// setup command, and the command exits 1 with nothing more to print. Run
// by a user, it says it needs root instead.
func TestCheckWithoutTheContainerFails(t *testing.T) {
	t.Setenv("DOCKLING_ROOT", t.TempDir())
	t.Setenv("LANG", "C")
	out, err := runCheckCmd(t, "memory-limit")
	if os.Geteuid() != 0 {
		if err == nil || !strings.Contains(err.Error(), "sudo dockling check memory-limit") {
			t.Errorf("check as a user: %v; want the sudo fix", err)
		}
		return
	}
	var ee exitError
	if !errors.As(err, &ee) || ee.code != 1 || ee.err != nil {
		t.Errorf("check memory-limit: %v; want a quiet exit 1", err)
	}
	want := "FAIL memory-limit: no container named capped (want one, got none)\n" +
		"hint: dockling run -d --name capped -m 64m hostbox sleep 1000\n"
	if out != want {
		t.Errorf("check memory-limit printed\n%s\nwant\n%s", out, want)
	}
}
