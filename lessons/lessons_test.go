package lessons

import (
	"io/fs"
	"path"
	"reflect"
	"sort"
	"strings"
	"testing"
)

// sectionTitles are the "##" sections every step lesson has, in this order.
var sectionTitles = map[string][]string{
	"en": {"The idea", "Try it", "What you should see", "How docker does it", "Common errors", "Exercises"},
	"zh": {"思路", "动手试试", "你应该看到", "Docker 怎么做", "常见错误", "练习"},
}

// tryIt is the section every lesson has: something to do on this machine.
var tryIt = map[string]string{"en": "Try it", "zh": "动手试试"}

// allowedSubcommands are the dockling commands a lesson may show. A later
// check will parse every command line against the real cobra tree.
var allowedSubcommands = map[string]bool{"step": true, "lesson": true, "doctor": true,
	"run": true, "rm": true, "images": true, "history": true, "commit": true, "export": true, "import": true,
	"tag": true, "save": true, "load": true, "rmi": true, "ps": true, "logs": true, "stop": true,
	"start": true, "inspect": true, "volume": true, "kill": true, "wait": true, "restart": true,
	"exec": true, "cp": true, "top": true, "stats": true, "attach": true,
	"pull": true, "push": true, "search": true, "login": true, "logout": true, "info": true,
	"create": true, "container": true, "image": true, "system": true, "version": true,
	"tour": true, "check": true, "compare": true}

// markdownFiles lists the .md files under dir in the embedded tree.
func markdownFiles(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := fs.ReadDir(files, dir)
	if err != nil {
		t.Fatalf("read %s: %v", dir, err)
	}
	var names []string
	for _, e := range entries {
		if !e.IsDir() && strings.HasSuffix(e.Name(), ".md") {
			names = append(names, e.Name())
		}
	}
	sort.Strings(names)
	return names
}

func read(t *testing.T, p string) string {
	t.Helper()
	data, err := files.ReadFile(p)
	if err != nil {
		t.Fatalf("read %s: %v", p, err)
	}
	return string(data)
}

// sections returns the "##" headings of md, outside code blocks.
func sections(md string) []string {
	var out []string
	inCode := false
	for _, line := range strings.Split(md, "\n") {
		if strings.HasPrefix(line, "```") {
			inCode = !inCode
			continue
		}
		if !inCode && strings.HasPrefix(line, "## ") {
			out = append(out, strings.TrimSpace(line[3:]))
		}
	}
	return out
}

func TestEveryLessonExistsInBothLanguagesWithTheSameSections(t *testing.T) {
	for _, dir := range []string{"", "notes"} {
		en := markdownFiles(t, path.Join("en", dir))
		zh := markdownFiles(t, path.Join("zh", dir))
		if !reflect.DeepEqual(en, zh) {
			t.Errorf("%s: en has %v, zh has %v; every file needs both languages", path.Join("*", dir), en, zh)
		}
		if len(en) == 0 {
			t.Errorf("no files in en/%s", dir)
		}
	}
	for _, file := range markdownFiles(t, "en") {
		lesson, _, err := load("en", file)
		if err != nil {
			t.Fatal(err)
		}
		if lesson.Step >= 0 { // a step lesson: the fixed sections
			for _, lang := range Languages {
				got := sections(read(t, path.Join(lang, file)))
				if want := sectionTitles[lang]; !reflect.DeepEqual(got, want) {
					t.Errorf("%s/%s: sections %q, want %q", lang, file, got, want)
				}
			}
			continue
		}
		// A concept lesson picks its own sections, but both languages have
		// the same ones: as many, with "Try it" at the same place.
		en, zh := sections(read(t, path.Join("en", file))), sections(read(t, path.Join("zh", file)))
		if len(en) != len(zh) || indexOf(en, tryIt["en"]) != indexOf(zh, tryIt["zh"]) || indexOf(en, tryIt["en"]) < 0 {
			t.Errorf("%s: en sections %q, zh sections %q; want the same sections in both, with %q/%q",
				file, en, zh, tryIt["en"], tryIt["zh"])
		}
	}
	for _, file := range markdownFiles(t, "en/notes") {
		en := sections(read(t, path.Join("en/notes", file)))
		zh := sections(read(t, path.Join("zh/notes", file)))
		if len(en) != len(zh) {
			t.Errorf("notes/%s: en has %d sections, zh has %d", file, len(en), len(zh))
		}
	}
}

