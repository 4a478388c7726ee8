package main

import "strings"

// cutCodeRest returns how many of lines[i:end] are the rest of a code
// line too long for the terminal. glamour cuts such a line and continues
// it, less indented, right below the code; inside a list item a paragraph
// can follow the code with no blank line and at that same margin, so the
// rest ends where the Markdown's code line ends. It is what the Markdown
// line holding the code line above goes on with (src: the Markdown's lines
// without their spaces, as glamour drops a space where it cuts); a code
// line that is whole goes on with nothing.
func (pg page) cutCodeRest(i, end int, src []string) int {
	// A block starts where the margin changes, so the line above the rest
	// of a cut code line is the code line.
	if i == 0 || pg.margins[i-1] <= pg.margins[i] {
		return 0
	}
	above := squeeze(pg.shown[i-1])
	if above == "" {
		return 0
	}
	best := 0
	for _, line := range src {
		for from := 0; ; {
			k := strings.Index(line[from:], above)
			if k < 0 {
				break
			}
			from += k + 1
			rest, n := line[from-1+len(above):], 0
			for ; i+n < end && rest != ""; n++ {
				t := squeeze(pg.shown[i+n])
				if t == "" || !strings.HasPrefix(rest, t) {
					break
				}
				rest = rest[len(t):]
			}
			best = max(best, n)
		}
	}
	return best
}

// squeezedLines is md's lines with no spaces or tabs in them.
func squeezedLines(md string) []string {
	lines := strings.Split(md, "\n")
	for i, l := range lines {
		lines[i] = squeeze(l)
	}
	return lines
}

// squeeze takes every space and tab out of s.
func squeeze(s string) string {
	if !strings.ContainsAny(s, " \t") {
		return s
	}
	return strings.Map(func(r rune) rune {
		if r == ' ' || r == '\t' {
			return -1
		}
		return r
	}, s)
}

// codeEnd returns where the code that starts at line i inside a list item
// (at margin parent) ends, the rests of its cut lines included, and
// whether glamour cut any line of it. Such code is moved under the item's
// text as a whole or not at all: a cut line already takes the whole width,
// and moving only the blocks between the cuts would leave the code's lines
// at different columns.
func (pg page) codeEnd(i, parent int, items map[int]int, src []string) (end int, cut bool) {
	for i < len(pg.lines) && pg.shown[i] != "" {
		end, margin := pg.blockEnd(i), pg.margins[i]
		v := pg.shown[i]
		switch {
		case listItem.MatchString(v[min(margin, len(v)):]):
			return i, cut // a nested list
		case margin > parent && items[margin] == 0:
			i = end
		default: // the rest of a cut line, or the item's next paragraph
			n := pg.cutCodeRest(i, end, src)
			if n == 0 {
				return i, cut
			}
			i, cut = i+n, true
		}
	}
	return i, cut
}
