package main

import (
	"fmt"
	"io"
	"os"
	"strings"

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
	out, err := r.Render(joinItemParagraphs(labelPlainFences(md)))
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

// styleForBackground is "light" if w is a terminal whose COLORFGBG says
// its background is light, else "dark" (--style light picks it by hand).
// Without COLORFGBG termenv would ask the terminal itself (OSC 11) and,
// where the terminal never answers, wait 5 seconds before the lesson shows:
// so it is only asked where the answer is in the environment.
func styleForBackground(w io.Writer) string {
	if os.Getenv("COLORFGBG") == "" {
		return "dark"
	}
	if tty, _ := terminal(w); tty {
		if !termenv.NewOutput(w.(*os.File)).HasDarkBackground() {
			return "light"
		}
	}
	return "dark"
}

// labelPlainFences marks every fenced code block that names no language
// as "text". For such a block glamour's highlighter (chroma) guesses the
// language by running every lexer it has on the code: that guess cost
// more than the whole rest of the rendering (60 ms instead of 25 ms for a
// lesson with a dozen blocks of program output), and it guessed oddly for
// output that is no language at all.
func labelPlainFences(md string) string {
	lines := strings.SplitAfter(md, "\n")
	open := "" // the fence that opened the block we are in, e.g. "```"
	for i, line := range lines {
		trimmed := strings.TrimSpace(line)
		fence := fenceOf(trimmed)
		switch {
		case fence == "":
		case open == "" && trimmed == fence:
			open = fence
			lines[i] = strings.Replace(line, fence, fence+"text", 1)
		case open == "":
			open = fence // it names its language
		case fence[0] == open[0] && len(fence) >= len(open) && trimmed == fence:
			open = ""
		}
	}
	return strings.Join(lines, "")
}

// fenceOf returns the run of three or more backticks or tildes that line
// starts with, or "".
func fenceOf(line string) string {
	if len(line) < 3 || (line[0] != '`' && line[0] != '~') {
		return ""
	}
	n := 1
	for n < len(line) && line[n] == line[0] {
		n++
	}
	if n < 3 {
		return ""
	}
	return line[:n]
}
