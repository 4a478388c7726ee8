package main

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

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
// languages, as terminals 60, 80 and 100 columns wide would get it, and
// checks that no line of prose runs past the edge or stops short. Code is exempt (indented 4 or more, or
// glamour's continuation of a code line too long for the terminal): how wide
// a command or its output is, is up to the lesson's author.
func TestEveryLessonAndNoteRenders(t *testing.T) {
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
			for _, width := range []int{60, 80, 100} {
				checkRendered(t, fmt.Sprintf("%s lesson %s at %d columns", lang, l.Name, width), md, width)
			}
		}
		for step := 0; ; step++ {
			note, ok := lessons.Note(lang, step)
			if !ok {
				if step < 3 {
					t.Errorf("%s: no note for step %d", lang, step)
				}
				break
			}
			checkRendered(t, fmt.Sprintf("%s note %d", lang, step), note, 80)
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
	isCode, source := codeLines(md, lines), readerText(joinItemParagraphs(md))
	for i, line := range lines {
		v := visible(line)
		if ansi.StringWidth(v) > width && !isCode[i] {
			t.Errorf("%s: rendered line %d is %d columns wide, more than %d: %q", what, i+1, ansi.StringWidth(v), width, v)
		}
		// (a narrow mark such as "…" may start inline code)
		if r, _ := utf8.DecodeRuneInString(strings.TrimLeft(v, " ")); !isCode[i] && !isTable(lines[i:i+1]) &&
			isWide(r) && strings.ContainsRune(noLineStart, r) {
			t.Errorf("%s: rendered line %d starts with a closing mark: %q", what, i+1, v)
		}
		if i+1 < len(lines) && ragged(lines, i, width, isCode) && !hardBreakAt(v, strings.TrimLeft(visible(lines[i+1]), " "), source) {
			t.Errorf("%s: rendered line %d is short, the next one's first word fits on it:\n%q\n%q", what, i+1, v, visible(lines[i+1]))
		}
	}
}

// ragged reports whether lines[i] and the next line are prose of one
// paragraph and the next line's first word (or Chinese character, with
// the punctuation that must stay with it) would have fit on lines[i].
func ragged(lines []string, i, width int, isCode []bool) bool {
	a, b := visible(lines[i]), visible(lines[i+1])
	if a == "" || b == "" || isTable(lines[i:i+2]) || isCode[i] || isCode[i+1] {
		return false
	}
	textStart := marginOf(lines[i])
	if m := listItem.FindString(a[min(textStart, len(a)):]); m != "" {
		textStart += markerWidth(m)
	}
	next := strings.TrimLeft(b, " ")
	if marginOf(lines[i+1]) != textStart || listItem.MatchString(next) || strings.HasPrefix(strings.TrimLeft(a, " "), "#") {
		return false
	}
	// The first piece of the next line: a word, inline code with its
	// padding, a Chinese character, with the punctuation that may not be
	// parted from it. Whether a space went at the break is not known, so
	// one is counted.
	pieces, _ := splitPieces(splitUnits(ansi.Cut(lines[i+1], marginOf(lines[i+1]), contentEnd(lines[i+1]))))
	need := pieces[0].width
	return contentEnd(lines[i])+1+need <= width-rightMargin
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

// checkRendered exempts code from its width check, so isCode must say
// code only of code: not of a list item's lines, which hang deeper than
// the next item's marker, nor of a paragraph right below a cut code line.
func TestIsCodeMarksOnlyCode(t *testing.T) {
	const width = 40
	md := "# T\n\nS.\n\n" +
		"- 第一项的文字很长很长很长很长很长很长很长很长很长很长很长很长很长很长很长。\n" +
		"- 第二项也很长很长很长很长很长很长很长很长很长很长很长很长很长很长很长。\n\n" +
		"1. 第一步：\n\n" +
		"       ip link add vd0 type veth peer name eth0 netns 7352\n\n" +
		"   `vd0` 这头插到网桥上，另一头一出生就在容器里，名叫 eth0。\n" +
		"2. 第二步。\n\n" +
		"最后：\n\n" +
		"    dockling run --rm hostbox cat /etc/os-release\n"
	_, out, _ := runCmd(t, md, "--force-color", "--style", "dark", "--width", fmt.Sprint(width))
	lines := strings.Split(out, "\n")
	isCode := codeLines(md, lines)
	codeText := ""
	for i, l := range lines {
		v := strings.TrimSpace(visible(l))
		if v == "" {
			continue
		}
		prose := hasWide(v) || v == "T" || v == "S." || v == "最后："
		if got := isCode[i]; got == prose {
			t.Errorf("isCode(line %d %q) = %v", i+1, v, got)
		}
		if !prose {
			codeText += v + " "
		}
	}
	for _, want := range []string{"ip link add vd0", "7352", "dockling run --rm hostbox"} {
		if !strings.Contains(codeText, want) {
			t.Errorf("code lines %q lack %q", codeText, want)
		}
	}
}
