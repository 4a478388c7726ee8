package main

import (
	"strings"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
)

// A unit is what wrapWide places on a line as a whole: a run of narrow
// characters (a word), one wide character, a space, or an escape sequence
// that sits between them. Escape sequences inside a word stay in the word.
type unit struct {
	text  string
	width int
	kind  unitKind
}

type unitKind int

const (
	word unitKind = iota
	wideChar
	space
	escape
)

// noLineStart are the punctuation marks that must not begin a line in
// Chinese typesetting; a break before them moves to the character before.
const noLineStart = "，。、；：？！）」』》”’…"

// noLineEnd are the opening marks that must not end a line; they move to
// the next line with the text they open.
const noLineEnd = "（「『《“‘"

// wrapWide wraps styled text at width columns. Lines may break at a space
// (which is dropped) or on either side of a wide character, so Chinese text
// fills its lines; a narrow word is never split, and a closing punctuation
// mark takes the character before it along to the next line rather than
// begin a line itself.
func wrapWide(s string, width int) []string {
	var (
		lines   []string
		line    []unit // what the current line holds so far
		lineW   int
		pending []unit // spaces and escapes since the last word
		prev    unitKind
	)
	for _, u := range splitUnits(s) {
		if u.kind == space || u.kind == escape {
			pending = append(pending, u)
			continue
		}
		spaceW := widthOf(pending, space)
		canBreak := spaceW > 0 || u.kind == wideChar || prev == wideChar
		if lineW == 0 || !canBreak || lineW+spaceW+u.width <= width {
			line = append(line, pending...)
			lineW += spaceW
		} else {
			carry := []unit(nil)
			if spaceW == 0 && u.kind == wideChar && strings.ContainsAny(u.text, noLineStart) {
				// The word or character before the mark goes along.
				line, carry = splitBeforeLast(line, "")
			}
			if len(carry) == 0 {
				line, carry = splitBeforeLast(line, noLineEnd)
			}
			lines = append(lines, join(line))
			// The styles between stay in order; the spaces go.
			line = append(carry, onlyEscapes(pending)...)
			lineW = widthOf(carry, wideChar) + widthOf(carry, word)
		}
		pending = nil
		line = append(line, u)
		lineW += u.width
		prev = u.kind
	}
	line = append(line, onlyEscapes(pending)...)
	return closeStyles(append(lines, join(line)))
}

// closeStyles ends every line that leaves a style on (a colour, inline
// code's background) with a reset, and starts the next line with the
// styles again: the indent that goes in front of each line, and the
// padding after it, must not be painted.
func closeStyles(lines []string) []string {
	active := ""
	for i, l := range lines {
		l = active + l
		for j := 0; j < len(l); j++ {
			if l[j] != '\x1b' {
				continue
			}
			n := escapeLen(l[j:])
			if seq := l[j : j+n]; seq == "\x1b[0m" || seq == "\x1b[m" {
				active = ""
			} else if strings.HasSuffix(seq, "m") {
				active += seq
			}
			j += n - 1
		}
		if active != "" {
			l += "\x1b[0m"
		}
		lines[i] = l
	}
	return lines
}

// splitBeforeLast cuts line before its last word or wide character (when
// only is not empty: before its last character if it is one of only), so
// it can move to the next line; a line of one unit stays.
func splitBeforeLast(line []unit, only string) (keep, carry []unit) {
	for i := len(line) - 1; i > 0; i-- {
		switch {
		case line[i].kind == escape:
			continue
		case only == "" && (line[i].kind == word || line[i].kind == wideChar),
			line[i].kind == wideChar && strings.ContainsAny(line[i].text, only):
			return line[:i], append([]unit(nil), line[i:]...)
		}
		break
	}
	return line, nil
}

func widthOf(units []unit, kind unitKind) int {
	w := 0
	for _, u := range units {
		if u.kind == kind {
			w += u.width
		}
	}
	return w
}

func onlyEscapes(units []unit) []unit {
	var out []unit
	for _, u := range units {
		if u.kind == escape {
			out = append(out, u)
		}
	}
	return out
}

func join(units []unit) string {
	var b strings.Builder
	for _, u := range units {
		b.WriteString(u.text)
	}
	return b.String()
}

// splitUnits cuts styled text into units. glamour pads inline code with a
// space on each side, on the code's background colour: those two spaces
// belong to the code and never become a break.
func splitUnits(s string) []unit {
	var units []unit
	inWord := func() bool { return len(units) > 0 && units[len(units)-1].kind == word }
	background, codeStarts := false, false
	for i := 0; i < len(s); {
		if s[i] == '\x1b' {
			n := escapeLen(s[i:])
			on := setsBackground(s[i : i+n])
			codeStarts = codeStarts || on && !background
			background = on
			if inWord() {
				units[len(units)-1].text += s[i : i+n]
			} else {
				units = append(units, unit{text: s[i : i+n], kind: escape})
			}
			i += n
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		ch := s[i : i+n]
		i += n
		codeEdge := background && (codeStarts || i < len(s) && s[i] == '\x1b')
		codeStarts = false
		switch {
		case r == ' ' && codeEdge && inWord():
			units[len(units)-1].text += ch
			units[len(units)-1].width++
		case r == ' ' && codeEdge:
			units = append(units, unit{text: ch, width: 1, kind: word})
		case r == ' ':
			units = append(units, unit{text: ch, width: 1, kind: space})
		case isWide(r):
			units = append(units, unit{text: ch, width: 2, kind: wideChar})
		case inWord():
			units[len(units)-1].text += ch
			units[len(units)-1].width += ansi.StringWidth(ch)
		default:
			units = append(units, unit{text: ch, width: ansi.StringWidth(ch), kind: word})
		}
	}
	return units
}

// escapeLen is the length of the escape sequence at the start of s: a CSI
// sequence such as a colour ("ESC [ ... m"), or else ESC and one byte.
func escapeLen(s string) int {
	if len(s) < 2 {
		return len(s)
	}
	if s[1] != '[' {
		return 2
	}
	for j := 2; j < len(s); j++ {
		if s[j] >= 0x40 && s[j] <= 0x7e {
			return j + 1
		}
	}
	return len(s)
}
