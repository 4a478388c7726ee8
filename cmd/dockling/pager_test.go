package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

// fakeTools puts scripts standing in for dockling-lessons and a pager in
// a directory on PATH: each says it ran and with what, then copies its
// input through.
func fakeTools(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	tools := map[string]string{
		rendererName: "#!/bin/sh\necho \"RENDERED $*\"\ncat\n",
		"fakepager":  "#!/bin/sh\necho \"PAGER $* LESS=$LESS\"\ncat\necho END\n",
		"less":       "#!/bin/sh\necho \"LESS-PAGER $* LESS=$LESS\"\ncat\necho END\n",
	}
	for name, script := range tools {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(script), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	t.Setenv("PATH", dir+string(os.PathListSeparator)+os.Getenv("PATH"))
	t.Setenv("TERM", "xterm")
	return dir
}

func TestShowLessonOnATerminalRendersThenPages(t *testing.T) {
	fakeTools(t)
	for _, name := range []string{"PAGER", "LESS"} {
		t.Setenv(name, "") // restored afterwards
		os.Unsetenv(name)
	}
	control, term := openPTY(t)
	if err := unix.IoctlSetWinsize(int(term.Fd()), unix.TIOCSWINSZ, &unix.Winsize{Row: 40, Col: 100}); err != nil {
		t.Fatal(err)
	}
	if err := showLesson(term, "# Lesson\n", true); err != nil {
		t.Fatal(err)
	}
	got := readAvailable(t, control)
	// less gets the renderer's output, told the terminal's width and to
	// use colours, as its own output goes to a pipe.
	want := "LESS-PAGER -R LESS=FRX\nRENDERED --force-color --width 100\n# Lesson\nEND"
	if !strings.Contains(got, want) {
		t.Errorf("the terminal got %q; want %q", got, want)
	}
}

func TestShowLessonUsesPAGERAndKeepsTheUsersLESS(t *testing.T) {
	fakeTools(t)
	t.Setenv("PAGER", "fakepager --flag")
	t.Setenv("LESS", "iM")
	control, term := openPTY(t)
	if err := showLesson(term, "# Lesson\n", true); err != nil {
		t.Fatal(err)
	}
	if got := readAvailable(t, control); !strings.Contains(got, "PAGER --flag LESS=iM\nRENDERED --force-color") {
		t.Errorf("the terminal got %q; want $PAGER with its option and the user's LESS", got)
	}
}

func TestShowLessonWithoutAPager(t *testing.T) {
	fakeTools(t)
	for _, c := range []struct {
		name, pager string
		usePager    bool
	}{
		{"--no-pager", "fakepager", false},
		{"PAGER=cat", "cat", true},
		{"empty PAGER", "", true},
		{"PAGER not installed", "no-such-pager-here", true},
	} {
		t.Setenv("PAGER", c.pager)
		control, term := openPTY(t)
		if err := showLesson(term, "# Lesson\nEND\n", c.usePager); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		got := readAvailable(t, control)
		if !strings.Contains(got, "RENDERED") || strings.Contains(got, "PAGER") {
			t.Errorf("%s: the terminal got %q; want the rendered lesson and no pager", c.name, got)
		}
	}
}

func TestShowLessonIsPlainInAPipe(t *testing.T) {
	fakeTools(t)
	t.Setenv("PAGER", "fakepager")
	md := "# Title\n\nSome **bold** text.\n"
	var buf bytes.Buffer
	if err := showLesson(&buf, md, true); err != nil || buf.String() != md {
		t.Errorf("to a buffer: %q, %v; want the Markdown unchanged", buf.String(), err)
	}
	f, err := os.Create(filepath.Join(t.TempDir(), "lesson.md"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := showLesson(f, md, true); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(f.Name()); string(got) != md {
		t.Errorf("to a file: %q, want the Markdown unchanged, no pager, no escape codes", got)
	}
}

func TestShowLessonReportsABrokenRenderer(t *testing.T) {
	dir := fakeTools(t)
	if err := os.WriteFile(filepath.Join(dir, rendererName), []byte("#!/bin/sh\nexit 3\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	_, term := openPTY(t)
	err := showLesson(term, "# Lesson\n", true)
	if err == nil || !strings.Contains(err.Error(), "make build") {
		t.Errorf("a renderer that fails: %v; want an error saying how to reinstall it", err)
	}
}
