package main

import (
	"fmt"
	"io"
	"os"

	"github.com/charmbracelet/glamour"
	"github.com/muesli/termenv"
	"golang.org/x/sys/unix"
)

// defaultWidth is the wrap width when the terminal does not say its size.
const defaultWidth = 80

// autoStyle lets glamour pick its dark or light style from the terminal's
// background colour.
const autoStyle = "auto"

// render turns md into text with ANSI colours, wrapped at width columns.
func render(md, style string, width int) (string, error) {
	styleOpt := glamour.WithStandardStyle(style)
	if style == autoStyle {
		styleOpt = glamour.WithAutoStyle()
	}
	r, err := glamour.NewTermRenderer(styleOpt, glamour.WithWordWrap(width))
	if err != nil {
		return "", fmt.Errorf("style %q: %w; use auto, dark, light, ascii or notty", style, err)
	}
	out, err := r.Render(md)
	if err != nil {
		return "", fmt.Errorf("render Markdown: %w", err)
	}
	return out, nil
}

// terminal reports whether w is a terminal and, if so, its width in columns
// (defaultWidth when it does not say). It asks the kernel directly with the
// same ioctls a terminal library would use.
func terminal(w io.Writer) (tty bool, columns int) {
	f, ok := w.(*os.File)
	if !ok {
		return false, defaultWidth
	}
	fd := int(f.Fd())
	if _, err := unix.IoctlGetTermios(fd, unix.TCGETS); err != nil {
		return false, defaultWidth
	}
	ws, err := unix.IoctlGetWinsize(fd, unix.TIOCGWINSZ)
	if err != nil || ws.Col == 0 {
		return true, defaultWidth
	}
	return true, int(ws.Col)
}

// styleForBackground is "light" if w is a terminal that says its background
// is light, else "dark". glamour's auto style asks the same way, but only
// on stdout.
func styleForBackground(w io.Writer) string {
	if tty, _ := terminal(w); tty {
		if !termenv.NewOutput(w.(*os.File)).HasDarkBackground() {
			return "light"
		}
	}
	return "dark"
}
