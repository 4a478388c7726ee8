package main

import (
	"bytes"
	"fmt"
	"os"
	"testing"

	"golang.org/x/sys/unix"
)

// openTerminal returns the terminal end of a new pseudo-terminal.
func openTerminal(t *testing.T) *os.File {
	t.Helper()
	control, err := os.OpenFile("/dev/ptmx", os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		t.Fatalf("open a pseudo-terminal: %v", err)
	}
	t.Cleanup(func() { control.Close() })
	if err := unix.IoctlSetPointerInt(int(control.Fd()), unix.TIOCSPTLCK, 0); err != nil {
		t.Fatalf("unlock pty: %v", err)
	}
	n, err := unix.IoctlGetInt(int(control.Fd()), unix.TIOCGPTN)
	if err != nil {
		t.Fatalf("pty number: %v", err)
	}
	term, err := os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		t.Fatalf("open the terminal end: %v", err)
	}
	t.Cleanup(func() { term.Close() })
	return term
}

// When dockling renders into its pager, stdout is a pipe and the style
// comes from the terminal on stderr. Inside tmux the terminal is not
// asked (it may be shown on several), and COLORFGBG, which terminals such
// as rxvt and Konsole set, says the background instead.
func TestStyleForBackgroundAsksTheTerminalOnStderr(t *testing.T) {
	term := openTerminal(t)
	t.Setenv("TERM", "tmux-256color")
	t.Setenv("CI", "") // termenv takes any CI machine for one without a terminal
	cases := []struct {
		colorfgbg, want string
	}{
		{"0;15", "light"}, // black on white
		{"15;0", "dark"},
		{"", "dark"},
	}
	for _, c := range cases {
		t.Setenv("COLORFGBG", c.colorfgbg)
		if got := styleForBackground(term); got != c.want {
			t.Errorf("COLORFGBG=%q on a terminal: %s, want %s", c.colorfgbg, got, c.want)
		}
	}
	t.Setenv("COLORFGBG", "0;15")
	if got := styleForBackground(&bytes.Buffer{}); got != "dark" {
		t.Errorf("no terminal to ask: %s, want dark", got)
	}
}

func TestLabelPlainFences(t *testing.T) {
	md := "Text\n\n```\n$ ls\n```\n\n```sh\nls\n```\n\n  ~~~~\n  ```\n  not a fence end\n  ~~~~\n\n```\ncode\n````\n"
	want := "Text\n\n```text\n$ ls\n```\n\n```sh\nls\n```\n\n  ~~~~text\n  ```\n  not a fence end\n  ~~~~\n\n```text\ncode\n````\n"
	if got := labelPlainFences(md); got != want {
		t.Errorf("labelPlainFences:\n got %q\nwant %q", got, want)
	}
}
