package main

import (
	"strings"

	"github.com/charmbracelet/x/ansi"
)

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

// docMargin is the margin glamour gives the whole document, and where it
// continues a code line it cut.
const docMargin = 2

// fitCode cuts again every code line wider than the terminal, width
// columns: glamour's own cut can leave a piece a column or two too wide,
// and a drawing can be wider than a narrow terminal, which would continue
// the line at column 0, outside the margin. The rest goes on the next line
// at the document's margin, as glamour continues a line it cut; the cut is
// at a space if there is one in the right half of the line.
func fitCode(block []string, width int) []string {
	if width < 4*docMargin {
		return block // no room to go on with a line
	}
	var out []string
	for _, line := range block {
		for {
			v := visible(line)
			w := ansi.StringWidth(v)
			if w <= width {
				out = append(out, line)
				break
			}
			at := codeCut(v, width)
			out = append(out, ansi.Cut(line, 0, at))
			rest := ansi.Cut(line, at, w)
			skip := len(ansi.Strip(rest)) - len(strings.TrimLeft(ansi.Strip(rest), " "))
			line = strings.Repeat(" ", docMargin) + ansi.Cut(rest, skip, w)
		}
	}
	return out
}

// codeCut returns the column to cut the visible line v at so that it fits
// in width: after the last space in the right half, else at the edge.
func codeCut(v string, width int) int {
	col, space := 0, 0
	for _, r := range v {
		w := ansi.StringWidth(string(r))
		if col+w > width {
			break
		}
		col += w
		if r == ' ' && col > width/2 {
			space = col
		}
	}
	if space > 0 {
		return space
	}
	return max(col, 1)
}
