package main

import (
	"regexp"
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// fitWideText makes glamour's paragraphs fit in limit columns.
//
// glamour breaks lines only at spaces. Chinese puts no spaces between words,
// so a Chinese sentence is one long "word" that runs past the right edge,
// and the terminal then continues it at column 0, outside the margin; and
// after a hyphen glamour can overshoot by a column or two. needsRewrap says
// which blocks are wrapped again; code, tables and everything else stay
// exactly as glamour made them.
func fitWideText(rendered string, limit int) string {
	lines := strings.Split(rendered, "\n")
	out := make([]string, 0, len(lines))
	for i := 0; i < len(lines); {
		end := blockEnd(lines, i)
		block := lines[i:end]
		if !continuesCode(lines, i) && needsRewrap(block, limit) {
			out = append(out, rewrap(block, limit)...)
		} else {
			out = append(out, block...)
		}
		i = end
	}
	return strings.Join(out, "\n")
}

// rightMargin is the blank space glamour keeps at the right of the text.
const rightMargin = 2

// listItem matches the start of a rendered list item: a bullet or "3. ".
var listItem = regexp.MustCompile(`^(•|\d+\.) `)

// visible is a rendered line as the reader sees it: no escape codes, and
// without the spaces glamour pads every line with up to the full width.
func visible(line string) string {
	return strings.TrimRight(ansi.Strip(line), " ")
}

func indentOf(v string) int {
	return len(v) - len(strings.TrimLeft(v, " "))
}

// blockEnd returns the end of the paragraph that starts at lines[i]: the
// following non-blank lines with the same indent, up to the next list item.
// glamour gives list items no hanging indent, so the marker is the only
// sign where one item ends and the next begins.
func blockEnd(lines []string, i int) int {
	first := visible(lines[i])
	if first == "" {
		return i + 1
	}
	indent := indentOf(first)
	j := i + 1
	for ; j < len(lines); j++ {
		v := visible(lines[j])
		if v == "" || indentOf(v) != indent || listItem.MatchString(v[indent:]) {
			break
		}
	}
	return j
}

// needsRewrap picks the blocks glamour wrapped badly: prose that runs past
// the edge (glamour can overshoot after a hyphen, and cannot break Chinese at
// all), and Chinese prose over several lines, where glamour broke only at the
// few spaces and left ragged lines. Tables and block quotes, drawn with box
// characters, and code, indented further, keep glamour's layout.
// continuesCode reports whether lines[i] is part of the rest of a code line
// too long for the terminal: glamour cuts such a line anywhere and continues
// it, less indented, right below the code. Prose starts after a blank line.
func continuesCode(lines []string, i int) bool {
	indent := indentOf(visible(lines[i]))
	for j := i - 1; j >= 0; j-- {
		above := visible(lines[j])
		switch {
		case above == "":
			return false
		case indentOf(above) > indent:
			return true
		case indentOf(above) < indent:
			return false
		}
	}
	return false
}

func needsRewrap(block []string, limit int) bool {
	const codeIndent = 4
	if indentOf(visible(block[0])) >= codeIndent {
		return false
	}
	wide, overflow := false, false
	for _, line := range block {
		v := visible(line)
		if strings.ContainsAny(v, "│─┼") {
			return false
		}
		wide = wide || hasWide(v)
		overflow = overflow || ansi.StringWidth(v) > limit
	}
	return overflow || wide && len(block) > 1
}

// hasWide reports whether s has a character that takes two columns.
func hasWide(s string) bool {
	for _, r := range s {
		if isWide(r) {
			return true
		}
	}
	return false
}

func isWide(r rune) bool {
	return r >= 0x1100 && ansi.StringWidth(string(r)) == 2
}

// rewrap joins the block's lines back into one paragraph, keeping their
// styles, and wraps it again, indenting every line as the first one was.
func rewrap(block []string, limit int) []string {
	indent := indentOf(visible(block[0]))
	var text strings.Builder
	prevEnd := ""
	for i, line := range block {
		v := visible(line)
		if i > 0 && !strings.HasSuffix(prevEnd, "-") {
			// glamour broke the line at a space (or after a hyphen, which
			// stays where it is), so a space goes back in.
			text.WriteByte(' ')
		}
		text.WriteString(ansi.Cut(line, indent, ansi.StringWidth(v)))
		prevEnd = v
	}
	pad := strings.Repeat(" ", indent)
	lines := wrapWide(text.String(), max(limit-indent-rightMargin, 10))
	for i, l := range lines {
		lines[i] = pad + l
	}
	return lines
}
