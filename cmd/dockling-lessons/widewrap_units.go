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

// wrapWide wraps styled text at width columns. Lines may break at a space
// (which is dropped) or on either side of a wide character, so Chinese text
// fills its lines; a narrow word is never split.
func wrapWide(s string, width int) []string {
	var (
		lines   []string
		line    strings.Builder
		lineW   int
		pending []unit // spaces and escapes since the last word
		prev    unitKind
	)
	for _, u := range splitUnits(s) {
		switch u.kind {
		case space, escape:
			pending = append(pending, u)
			continue
		}
		spaceW, hasSpace := 0, false
		for _, p := range pending {
			if p.kind == space {
				spaceW += p.width
				hasSpace = true
			}
		}
		canBreak := hasSpace || u.kind == wideChar || prev == wideChar
		if u.kind == wideChar && strings.ContainsAny(u.text, noLineStart) {
			canBreak = false
		}
		if lineW > 0 && canBreak && lineW+spaceW+u.width > width {
			for _, p := range pending { // keep the styles, drop the spaces
				if p.kind == escape {
					line.WriteString(p.text)
				}
			}
			lines = append(lines, line.String())
			line.Reset()
			lineW = 0
		} else {
			for _, p := range pending {
				line.WriteString(p.text)
			}
			lineW += spaceW
		}
		pending = nil
		line.WriteString(u.text)
		lineW += u.width
		prev = u.kind
	}
	for _, p := range pending {
		if p.kind == escape {
			line.WriteString(p.text)
		}
	}
	return append(lines, line.String())
}

// splitUnits cuts styled text into units.
func splitUnits(s string) []unit {
	var units []unit
	inWord := func() bool { return len(units) > 0 && units[len(units)-1].kind == word }
	for i := 0; i < len(s); {
		if s[i] == '\x1b' {
			n := escapeLen(s[i:])
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
		switch {
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
