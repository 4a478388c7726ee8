// Package lessons holds the Markdown lessons and step notes, embedded in the
// binary, in English and Chinese.
//
// A lesson is lessons/<lang>/NN-name.md, NN its place in the course (the
// course order: why containers, VMs, ..., the seven step lessons, docker,
// ..., where next): the first line is "# Title", the
// first paragraph after it is a one-line summary for the list, and the body
// has the same "##" sections in both languages. A step note is
// lessons/<lang>/notes/stepN.md, a few lines printed after `dockling step N`.
//
// This package returns Markdown as text and never renders it: it is linked
// into the lean dockling binary, which must not pay for a Markdown renderer's
// start-up cost on every container start (see DESIGN.md, "Speed").
package lessons

import (
	"embed"
	"fmt"
	"io/fs"
	"os"
	"path"
	"sort"
	"strconv"
	"strings"
)

//go:embed en zh
var files embed.FS

// Languages are the languages every lesson is written in; the first one is
// the fallback when a lesson has not been translated yet.
var Languages = []string{"en", "zh"}

// Lesson describes one lesson file.
type Lesson struct {
	Name    string // file name without number prefix and ".md", e.g. "namespaces"
	Title   string // the "# " heading, e.g. "Step 2: namespaces"
	Summary string // the first paragraph, one line
	Number  int    // its place in the course, from the file name's prefix: 8 for "08-namespaces.md"
	Step    int    // the `dockling step` it explains, or -1 for a lesson that is not about a step
}

// stepLessons names the lesson that explains each `dockling step N`, so that
// "step2" finds "namespaces" whatever its place in the course.
var stepLessons = []string{"process", "chroot", "namespaces", "cgroups", "overlay", "network", "volumes"}

// ForStep returns the name of the lesson about `dockling step N`, false for
// a step there is no lesson about.
func ForStep(step int) (string, bool) {
	if step < 0 || step >= len(stepLessons) {
		return "", false
	}
	return stepLessons[step], true
}

// CheckLang returns an error for a language there are no lessons in.
func CheckLang(lang string) error {
	for _, l := range Languages {
		if lang == l {
			return nil
		}
	}
	return fmt.Errorf("unknown language %q; use en or zh", lang)
}

// Lang picks the language: the flag's value if it is set (validate it with
// CheckLang), else the locale from LC_ALL, LC_MESSAGES or LANG, the first one
// set, as the C library decides which one wins. Any zh* locale means Chinese;
// everything else, including no locale at all, means English.
func Lang(flag string) string {
	if flag != "" {
		return flag
	}
	for _, name := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if v := os.Getenv(name); v != "" {
			if strings.HasPrefix(strings.ToLower(v), "zh") {
				return "zh"
			}
			return "en"
		}
	}
	return "en"
}

// List returns the lessons in lang, ordered by number. A lesson that exists
// only in English is listed in English rather than left out.
func List(lang string) ([]Lesson, error) {
	if err := CheckLang(lang); err != nil {
		return nil, err
	}
	byNumber := map[int]Lesson{}
	for _, l := range []string{Languages[0], lang} { // lang last: it wins
		entries, err := fs.ReadDir(files, l)
		if err != nil {
			return nil, fmt.Errorf("read the embedded %s lessons: %w", l, err)
		}
		for _, e := range entries {
			if e.IsDir() || !strings.HasSuffix(e.Name(), ".md") {
				continue
			}
			lesson, _, err := load(l, e.Name())
			if err != nil {
				return nil, err
			}
			byNumber[lesson.Number] = lesson
		}
	}
	list := make([]Lesson, 0, len(byNumber))
	for _, lesson := range byNumber {
		list = append(list, lesson)
	}
	sort.Slice(list, func(i, j int) bool { return list[i].Number < list[j].Number })
	return list, nil
}

