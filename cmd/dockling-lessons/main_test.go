package main

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/dockling/dockling/lessons"
)

// runCmd runs the program with args and stdin; stdout is a buffer, which is
// not a terminal, exactly as in a pipe.
func runCmd(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = run(args, strings.NewReader(stdin), &out, &errOut)
	return code, out.String(), errOut.String()
}

// TestEveryLessonAndNoteRenders renders everything there is, in both
// languages, as a terminal 80 columns wide would get it, and checks that no
// line of prose runs past the edge. Code is exempt (indented 4 or more, or
// glamour's continuation of a code line too long for the terminal): how wide
// a command or its output is, is up to the lesson's author.
func TestEveryLessonAndNoteRenders(t *testing.T) {
	const width = 80
	for _, lang := range lessons.Languages {
		list, err := lessons.List(lang)
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range list {
			_, md, err := lessons.Get(lang, l.Name)
			if err != nil {
				t.Fatal(err)
			}
			checkRendered(t, fmt.Sprintf("%s lesson %s", lang, l.Name), md, width)
		}
		for step := 0; ; step++ {
			note, ok := lessons.Note(lang, step)
			if !ok {
				if step < 3 {
					t.Errorf("%s: no note for step %d", lang, step)
				}
				break
			}
			checkRendered(t, fmt.Sprintf("%s note %d", lang, step), note, width)
		}
	}
}

func checkRendered(t *testing.T, what, md string, width int) {
	t.Helper()
	code, out, errOut := runCmd(t, md, "--force-color", "--style", "dark", "--width", fmt.Sprint(width))
	if code != exitOK {
		t.Errorf("%s: exit %d: %s", what, code, errOut)
		return
	}
	if !strings.Contains(out, "\x1b[") {
		t.Errorf("%s: forced colour output has no escape codes", what)
	}
	lines := strings.Split(out, "\n")
	for i, line := range lines {
		v := visible(line)
		if ansi.StringWidth(v) > width && !isCode(md, lines, i) {
			t.Errorf("%s: rendered line %d is %d columns wide, more than %d: %q", what, i+1, ansi.StringWidth(v), width, v)
		}
		if i+1 < len(lines) && ragged(md, lines, i, width) {
			t.Errorf("%s: rendered line %d is short, the next one's first word fits on it:\n%q\n%q", what, i+1, v, visible(lines[i+1]))
		}
	}
}

// ragged reports whether lines[i] and the next line are prose of one
// paragraph and the next line's first word (or Chinese character, with
// the punctuation that must stay with it) would have fit on lines[i].
func ragged(md string, lines []string, i, width int) bool {
	a, b := visible(lines[i]), visible(lines[i+1])
	if a == "" || b == "" || isTable(lines[i:i+2]) || isCode(md, lines, i) || isCode(md, lines, i+1) {
		return false
	}
	textStart := marginOf(lines[i])
	if m := listItem.FindString(a[min(textStart, len(a)):]); m != "" {
		textStart += ansi.StringWidth(m)
	}
	next := strings.TrimLeft(b, " ")
	if marginOf(lines[i+1]) != textStart || listItem.MatchString(next) || strings.HasPrefix(strings.TrimLeft(a, " "), "#") {
		return false
	}
	// The first unit of the next line (inline code with its padding), and
	// what may not be parted from it. Whether a space went at the break is
	// not known, so one is counted.
	var units []unit
	for _, u := range splitUnits(ansi.Cut(lines[i+1], marginOf(lines[i+1]), contentEnd(lines[i+1]))) {
		if u.kind == word || u.kind == wideChar {
			units = append(units, u)
		}
	}
	need := units[0].width
	if len(units) > 1 && (strings.ContainsAny(units[0].text, noLineEnd) ||
		units[1].kind == wideChar && strings.ContainsAny(units[1].text, noLineStart)) {
		need += units[1].width
	}
	return contentEnd(lines[i])+1+need <= width-rightMargin
}

// isCode reports whether rendered line i is code: indented as code and a
// whole line of the Markdown, or the rest of a code line too long for
// the width. A nested list item is indented as deep, but is prose.
func isCode(md string, lines []string, i int) bool {
	if continuesCode(lines, i, sourceLines(md)) {
		return true
	}
	v := strings.TrimSpace(visible(lines[i]))
	if marginOf(lines[i]) < codeIndent {
		return false
	}
	for _, src := range strings.Split(md, "\n") {
		if strings.TrimSpace(src) == v {
			return true
		}
	}
	return false
}

func TestPlainWhenNotATerminal(t *testing.T) {
	for _, lang := range lessons.Languages {
		_, md, err := lessons.Get(lang, "namespaces")
		if err != nil {
			t.Fatal(err)
		}
		code, out, errOut := runCmd(t, "", "--lang", lang, "namespaces")
		if code != exitOK || out != md {
			t.Errorf("%s: exit %d, stderr %q; stdout differs from the lesson's Markdown", lang, code, errOut)
		}
		if strings.ContainsRune(out, '\x1b') {
			t.Errorf("%s: plain output contains an escape byte", lang)
		}
	}
	md := "# Hi\n\nSome *text*.\n"
	if code, out, _ := runCmd(t, md); code != exitOK || out != md {
		t.Errorf("stdin passthrough: exit %d, %q; want %q unchanged", code, out, md)
	}
	if code, out, _ := runCmd(t, md, "-"); code != exitOK || out != md {
		t.Errorf(`"-" passthrough: exit %d, %q`, code, out)
	}
}

func TestByNumberAndLanguageFromEnvironment(t *testing.T) {
	t.Setenv("LC_ALL", "")
	t.Setenv("LC_MESSAGES", "")
	t.Setenv("LANG", "zh_CN.UTF-8")
	_, out, _ := runCmd(t, "", "step1")
	if !strings.HasPrefix(out, "# 第 1 步") {
		t.Errorf("LANG=zh_CN: lesson step1 starts %q, want the Chinese title", strings.SplitN(out, "\n", 2)[0])
	}
	_, out, _ = runCmd(t, "", "--lang", "en", "7")
	if !strings.HasPrefix(out, "# Step 1") {
		t.Errorf("--lang en: lesson 7 starts %q", strings.SplitN(out, "\n", 2)[0])
	}
}

func TestBadCommandLines(t *testing.T) {
	cases := []struct {
		args     []string
		code     int
		inStderr string
	}{
		{[]string{"--lang", "fr", "namespaces"}, exitUsage, `unknown language "fr"; use en or zh`},
		{[]string{"chroot", "namespaces"}, exitUsage, "one lesson at a time"},
		{[]string{"--width", "-3", "chroot"}, exitUsage, "--width"},
		{[]string{"--bogus"}, exitUsage, "unknown flag"},
		{[]string{"--lang", "en", "nosuch"}, exitError, `no lesson "nosuch"; choose one of: `},
		{[]string{"--force-color", "--style", "nosuch", "chroot"}, exitError, `style "nosuch"`},
	}
	for _, c := range cases {
		code, out, errOut := runCmd(t, "", c.args...)
		if code != c.code || !strings.Contains(errOut, c.inStderr) || out != "" {
			t.Errorf("%q: exit %d, stdout %q, stderr %q; want exit %d and %q", c.args, code, out, errOut, c.code, c.inStderr)
		}
	}
	if code, out, _ := runCmd(t, "", "--help"); code != exitOK || !strings.Contains(out, "usage: dockling-lessons") {
		t.Errorf("--help: exit %d, %q", code, out)
	}
}
