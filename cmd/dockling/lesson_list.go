package main

import (
	"fmt"
	"io"
	"os"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/dockling/dockling/lessons"
)

// listText is what the course list says around the lessons, per language.
type listText struct {
	stepTag  string // the step a step lesson explains, right after its name
	progress string // "%d of %d read. ", with the space before what follows
	next     string // "Next: %d %s (dockling lesson %d)"
	allRead  string
	howTo    string
}

var listTexts = map[string]listText{
	"en": {
		stepTag:  " (step %d)",
		progress: "%d of %d read. ",
		next:     "Next: %d %s (dockling lesson %d)",
		allRead:  "All read. Next: sudo dockling tour, or dockling run -it --rm hostbox sh",
		howTo:    "Read one: dockling lesson NAME or N; --lang en|zh picks the language.",
	},
	"zh": {
		stepTag:  "（第 %d 步）",
		progress: "共 %[2]d 课，已读 %[1]d 课。",
		next:     "下一课：%d %s（dockling lesson %d）",
		allRead:  "全部读完了。接下来：sudo dockling tour，或者 dockling run -it --rm hostbox sh",
		howTo:    "阅读某一课：dockling lesson 名称（或编号）；用 --lang en|zh 选择语言。",
	},
}

// listStyle is how the list is drawn: plain for pipes and files (full
// summaries, no escape codes), coloured and cut to the width on a terminal.
type listStyle struct {
	tty     bool
	columns int  // the terminal's width; summaries are cut to fit
	utf8    bool // ✓ where the locale can show it, [x] elsewhere
}

// listStyleFor looks at where the list goes.
func listStyleFor(w io.Writer) listStyle {
	s := listStyle{utf8: utf8Locale()}
	if f, ok := terminalFile(w); ok && os.Getenv("TERM") != "dumb" {
		s.tty = true
		if ws, err := unix.IoctlGetWinsize(int(f.Fd()), unix.TIOCGWINSZ); err == nil && ws.Col > 0 {
			s.columns = int(ws.Col)
		}
	}
	return s
}

// utf8Locale reports whether the locale's character set is UTF-8, decided
// as the C library (and tmux) decide it: the first of LC_ALL, LC_CTYPE and
// LANG that is set.
func utf8Locale() bool {
	for _, name := range []string{"LC_ALL", "LC_CTYPE", "LANG"} {
		if v := strings.ToLower(os.Getenv(name)); v != "" {
			return strings.Contains(v, "utf-8") || strings.Contains(v, "utf8")
		}
	}
	return false
}

// listLessons prints the course in order, one lesson a line: a mark if it
// has been read, its number, name (with the step it explains) and summary;
// then how many are read, which one comes next, and how to read one.
func listLessons(w io.Writer, lang string, read map[string]bool, style listStyle) error {
	list, err := lessons.List(lang)
	if err != nil {
		return err
	}
	text := listTexts[lang]
	names := make([]string, len(list))
	nameWidth, numWidth := 0, len(fmt.Sprint(list[len(list)-1].Number))
	for i, l := range list {
		names[i] = l.Name
		if l.Step >= 0 {
			names[i] += fmt.Sprintf(text.stepTag, l.Step)
		}
		nameWidth = max(nameWidth, displayWidth(names[i]))
	}
	readMark, unreadMark := "✓", " "
	if !style.utf8 {
		readMark, unreadMark = "[x]", "[ ]"
	}
	var b strings.Builder
	nRead, next := 0, -1
	for i, l := range list {
		mark := unreadMark
		if read[l.Name] {
			mark, nRead = readMark, nRead+1
		} else if next < 0 {
			next = i
		}
		markWidth := displayWidth(mark)
		if style.tty && read[l.Name] {
			mark = "\x1b[32m" + mark + "\x1b[0m" // green
		}
		prefix := fmt.Sprintf("%s %*d  %s%s  ", mark, numWidth, l.Number, names[i],
			strings.Repeat(" ", nameWidth-displayWidth(names[i])))
		summary := plainSummary(l.Summary)
		if style.tty && style.columns > 0 {
			// One line each on a terminal, so the whole course fits on a
			// screen; the full summary is the lesson's first paragraph.
			used := markWidth + 1 + numWidth + 2 + nameWidth + 2
			summary = truncateWidth(summary, style.columns-used-1)
		}
		line := prefix + summary
		if style.tty && i == next {
			line = "\x1b[1m" + line + "\x1b[0m" // bold: the one to read next
		}
		b.WriteString(line + "\n")
	}
	b.WriteString("\n" + fmt.Sprintf(text.progress, nRead, len(list)))
	if next >= 0 {
		l := list[next]
		b.WriteString(fmt.Sprintf(text.next, l.Number, l.Name, l.Number) + "\n")
	} else {
		b.WriteString(text.allRead + "\n")
	}
	b.WriteString(text.howTo + "\n")
	if _, err := io.WriteString(w, b.String()); err != nil {
		return fmt.Errorf("write the lesson list: %w", err)
	}
	return nil
}

// displayWidth is how many terminal columns s takes: two for each East
// Asian wide character, one for everything else. The lean CLI has no
// Unicode width tables (dockling-lessons does); these ranges cover the
// Chinese text and punctuation the lessons use.
func displayWidth(s string) int {
	w := 0
	for _, r := range s {
		w++
		if isWideRune(r) {
			w++
		}
	}
	return w
}

func isWideRune(r rune) bool {
	switch {
	case r >= 0x1100 && r <= 0x115f, // Hangul Jamo
		r >= 0x2e80 && r <= 0x303e, // CJK radicals, punctuation
		r >= 0x3041 && r <= 0x33ff, // kana, CJK symbols
		r >= 0x3400 && r <= 0x4dbf, // CJK extension A
		r >= 0x4e00 && r <= 0x9fff, // CJK unified ideographs
		r >= 0xa000 && r <= 0xa4cf, // Yi
		r >= 0xac00 && r <= 0xd7a3, // Hangul syllables
		r >= 0xf900 && r <= 0xfaff, // CJK compatibility ideographs
		r >= 0xfe30 && r <= 0xfe4f, // CJK compatibility forms
		r >= 0xff00 && r <= 0xff60, // full-width forms: （），：；
		r >= 0xffe0 && r <= 0xffe6,
		r >= 0x20000 && r <= 0x3fffd:
		return true
	}
	return false
}

// truncateWidth cuts s to at most width columns, ending in "…" if it had
// to cut.
func truncateWidth(s string, width int) string {
	if displayWidth(s) <= width {
		return s
	}
	if width < 1 {
		return ""
	}
	var b strings.Builder
	w := 0
	for _, r := range s {
		rw := displayWidth(string(r))
		if w+rw > width-1 {
			break
		}
		b.WriteRune(r)
		w += rw
	}
	return strings.TrimRight(b.String(), " ") + "…"
}

// plainSummary is a summary without the Markdown marks for code and bold,
// which the list shows as it is, not rendered.
func plainSummary(md string) string {
	return strings.NewReplacer("`", "", "**", "").Replace(md)
}
