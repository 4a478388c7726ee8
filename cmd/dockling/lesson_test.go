package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/dockling/dockling/lessons"
)

// isolateProgress points the progress store at a fresh directory, so no
// test reads or writes the real user's record, and returns it.
func isolateProgress(t *testing.T) string {
	t.Helper()
	state := t.TempDir()
	t.Setenv("XDG_STATE_HOME", state)
	t.Setenv("SUDO_UID", "")
	t.Setenv("SUDO_GID", "")
	return filepath.Join(state, "dockling")
}

// runLessonCmd runs `dockling lesson ARGS...` with output to a buffer, which
// is not a terminal, so lessons come out as plain Markdown.
func runLessonCmd(t *testing.T, args ...string) (string, error) {
	t.Helper()
	cmd := newLessonCmd()
	var out bytes.Buffer
	cmd.SetOut(&out)
	cmd.SetErr(&out)
	cmd.SilenceUsage = true
	cmd.SilenceErrors = true
	cmd.SetArgs(args)
	err := cmd.Execute()
	return out.String(), err
}

// listed is one lesson line of the plain list.
type listed struct {
	read       bool
	number     int
	name, rest string // rest: the step tag, if any, and the summary
	line       string
}

// parseList splits the plain list into its lesson lines and its footer.
func parseList(t *testing.T, out string, n int, readMark, unreadMark string) ([]listed, []string) {
	t.Helper()
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) < n+3 || lines[n] != "" {
		t.Fatalf("want %d lesson lines, a blank line and a footer, got:\n%s", n, out)
	}
	var got []listed
	for _, line := range lines[:n] {
		l := listed{line: line}
		switch {
		case strings.HasPrefix(line, readMark+" "):
			l.read = true
			line = line[len(readMark):]
		case strings.HasPrefix(line, unreadMark+" "):
			line = line[len(unreadMark):]
		default:
			t.Fatalf("line %q starts with neither %q nor %q", line, readMark, unreadMark)
		}
		f := strings.Fields(line)
		num, err := strconv.Atoi(f[0])
		if err != nil || len(f) < 3 {
			t.Fatalf("line %q: want a mark, a number, a name and a summary", l.line)
		}
		// The name is what one types: letters, digits and dashes. A step
		// tag may follow it with no space, as in Chinese.
		name := f[1]
		if end := strings.IndexFunc(name, func(r rune) bool { return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') }); end >= 0 {
			name = name[:end]
		}
		l.number, l.name = num, name
		l.rest = strings.TrimSpace(strings.SplitN(strings.TrimSpace(line), name, 2)[1])
		got = append(got, l)
	}
	return got, lines[n+1:]
}

func TestLessonListsTheCourseInOrderWithTheStepsAndASummary(t *testing.T) {
	isolateProgress(t)
	t.Setenv("LC_ALL", "C.UTF-8")
	for _, lang := range lessons.Languages {
		out, err := runLessonCmd(t, "--lang", lang)
		if err != nil {
			t.Fatal(err)
		}
		if strings.ContainsRune(out, '\x1b') {
			t.Errorf("%s: the list in a pipe has escape codes:\n%q", lang, out)
		}
		list, _ := lessons.List(lang)
		got, footer := parseList(t, out, len(list), "✓", " ")
		for i, l := range list {
			g := got[i]
			if g.read || g.number != l.Number || g.name != l.Name || !strings.HasSuffix(g.line, plainSummary(l.Summary)) {
				t.Errorf("%s line %d = %q, want unread, number %d, name %q and the summary", lang, i+1, g.line, l.Number, l.Name)
			}
			tag := strings.TrimSpace(fmt.Sprintf(listTexts[lang].stepTag, l.Step))
			if hasTag := strings.HasPrefix(g.rest, tag); hasTag != (l.Step >= 0) {
				t.Errorf("%s line %q: step lesson %v, but the step tag %q shown %v", lang, g.line, l.Step >= 0, tag, hasTag)
			}
		}
		want := fmt.Sprintf(listTexts[lang].next, list[0].Number, list[0].Name, list[0].Number)
		if !strings.Contains(footer[0], fmt.Sprintf(listTexts[lang].progress, 0, len(list))) || !strings.Contains(footer[0], want) {
			t.Errorf("%s footer %q: want 0 of %d read and %q", lang, footer[0], len(list), want)
		}
		if !strings.Contains(strings.Join(footer, "\n"), "dockling lesson ") {
			t.Errorf("%s list does not say how to read a lesson:\n%s", lang, out)
		}
	}
}

