package main

import (
	"slices"
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
// Chinese typesetting; each stays on the line of what it closes.
const noLineStart = "，。、；：？！）」』》”’…"

// noLineEnd are the opening marks that must not end a line; each goes to
// the line of the text it opens.
const noLineEnd = "（「『《“‘"

// narrowClosers are the ASCII marks that must not begin a line either;
// after a Chinese character (there is no space to keep them apart) they
// would make their own word.
const narrowClosers = ",.;:!?)]}"

// A piece is what wrapWide never breaks: a word or wide character with
// the closing marks after it and the opening marks before it ("ECI。",
// "器。”", "（弹"), and the spaces and styles between them.
type piece struct {
	before      []unit // spaces and escapes between it and the piece before
	units       []unit
	width       int
	last        unit // its last word or wide character
	breakBefore bool // a line may break before it with no space: it starts with a wide character
	breakAfter  bool // ... or after it: it ends with one
}

// splitPieces groups units into pieces, and returns what is left after the
// last piece (escapes, spaces).
func splitPieces(units []unit) (pieces []piece, rest []unit) {
	var pending []unit
	for _, u := range units {
		if u.kind == space || u.kind == escape {
			pending = append(pending, u)
			continue
		}
		n, spaced := len(pieces), widthOf(pending, space) > 0
		// A full-width closing mark stays with what it closes even across
		// a space ("ECI 。"); a narrow one ("…", ")") only when it
		// touches it: after a space it may start a word ("…/blobs/").
		closing := closes(u) && (!spaced || u.kind == wideChar)
		if n > 0 && (closing || !spaced && opens(pieces[n-1].last)) {
			p := &pieces[n-1]
			p.units = append(append(p.units, pending...), u)
			p.width += widthOf(pending, space) + u.width
			p.last, p.breakAfter = u, u.kind == wideChar
		} else {
			pieces = append(pieces, piece{before: pending, units: []unit{u}, width: u.width, last: u,
				breakBefore: u.kind == wideChar, breakAfter: u.kind == wideChar})
		}
		pending = nil
	}
	return pieces, pending
}

// chop cuts a piece that starts with a word too wide for any line (a URL,
// a long path in inline code) into pieces that fit, each cut after a "/"
// where there is one far enough along, else right at the edge. Better a
// word cut than a line past the edge, which the terminal would continue
// at column 0, outside the margin.
func chop(p piece, width int) []piece {
	u := p.units[0]
	extra := p.width - u.width // the punctuation that goes with its end
	if u.kind != word || extra >= width {
		return []piece{p}
	}
	var out []piece
	text, used := u.text, 0
	for u.width-used+extra > width {
		limit := width
		if u.width-used <= width {
			limit = width - extra // the last cut leaves room for the punctuation
		}
		cut, w := cutPoint(text, limit)
		if cut == 0 || cut == len(text) {
			break
		}
		chunk := unit{text: text[:cut], width: w, kind: word}
		out = append(out, piece{units: []unit{chunk}, width: w, last: chunk, breakAfter: true})
		text, used = text[cut:], used+w
	}
	rest := unit{text: text, width: u.width - used, kind: word}
	tail := piece{units: append([]unit{rest}, p.units[1:]...), width: p.width - used,
		last: p.last, breakBefore: true, breakAfter: p.breakAfter}
	if len(p.units) == 1 {
		tail.last = rest
	}
	out = append(out, tail)
	out[0].before, out[0].breakBefore = p.before, p.breakBefore
	return out
}

// cutPoint returns where to cut text so that the part before fits in
// width columns, and how wide that part is: after the last "/" if that is
// past half of width, else as far as fits. All of text if it fits.
func cutPoint(text string, width int) (at, w int) {
	col, slash, slashW := 0, 0, 0
	for i := 0; i < len(text); {
		if text[i] == '\x1b' {
			i += escapeLen(text[i:])
			continue
		}
		r, n := utf8.DecodeRuneInString(text[i:])
		cw := narrowWidth(r, text[i:i+n])
		if col+cw > width {
			if slashW > width/2 {
				return slash, slashW
			}
			return i, col
		}
		col, i = col+cw, i+n
		if r == '/' {
			slash, slashW = i, col
		}
	}
	return len(text), col
}

// closes reports whether u begins with a mark that must not begin a line.
func closes(u unit) bool {
	r := firstRune(u.text)
	return r != "" && (strings.Contains(noLineStart, r) || strings.Contains(narrowClosers, r))
}

// opens reports whether u ends with a mark that must not end a line.
func opens(u unit) bool {
	r := lastRune(u.text)
	return r != "" && strings.Contains(noLineEnd, r)
}

// firstRune and lastRune return the first and the last character of s,
// escape sequences left out, or "".
func firstRune(s string) string {
	if strings.IndexByte(s, '\x1b') >= 0 {
		s = ansi.Strip(s)
	}
	_, n := utf8.DecodeRuneInString(s)
	return s[:n]
}

func lastRune(s string) string {
	if strings.IndexByte(s, '\x1b') >= 0 {
		s = ansi.Strip(s)
	}
	_, n := utf8.DecodeLastRuneInString(s)
	return s[len(s)-n:]
}

// wrapWide wraps styled text at width columns. Lines may break at a space
// (which is dropped) or on either side of a wide character, so Chinese text
// fills its lines; a narrow word is never split, and punctuation stays with
// what it closes or opens (see piece).
func wrapWide(s string, width int) []string {
	pieces, rest := splitPieces(splitUnits(s))
	var (
		lines     []string
		line      []unit // what the current line holds so far
		lineW     int
		prevBreak bool // a line may break after the piece before
	)
	for k := 0; k < len(pieces); k++ {
		if pieces[k].width > width {
			pieces = slices.Replace(pieces, k, k+1, chop(pieces[k], width)...)
		}
		p := pieces[k]
		spaceW := widthOf(p.before, space)
		canBreak := spaceW > 0 || p.breakBefore || prevBreak
		if lineW == 0 || !canBreak || lineW+spaceW+p.width <= width {
			line = append(line, p.before...)
			lineW += spaceW
		} else {
			lines = append(lines, join(line))
			// The styles between stay in order; the spaces go.
			line, lineW = onlyEscapes(p.before), 0
		}
		line = append(line, p.units...)
		lineW += p.width
		prevBreak = p.breakAfter
	}
	line = append(line, onlyEscapes(rest)...)
	return closeStyles(append(lines, join(line)))
}

// closeStyles ends every line that leaves a style on (a colour, inline
// code's background) with a reset, and starts the next line with the
// styles again: the indent that goes in front of each line, and the
// padding after it, must not be painted.
func closeStyles(lines []string) []string {
	active := ""
	for i, l := range lines {
		// Only the line's own escapes are read: reading the styles put in
		// front again would add them to active once more, doubling it on
		// every line of a paragraph that never resets them.
		l, own := active+l, len(active)
		for j := own; j < len(l); j++ {
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
			units[len(units)-1].width += narrowWidth(r, ch)
		default:
			units = append(units, unit{text: ch, width: narrowWidth(r, ch), kind: word})
		}
	}
	return units
}

// narrowWidth is how many columns the character ch (r) that is not wide
// takes: one for printable ASCII and Latin-1, without asking the width
// tables, else what they say (0 for a combining mark).
func narrowWidth(r rune, ch string) int {
	if r >= ' ' && r < 0x300 && r != 0x7f && (r < 0x80 || r >= 0xa0) {
		return 1
	}
	return ansi.StringWidth(ch)
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
