// Command dockling-lessons renders dockling's Markdown for a terminal.
//
// It is a separate binary on purpose: the Markdown renderer (glamour, with
// its syntax highlighter and HTML sanitizer) costs about 13 ms of package
// init at every start. dockling itself starts containers and must stay lean,
// so it execs this program only when it has Markdown to show on a terminal
// (see DESIGN.md, "Speed").
//
//	dockling-lessons [--lang en|zh] [--width N] NAME   # a lesson by name or number
//	dockling step 2 ... | dockling-lessons              # Markdown from stdin
//
// On a terminal the Markdown is rendered with colours and wrapped to the
// terminal's width; anywhere else it is copied through unchanged, so pipes
// and files get plain text with no escape codes.
package main

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/spf13/pflag"

	"github.com/dockling/dockling/lessons"
)

const usage = `usage: dockling-lessons [--lang en|zh] [--width N] [--style S] [--force-color] [NAME]

Renders a dockling lesson (by name or number, e.g. "namespaces" or "2"), or
Markdown read from stdin when NAME is missing or "-". On a terminal the text
is rendered with colours; otherwise it is copied through unchanged.`

// Exit codes: 2 for a bad command line, 1 for everything else that failed.
const (
	exitOK    = 0
	exitError = 1
	exitUsage = 2
)

type options struct {
	lang       string
	width      int    // 0: the terminal's width, or defaultWidth
	style      string // a glamour style name; "auto" picks dark or light
	forceColor bool   // render even when stdout is not a terminal
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	var o options
	fs := pflag.NewFlagSet("dockling-lessons", pflag.ContinueOnError)
	fs.SetOutput(io.Discard) // errors are printed below, one line each
	fs.StringVar(&o.lang, "lang", "", "language: en or zh (default from LC_ALL, LC_MESSAGES or LANG)")
	fs.IntVar(&o.width, "width", 0, "wrap at N columns (default: the terminal's width, or 80)")
	fs.StringVar(&o.style, "style", "auto", "glamour style: auto, dark, light, ascii, notty, dracula, ...")
	fs.BoolVar(&o.forceColor, "force-color", false, "render with colours even when stdout is not a terminal")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			fmt.Fprintln(stdout, usage)
			return exitOK
		}
		fmt.Fprintf(stderr, "dockling-lessons: %v\n%s\n", err, usage)
		return exitUsage
	}
	if fs.NArg() > 1 {
		fmt.Fprintf(stderr, "dockling-lessons: one lesson at a time, got %d names\n%s\n", fs.NArg(), usage)
		return exitUsage
	}
	lang := lessons.Lang(o.lang)
	if err := lessons.CheckLang(lang); err != nil {
		fmt.Fprintf(stderr, "dockling-lessons: %v\n", err)
		return exitUsage
	}
	if o.width < 0 {
		fmt.Fprintf(stderr, "dockling-lessons: --width must be 0 (auto) or more, got %d\n", o.width)
		return exitUsage
	}

	md, err := readMarkdown(lang, fs.Arg(0), stdin)
	if err != nil {
		fmt.Fprintf(stderr, "dockling-lessons: %v\n", err)
		return exitError
	}
	if err := show(stdout, md, o, stderr); err != nil {
		fmt.Fprintf(stderr, "dockling-lessons: %v\n", err)
		return exitError
	}
	return exitOK
}

// readMarkdown returns the lesson called name, or stdin when name is empty
// or "-".
func readMarkdown(lang, name string, stdin io.Reader) (string, error) {
	if name == "" || name == "-" {
		data, err := io.ReadAll(stdin)
		if err != nil {
			return "", fmt.Errorf("read Markdown from stdin: %w", err)
		}
		return string(data), nil
	}
	_, md, err := lessons.Get(lang, name)
	return md, err
}

// show writes md to w: rendered when w is a terminal (or colour is forced),
// unchanged otherwise.
func show(w io.Writer, md string, o options, stderr io.Writer) error {
	tty, columns := terminal(w)
	if !tty && !o.forceColor {
		_, err := io.WriteString(w, md)
		return err
	}
	width := o.width
	if width == 0 {
		width = columns
	}
	style := o.style
	if style == autoStyle && !tty {
		// Auto asks the terminal on stdout for its background colour. A
		// forced render into a pipe (dockling's pager) asks the one on
		// stderr; with no terminal to ask it gets the dark style.
		style = styleForBackground(stderr)
	}
	out, err := render(md, style, width)
	if err != nil {
		return err
	}
	out = fitWideText(out, md, width)
	_, err = io.WriteString(w, out)
	return err
}
