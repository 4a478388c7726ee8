package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/dockling/dockling/lessons"
)

// rendererName is the separate binary that turns Markdown into coloured
// terminal text. dockling does not link a Markdown renderer itself: its
// package init alone would add about 13 ms to every container start (see
// DESIGN.md, "Speed"), so lessons and notes pay for it only when shown.
const rendererName = "dockling-lessons"

// renderMarkdown writes md to w. On a terminal it runs dockling-lessons to
// render it; in a pipe or a file, or when the renderer is not installed,
// the Markdown is written as it is, which reads well as plain text.
func renderMarkdown(w io.Writer, md string) error {
	f, ok := terminalFile(w)
	if !ok || os.Getenv("TERM") == "dumb" {
		return writePlain(w, md)
	}
	bin, err := findRenderer()
	if err != nil {
		return writePlain(w, md)
	}
	cmd := exec.Command(bin)
	cmd.Stdin = strings.NewReader(md)
	cmd.Stdout = f
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		// Present but not runnable (wrong architecture, no exec bit): the
		// plain text is still worth showing.
		return writePlain(w, md)
	}
	if err := cmd.Wait(); err != nil {
		return fmt.Errorf("render Markdown with %s: %w; reinstall it beside dockling (make build), or pipe the output through cat for plain text", bin, err)
	}
	return nil
}

// printStepNote shows the short note for step after `dockling step N` has
// run, in lang ("en" or "zh"). A step without a note prints nothing.
func printStepNote(w io.Writer, lang string, step int) error {
	note, ok := lessons.Note(lang, step)
	if !ok {
		return nil
	}
	return renderMarkdown(w, note)
}

// langFor is the language for lessons and notes: the --lang flag if given,
// else the locale (LC_ALL, LC_MESSAGES, LANG), else English.
func langFor(flag string) string {
	return lessons.Lang(flag)
}

func writePlain(w io.Writer, md string) error {
	if _, err := io.WriteString(w, md); err != nil {
		return fmt.Errorf("write Markdown: %w", err)
	}
	return nil
}

// terminalFile returns w as a file if it is a terminal. It asks the kernel
// for the terminal's settings (TCGETS), which only a tty has; that keeps
// this binary free of terminal libraries.
func terminalFile(w io.Writer) (*os.File, bool) {
	f, ok := w.(*os.File)
	if !ok {
		return nil, false
	}
	if _, err := unix.IoctlGetTermios(int(f.Fd()), unix.TCGETS); err != nil {
		return nil, false
	}
	return f, true
}

// findRenderer looks for dockling-lessons beside the running dockling
// first, so a build in ./bin uses its own renderer, then in $PATH.
func findRenderer() (string, error) {
	if self, err := os.Executable(); err == nil {
		beside := filepath.Join(filepath.Dir(self), rendererName)
		if st, err := os.Stat(beside); err == nil && st.Mode().IsRegular() && st.Mode()&0o111 != 0 {
			return beside, nil
		}
	}
	if p, err := exec.LookPath(rendererName); err == nil {
		return p, nil
	}
	return "", errors.New(rendererName + " not found beside dockling or in $PATH")
}
