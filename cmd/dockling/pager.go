package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// showLesson writes a lesson's Markdown to w. On a terminal it is rendered
// by dockling-lessons and, unless usePager is false, shown through a pager
// so a long lesson can be scrolled; with less's -F a lesson that fits on
// the screen is simply printed. In a pipe or a file it is the Markdown as
// it is, with no escape codes.
func showLesson(w io.Writer, md string, usePager bool) error {
	f, ok := terminalFile(w)
	if !ok || os.Getenv("TERM") == "dumb" {
		return writePlain(w, md)
	}
	if !usePager {
		return renderMarkdown(w, md)
	}
	text := []byte(md)
	if bin, err := findRenderer(); err == nil {
		rendered, err := renderForPager(bin, md, terminalColumns(f))
		if err != nil {
			return err
		}
		text = rendered
	}
	pager := pagerCommand()
	if pager == nil {
		_, err := f.Write(text)
		return err
	}
	pager.Stdin = bytes.NewReader(text)
	pager.Stdout, pager.Stderr = f, os.Stderr
	// ^C is for the pager, which handles it; dockling must not die under
	// it and leave the pager fighting the shell for the terminal.
	signal.Ignore(os.Interrupt, unix.SIGQUIT)
	defer signal.Reset(os.Interrupt, unix.SIGQUIT)
	if err := pager.Run(); err != nil {
		return fmt.Errorf("show the lesson with %s: %w; try --no-pager, or set PAGER", strings.Join(pager.Args, " "), err)
	}
	return nil
}

// renderForPager runs dockling-lessons with its output into a buffer: the
// pager, not the renderer, holds the terminal, so the renderer is told the
// width and to use colours. It finishes before the pager starts, so it can
// ask the terminal (on stderr) for its background colour undisturbed.
func renderForPager(bin, md string, columns int) ([]byte, error) {
	cmd := exec.Command(bin, "--force-color", "--width", strconv.Itoa(columns))
	cmd.Stdin = strings.NewReader(md)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, os.Stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("render the lesson with %s: %w; reinstall it beside dockling (make build), or pipe the output through cat for plain text", bin, err)
	}
	return out.Bytes(), nil
}

// terminalColumns is the terminal's width, 80 if it does not say.
func terminalColumns(f *os.File) int {
	if ws, err := unix.IoctlGetWinsize(int(f.Fd()), unix.TIOCGWINSZ); err == nil && ws.Col > 0 {
		return int(ws.Col)
	}
	return 80
}

// pagerCommand is the pager to show a lesson with, or nil for none. $PAGER
// wins, run by the shell like git and man do (it may hold options); an
// empty PAGER or "cat" means no pager. Without PAGER it is less, with
// LESS=FRX unless LESS is set: quit at once if the text fits on one
// screen (F), pass colours through (R), and leave the text on the screen
// when it quits (X). No pager is found: no pager is used.
func pagerCommand() *exec.Cmd {
	env := os.Environ()
	if _, set := os.LookupEnv("LESS"); !set {
		env = append(env, "LESS=FRX")
	}
	if p, set := os.LookupEnv("PAGER"); set {
		p = strings.TrimSpace(p)
		fields := strings.Fields(p)
		if len(fields) == 0 || fields[0] == "cat" {
			return nil
		}
		if _, err := exec.LookPath(fields[0]); err != nil {
			return nil
		}
		cmd := exec.Command("/bin/sh", "-c", p)
		cmd.Env = env
		return cmd
	}
	less, err := exec.LookPath("less")
	if err != nil {
		return nil
	}
	cmd := exec.Command(less, "-R")
	cmd.Env = env
	return cmd
}