func TestReadingALessonMarksItReadInEveryLanguage(t *testing.T) {
	dir := isolateProgress(t)
	t.Setenv("LC_ALL", "en_US.UTF-8")
	list, _ := lessons.List("en")
	// Read the first lesson in Chinese, by number, and the namespaces
	// lesson in English, by its step.
	if _, err := runLessonCmd(t, "--lang", "zh", strconv.Itoa(list[0].Number)); err != nil {
		t.Fatal(err)
	}
	if _, err := runLessonCmd(t, "--lang", "en", "step2"); err != nil {
		t.Fatal(err)
	}
	if data, err := os.ReadFile(filepath.Join(dir, lessonsReadFile)); err != nil ||
		string(data) != fmt.Sprintf("namespaces\n%s\n", list[0].Name) && string(data) != fmt.Sprintf("%s\nnamespaces\n", list[0].Name) {
		t.Errorf("the progress file holds %q (%v); want the two names read", data, err)
	}
	for _, lang := range lessons.Languages {
		out, err := runLessonCmd(t, "--lang", lang)
		if err != nil {
			t.Fatal(err)
		}
		got, footer := parseList(t, out, len(list), "✓", " ")
		for _, g := range got {
			if want := g.name == list[0].Name || g.name == "namespaces"; g.read != want {
				t.Errorf("%s: %q is marked read %v, want %v", lang, g.line, g.read, want)
			}
		}
		next := list[1]
		if want := fmt.Sprintf(listTexts[lang].next, next.Number, next.Name, next.Number); !strings.Contains(footer[0], want) ||
			!strings.Contains(footer[0], fmt.Sprintf(listTexts[lang].progress, 2, len(list))) {
			t.Errorf("%s footer %q: want 2 of %d read and next %q", lang, footer[0], len(list), want)
		}
	}

	// Outside a UTF-8 locale the marks are ASCII.
	t.Setenv("LC_ALL", "C")
	out, _ := runLessonCmd(t, "--lang", "en")
	got, _ := parseList(t, out, len(list), "[x]", "[ ]")
	if !got[0].read || got[1].read {
		t.Errorf("ASCII marks: %q, %q", got[0].line, got[1].line)
	}

	// --reset-progress forgets them; the tour's step is not touched.
	if err := os.WriteFile(filepath.Join(dir, tourStepFile), []byte("3\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("LC_ALL", "C.UTF-8")
	out, err := runLessonCmd(t, "--lang", "en", "--reset-progress")
	if err != nil {
		t.Fatal(err)
	}
	got, _ = parseList(t, out, len(list), "✓", " ")
	for _, g := range got {
		if g.read {
			t.Errorf("after --reset-progress %q is still marked read", g.line)
		}
	}
	if data, err := os.ReadFile(filepath.Join(dir, tourStepFile)); err != nil || string(data) != "3\n" {
		t.Errorf("--reset-progress changed the tour's record: %q, %v", data, err)
	}
}

func TestLessonListOnATerminalFitsTheWidth(t *testing.T) {
	for _, lang := range lessons.Languages {
		list, _ := lessons.List(lang)
		read := map[string]bool{list[0].Name: true}
		var buf bytes.Buffer
		if err := listLessons(&buf, lang, read, listStyle{tty: true, columns: 80, utf8: true}); err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(buf.String(), "\n")
		for i, l := range lines { // the footer too

			if w := displayWidth(stripEscapes(l)); w >= 80 {
				t.Errorf("%s line %d is %d columns, want under 80: %q", lang, i+1, w, stripEscapes(l))
			}
		}
		if !strings.Contains(lines[0], "\x1b[32m✓\x1b[0m") {
			t.Errorf("%s: the read lesson's mark is not green: %q", lang, lines[0])
		}
		if !strings.HasPrefix(lines[1], "\x1b[1m") {
			t.Errorf("%s: the next lesson is not bold: %q", lang, lines[1])
		}
	}
}

// stripEscapes removes the CSI sequences the list uses (colours, bold).
func stripEscapes(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\x1b' {
			for i++; i < len(s) && !(s[i] >= 0x40 && s[i] <= 0x7e && s[i] != '['); i++ {
			}
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func TestTruncateWidth(t *testing.T) {
	cases := []struct {
		in    string
		width int
		want  string
	}{
		{"short", 10, "short"},
		{"a summary that is long", 10, "a summary…"},
		{"命名空间让进程有了自己的", 9, "命名空间…"},
		{"abc", 0, ""},
	}
	for _, c := range cases {
		if got := truncateWidth(c.in, c.width); got != c.want || displayWidth(got) > c.width {
			t.Errorf("truncateWidth(%q, %d) = %q, want %q", c.in, c.width, got, c.want)
		}
	}
	if w := displayWidth("第 2 步：ab"); w != 11 {
		t.Errorf(`displayWidth("第 2 步：ab") = %d, want 11`, w)
	}
}

func TestLessonShowsOneAsMarkdownWhenPiped(t *testing.T) {
	isolateProgress(t)
	out, err := runLessonCmd(t, "--lang", "zh", "8")
	_, want, _ := lessons.Get("zh", "namespaces")
	if err != nil || out != want {
		t.Errorf("lesson 8 --lang zh: err %v, output starts %q", err, strings.SplitN(out, "\n", 2)[0])
	}
	if strings.ContainsRune(out, '\x1b') {
		t.Error("a lesson in a pipe has escape codes")
	}
}

func TestLessonErrors(t *testing.T) {
	isolateProgress(t)
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"--lang", "fr"}, `unknown language "fr"; use en or zh`},
		{[]string{"--lang", "en", "nosuch"}, `no lesson "nosuch"; choose one of: `},
		{[]string{"chroot", "namespaces"}, "one lesson at a time"},
		{[]string{"--reset-progress", "chroot"}, "takes no lesson name"},
	}
	for _, c := range cases {
		if _, err := runLessonCmd(t, c.args...); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("lesson %q: error %v, want %q", c.args, err, c.want)
		}
	}
}

