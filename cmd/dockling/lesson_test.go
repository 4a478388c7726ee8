package main

import (
	"bytes"
	"strconv"
	"strings"
	"testing"

	"github.com/dockling/dockling/lessons"
)

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

func TestLessonListsNumberNameAndSummary(t *testing.T) {
	for _, lang := range lessons.Languages {
		out, err := runLessonCmd(t, "--lang", lang)
		if err != nil {
			t.Fatal(err)
		}
		list, _ := lessons.List(lang)
		lines := strings.Split(out, "\n")
		for i, l := range list {
			if f := strings.Fields(lines[i]); len(f) < 3 || f[0] != strconv.Itoa(l.Number) || f[1] != l.Name ||
				!strings.HasSuffix(lines[i], l.Summary) {
				t.Errorf("%s line %d = %q, want number %d, name %q and the summary", lang, i+1, lines[i], l.Number, l.Name)
			}
		}
		if !strings.Contains(out, "dockling lesson ") {
			t.Errorf("%s list does not say how to read a lesson:\n%s", lang, out)
		}
	}
}

func TestLessonShowsOneAsMarkdownWhenPiped(t *testing.T) {
	out, err := runLessonCmd(t, "--lang", "zh", "8")
	_, want, _ := lessons.Get("zh", "namespaces")
	if err != nil || out != want {
		t.Errorf("lesson 8 --lang zh: err %v, output starts %q", err, strings.SplitN(out, "\n", 2)[0])
	}
}

func TestLessonErrors(t *testing.T) {
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"--lang", "fr"}, `unknown language "fr"; use en or zh`},
		{[]string{"--lang", "en", "nosuch"}, `no lesson "nosuch"; choose one of: `},
		{[]string{"chroot", "namespaces"}, "one lesson at a time"},
	}
	for _, c := range cases {
		if _, err := runLessonCmd(t, c.args...); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("lesson %q: error %v, want %q", c.args, err, c.want)
		}
	}
}