func TestListParsesNumberNameTitleAndSummary(t *testing.T) {
	for _, lang := range Languages {
		list, err := List(lang)
		if err != nil {
			t.Fatalf("List(%q): %v", lang, err)
		}
		if len(list) < 3 {
			t.Fatalf("List(%q) = %d lessons, want at least the 7 of steps 0-6", lang, len(list))
		}
		for i, l := range list {
			if i > 0 && list[i-1].Number >= l.Number {
				t.Errorf("%s: lesson %d listed after %d; want ascending numbers", lang, l.Number, list[i-1].Number)
			}
			if l.Title == "" || l.Summary == "" || strings.Contains(l.Summary, "\n") {
				t.Errorf("%s: lesson %d %q: title %q, summary %q; want both, summary on one line", lang, l.Number, l.Name, l.Title, l.Summary)
			}
		}
	}
	list, _ := List("en")
	want := []Lesson{
		{Name: "process", Number: 6, Step: 0, Title: "Step 0: a plain process"},
		{Name: "chroot", Number: 7, Step: 1},
		{Name: "namespaces", Number: 8, Step: 2, Title: "Step 2: namespaces"},
	}
	for _, w := range want {
		l, _, err := Get("en", w.Name)
		if err != nil || l.Number != w.Number || l.Step != w.Step || (w.Title != "" && l.Title != w.Title) {
			t.Errorf("Get(en, %s) = %+v, %v; want number %d, step %d, title %q", w.Name, l, err, w.Number, w.Step, w.Title)
		}
	}
	// Every step has its lesson, and ForStep agrees with the list.
	steps := map[int]string{}
	for _, l := range list {
		if l.Step >= 0 {
			steps[l.Step] = l.Name
		}
	}
	for step := 0; step <= 6; step++ {
		name, ok := ForStep(step)
		if !ok || steps[step] != name {
			t.Errorf("ForStep(%d) = %q, %v; the list has %q for that step", step, name, ok, steps[step])
		}
	}
	if _, ok := ForStep(7); ok {
		t.Error("ForStep(7) found a lesson; there is no step 7")
	}
}

func TestGetByNameNumberOrFileName(t *testing.T) {
	for _, arg := range []string{"namespaces", "8", "08", "step2", "08-namespaces", "08-namespaces.md", " Namespaces "} {
		l, md, err := Get("en", arg)
		if err != nil {
			t.Errorf("Get(en, %q): %v", arg, err)
			continue
		}
		if l.Name != "namespaces" || l.Number != 8 || !strings.HasPrefix(md, "# Step 2: namespaces\n") {
			t.Errorf("Get(en, %q) = %+v, markdown starting %q", arg, l, firstLine(md))
		}
	}
	l, md, err := Get("zh", "chroot")
	if err != nil || l.Step != 1 || !strings.HasPrefix(md, "# 第 1 步") {
		t.Errorf("Get(zh, chroot) = %+v, %q, %v; want the Chinese lesson of step 1", l, firstLine(md), err)
	}
}

func TestGetUnknownNamesTheLessons(t *testing.T) {
	_, _, err := Get("en", "cgroupz")
	if err == nil {
		t.Fatal("Get(en, cgroupz) succeeded")
	}
	for _, want := range []string{`"cgroupz"`, "6 process", "7 chroot", "8 namespaces"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %s", err, want)
		}
	}
	if _, _, err := Get("en", "99"); err == nil {
		t.Error("Get(en, 99) succeeded")
	}
	_, _, err = Get("fr", "namespaces")
	if err == nil || err.Error() != `unknown language "fr"; use en or zh` {
		t.Errorf("Get(fr, ...) error = %v", err)
	}
}