func TestLessonStillShownWhenProgressCannotBeSaved(t *testing.T) {
	state := t.TempDir()
	// A file where the state directory should be: nothing can be saved.
	if err := os.WriteFile(filepath.Join(state, "dockling"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("XDG_STATE_HOME", state)
	t.Setenv("SUDO_UID", "")
	out, err := runLessonCmd(t, "--lang", "en", "chroot")
	_, md, _ := lessons.Get("en", "chroot")
	if err != nil || !strings.HasPrefix(out, md) || !strings.Contains(out, "not marked read") {
		t.Errorf("err %v; want the lesson and then one line saying it is not marked read; got the tail %q", err, out[max(0, len(out)-200):])
	}
}

func TestLessonsWithoutAPlaceForProgress(t *testing.T) {
	t.Setenv("XDG_STATE_HOME", "")
	t.Setenv("HOME", "")
	t.Setenv("SUDO_UID", "")
	out, err := runLessonCmd(t, "--lang", "en")
	if err != nil || !strings.Contains(out, "no lesson is shown as read") || !strings.Contains(out, "dockling lesson ") {
		t.Errorf("list with no HOME: %v; want the list and a warning:\n%s", err, out)
	}
	out, err = runLessonCmd(t, "--lang", "en", "chroot")
	_, md, _ := lessons.Get("en", "chroot")
	if err != nil || !strings.HasPrefix(out, md) || !strings.Contains(out, "not marked read") {
		t.Errorf("lesson with no HOME: %v; want the lesson and a warning", err)
	}
	if _, err := runLessonCmd(t, "--reset-progress"); err == nil || !strings.Contains(err.Error(), "HOME") {
		t.Errorf("--reset-progress with no HOME: %v; want an error naming HOME", err)
	}
}
