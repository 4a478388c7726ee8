package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/dockling/dockling/lessons"
)

func TestRenderMarkdownIsPlainWhenNotATerminal(t *testing.T) {
	md := "# Title\n\nSome **bold** text.\n"
	var buf bytes.Buffer
	if err := renderMarkdown(&buf, md); err != nil || buf.String() != md {
		t.Errorf("to a buffer: %q, %v; want the Markdown unchanged", buf.String(), err)
	}
	f, err := os.Create(filepath.Join(t.TempDir(), "out.md"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := renderMarkdown(f, md); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(f.Name()); string(got) != md {
		t.Errorf("to a file: %q, want the Markdown unchanged", got)
	}
}

// openPTY returns both ends of a new pseudo-terminal: what the renderer
// writes to the terminal end can be read back from the controlling end.
func openPTY(t *testing.T) (control, term *os.File) {
	t.Helper()
	control, err := os.OpenFile("/dev/ptmx", os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("no pseudo-terminals here: %v", err)
	}
	t.Cleanup(func() { control.Close() })
	fd := int(control.Fd())
	if err := unix.IoctlSetPointerInt(fd, unix.TIOCSPTLCK, 0); err != nil {
		t.Fatalf("unlock pty: %v", err)
	}
	n, err := unix.IoctlGetInt(fd, unix.TIOCGPTN)
	if err != nil {
		t.Fatalf("pty number: %v", err)
	}
	term, err = os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		t.Fatalf("open the terminal end: %v", err)
	}
	t.Cleanup(func() { term.Close() })
	return control, term
}

// readAvailable reads what the terminal received within a short time.
func readAvailable(t *testing.T, f *os.File) string {
	t.Helper()
	if err := f.SetReadDeadline(time.Now().Add(2 * time.Second)); err != nil {
		t.Fatal(err)
	}
	var out []byte
	buf := make([]byte, 4096)
	for {
		n, err := f.Read(buf)
		out = append(out, buf[:n]...)
		if err != nil || bytes.Contains(out, []byte("END")) {
			return strings.ReplaceAll(string(out), "\r\n", "\n")
		}
	}
}

func TestRenderMarkdownExecsTheRendererOnATerminal(t *testing.T) {
	dir := t.TempDir()
	fake := "#!/bin/sh\necho RENDERED\ncat\necho END\n"
	if err := os.WriteFile(filepath.Join(dir, rendererName), []byte(fake), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", dir+string(os.PathListSeparator)+os.Getenv("PATH"))
	t.Setenv("TERM", "xterm")
	control, term := openPTY(t)
	if err := renderMarkdown(term, "# Lesson\n"); err != nil {
		t.Fatal(err)
	}
	if got := readAvailable(t, control); !strings.Contains(got, "RENDERED\n# Lesson\n") {
		t.Errorf("the terminal got %q; want the Markdown through the renderer", got)
	}
}

func TestRenderMarkdownWithoutRendererWritesPlainToTheTerminal(t *testing.T) {
	t.Setenv("PATH", t.TempDir()) // no dockling-lessons anywhere
	control, term := openPTY(t)
	if err := renderMarkdown(term, "# Plain\nEND\n"); err != nil {
		t.Fatal(err)
	}
	if got := readAvailable(t, control); !strings.Contains(got, "# Plain\n") {
		t.Errorf("the terminal got %q; want the Markdown as it is", got)
	}
}

func TestPrintStepNote(t *testing.T) {
	for _, lang := range lessons.Languages {
		var buf bytes.Buffer
		if err := printStepNote(&buf, lang, 2); err != nil {
			t.Fatal(err)
		}
		want, _ := lessons.Note(lang, 2)
		if buf.String() != want || want == "" {
			t.Errorf("%s note for step 2: got %q, want %q", lang, buf.String(), want)
		}
	}
	var buf bytes.Buffer
	if err := printStepNote(&buf, "en", 99); err != nil || buf.Len() != 0 {
		t.Errorf("step 99: %q, %v; want silence", buf.String(), err)
	}
}

func TestLangFor(t *testing.T) {
	t.Setenv("LC_ALL", "")
	t.Setenv("LC_MESSAGES", "")
	t.Setenv("LANG", "zh_CN.UTF-8")
	if got := langFor(""); got != "zh" {
		t.Errorf("langFor with LANG=zh_CN.UTF-8 = %q, want zh", got)
	}
	if got := langFor("en"); got != "en" {
		t.Errorf(`langFor("en") = %q`, got)
	}
}

// TestDocklingDoesNotLinkTheRenderer guards the start-up time: the lean
// binary must reach Markdown rendering only by exec (DESIGN.md, "Speed").
func TestDocklingDoesNotLinkTheRenderer(t *testing.T) {
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go tool to list the imports with")
	}
	out, err := exec.Command(goTool, "list", "-deps", ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go list -deps: %v\n%s", err, out)
	}
	for _, pkg := range strings.Fields(string(out)) {
		for _, heavy := range []string{"glamour", "goldmark", "chroma", "bluemonday"} {
			if strings.Contains(pkg, heavy) {
				t.Errorf("dockling imports %s; render Markdown through dockling-lessons instead", pkg)
			}
		}
	}
}