// Get finds a lesson by name ("namespaces"), number in the course ("8" or
// "08"), step ("step2") or file name ("08-namespaces", with or without
// ".md") and returns it with its
// Markdown. The error for an unknown lesson names the ones there are.
func Get(lang, nameOrNumber string) (Lesson, string, error) {
	list, err := List(lang)
	if err != nil {
		return Lesson{}, "", err
	}
	want := strings.TrimSuffix(strings.ToLower(strings.TrimSpace(nameOrNumber)), ".md")
	for _, lesson := range list {
		if matches(lesson, want) {
			return readLesson(lang, lesson)
		}
	}
	names := make([]string, len(list))
	for i, lesson := range list {
		names[i] = fmt.Sprintf("%d %s", lesson.Number, lesson.Name)
	}
	return Lesson{}, "", fmt.Errorf("no lesson %q; choose one of: %s", nameOrNumber, strings.Join(names, ", "))
}

// Note returns the short note printed after `dockling step N`, in lang or
// else in English; false if the step has none.
func Note(lang string, step int) (string, bool) {
	name := fmt.Sprintf("step%d.md", step)
	for _, l := range []string{lang, Languages[0]} {
		if data, err := files.ReadFile(path.Join(l, "notes", name)); err == nil {
			return string(data), true
		}
	}
	return "", false
}

func matches(lesson Lesson, want string) bool {
	if want == lesson.Name || want == fileStem(lesson) {
		return true
	}
	if lesson.Step >= 0 && want == fmt.Sprintf("step%d", lesson.Step) {
		return true
	}
	n, err := strconv.Atoi(want)
	return err == nil && n == lesson.Number
}

// fileStem is the file name without ".md", e.g. "02-namespaces".
func fileStem(lesson Lesson) string {
	return fmt.Sprintf("%02d-%s", lesson.Number, lesson.Name)
}

// readLesson reads a listed lesson in lang, or in English if it has not
// been translated yet (List listed it from there).
func readLesson(lang string, lesson Lesson) (Lesson, string, error) {
	file := fileStem(lesson) + ".md"
	if _, err := fs.Stat(files, path.Join(lang, file)); err != nil {
		lang = Languages[0]
	}
	return load(lang, file)
}

// load reads and parses lang/file.
func load(lang, file string) (Lesson, string, error) {
	p := path.Join(lang, file)
	data, err := files.ReadFile(p)
	if err != nil {
		return Lesson{}, "", fmt.Errorf("read lesson %s: %w", p, err)
	}
	lesson, err := parse(file, string(data))
	if err != nil {
		return Lesson{}, "", fmt.Errorf("lesson %s: %w", p, err)
	}
	return lesson, string(data), nil
}

// parse reads the number and name from a file name like "02-namespaces.md",
// and the title and summary from the Markdown.
func parse(file, md string) (Lesson, error) {
	prefix, name, ok := strings.Cut(strings.TrimSuffix(file, ".md"), "-")
	n, err := strconv.Atoi(prefix)
	if !ok || err != nil || name == "" {
		return Lesson{}, fmt.Errorf("file name must look like NN-name.md")
	}
	lines := strings.Split(strings.ReplaceAll(md, "\r\n", "\n"), "\n")
	if len(lines) == 0 || !strings.HasPrefix(lines[0], "# ") {
		return Lesson{}, fmt.Errorf("first line must be the title, \"# ...\"")
	}
	lesson := Lesson{Name: name, Number: n, Step: -1, Title: strings.TrimSpace(lines[0][2:])}
	for step, stepName := range stepLessons {
		if name == stepName {
			lesson.Step = step
		}
	}
	lesson.Summary = firstParagraph(lines[1:])
	if lesson.Summary == "" {
		return Lesson{}, fmt.Errorf("a one-line summary paragraph must follow the title")
	}
	return lesson, nil
}

// firstParagraph joins the lines of the first paragraph, skipping blank
// lines before it, and stops at a heading.
func firstParagraph(lines []string) string {
	var para []string
	for _, l := range lines {
		l = strings.TrimSpace(l)
		switch {
		case strings.HasPrefix(l, "#"):
			return strings.Join(para, " ")
		case l == "" && len(para) > 0:
			return strings.Join(para, " ")
		case l != "":
			para = append(para, l)
		}
	}
	return strings.Join(para, " ")
}