func TestNote(t *testing.T) {
	for _, lang := range Languages {
		for step := 0; step <= 2; step++ {
			note, ok := Note(lang, step)
			if !ok || !strings.Contains(note, "dockling lesson ") {
				t.Errorf("Note(%s, %d) = %q, %v; want a note that names a lesson", lang, step, note, ok)
			}
			if n := strings.Count(strings.TrimSpace(note), "\n") + 1; n < 4 || n > 8 {
				t.Errorf("Note(%s, %d) has %d lines, want 4 to 8", lang, step, n)
			}
		}
	}
	if note, ok := Note("en", 99); ok {
		t.Errorf("Note(en, 99) = %q, want none", note)
	}
	zh, _ := Note("zh", 2)
	en, _ := Note("en", 2)
	if zh == en {
		t.Error("Note(zh, 2) is the English note")
	}
}

func TestLangFromFlagThenLocale(t *testing.T) {
	cases := []struct {
		flag, lcAll, lcMessages, lang, want string
	}{
		{"", "", "", "", "en"},
		{"", "", "", "zh_CN.UTF-8", "zh"},
		{"", "", "", "en_US.UTF-8", "en"},
		{"", "", "", "C", "en"},
		{"", "", "zh_TW.UTF-8", "en_US.UTF-8", "zh"},
		{"", "en_GB.UTF-8", "zh_CN.UTF-8", "zh_CN.UTF-8", "en"}, // LC_ALL wins
		{"", "ZH_cn", "", "", "zh"},
		{"en", "", "", "zh_CN.UTF-8", "en"}, // the flag wins
		{"zh", "", "", "", "zh"},
		{"fr", "", "", "", "fr"}, // returned for the command to reject
	}
	for _, c := range cases {
		t.Setenv("LC_ALL", c.lcAll)
		t.Setenv("LC_MESSAGES", c.lcMessages)
		t.Setenv("LANG", c.lang)
		if got := Lang(c.flag); got != c.want {
			t.Errorf("Lang(%q) with LC_ALL=%q LC_MESSAGES=%q LANG=%q = %q, want %q",
				c.flag, c.lcAll, c.lcMessages, c.lang, got, c.want)
		}
	}
	if err := CheckLang("fr"); err == nil || !strings.Contains(err.Error(), "use en or zh") {
		t.Errorf("CheckLang(fr) = %v", err)
	}
	for _, l := range Languages {
		if err := CheckLang(l); err != nil {
			t.Errorf("CheckLang(%s) = %v", l, err)
		}
	}
}

// TestCommandLinesUseKnownSubcommands checks every line in a code block that
// starts with "dockling " (after an optional "$ ", "# " or "sudo "): a
// lesson must not teach a command dockling does not have.
func TestCommandLinesUseKnownSubcommands(t *testing.T) {
	checked := 0
	err := fs.WalkDir(files, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".md") {
			return err
		}
		for i, cmd := range codeCommandLines(read(t, p)) {
			fields := strings.Fields(cmd)
			checked++
			if len(fields) < 2 || !allowedSubcommands[fields[1]] {
				t.Errorf("%s: command %d %q: subcommand not in allowedSubcommands", p, i+1, cmd)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if checked == 0 {
		t.Fatal("found no dockling command lines to check")
	}
}

// codeCommandLines returns the lines in code blocks (fenced or indented)
// that run dockling.
func codeCommandLines(md string) []string {
	var cmds []string
	inFence := false
	for _, line := range strings.Split(md, "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "```") {
			inFence = !inFence
			continue
		}
		if !inFence && !strings.HasPrefix(line, "    ") {
			continue
		}
		s := strings.TrimSpace(line)
		for _, prefix := range []string{"$ ", "# ", "sudo "} {
			s = strings.TrimPrefix(s, prefix)
		}
		if strings.HasPrefix(s, "dockling ") {
			cmds = append(cmds, s)
		}
	}
	return cmds
}

func TestCodeCommandLines(t *testing.T) {
	md := "text dockling run x\n```sh\n$ dockling step 1\n# dockling lesson\nls\n  sudo dockling doctor\n```\n    dockling step 2\n"
	want := []string{"dockling step 1", "dockling lesson", "dockling doctor", "dockling step 2"}
	if got := codeCommandLines(md); !reflect.DeepEqual(got, want) {
		t.Errorf("codeCommandLines = %q, want %q", got, want)
	}
}

func indexOf(list []string, s string) int {
	for i, v := range list {
		if v == s {
			return i
		}
	}
	return -1
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}
