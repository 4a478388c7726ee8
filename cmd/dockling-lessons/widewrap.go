package main

import (
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
)

// fitWideText makes glamour's paragraphs and list items fit in limit
// columns and read well; source is the Markdown they were rendered from.
//
// glamour breaks lines only at spaces, and in list items also after
// ",.;-+|" (so "10.77.0.1/16" can end up split after "10."). Chinese puts
// no spaces between words, so a Chinese sentence is one long "word" that
// runs past the right edge, and the terminal then continues it at column
// 0, outside the margin. And glamour gives list items no hanging indent,
// which leaves a numbered list hard to scan. So list items are always
// wrapped again, hanging under their text, and so is other prose (see
// needsRewrap); code and tables stay exactly as glamour made them.
func fitWideText(rendered, source string, limit int) string {
	whole := sourceLines(source)
	// What the reader sees of the Markdown, to tell where glamour broke a
	// line at a space (see brokeAtSpace).
	source = strings.NewReplacer("`", "", "*", "").Replace(source)
	lines := strings.Split(rendered, "\n")
	out := make([]string, 0, len(lines))
	// items maps the margin of each list item still open to the column its
	// text starts at, once hung: what glamour puts inside an item (another
	// paragraph, code, a nested list) moves under that text. A blank line
	// closes them all.
	items := map[int]int{}
	listEnded := false
	for i := 0; i < len(lines); {
		start, end := i, blockEnd(lines, i)
		block := lines[start:end]
		i = end
		v := visible(block[0])
		margin := marginOf(block[0])
		marker := listItem.FindString(v[min(margin, len(v)):])
		parent, inItem := enclosingItem(items, margin)
		switch {
		case v == "":
			// glamour ends a nested list with two blank lines; one will do.
			if listEnded && len(out) > 0 && visible(out[len(out)-1]) == "" {
				continue
			}
			listEnded = len(items) > 0
			clear(items)
			out = append(out, block...)
			continue
		case isTable(block):
			out = append(out, block...)
		case marker != "":
			for m := range items {
				if m > margin { // a nested list there has ended
					delete(items, m)
				}
			}
			at := margin
			if inItem {
				// glamour indents a nested list two columns past its
				// parent's margin; it belongs under the parent's text.
				at = items[parent] + margin - parent - nestedListIndent
			}
			items[margin] = at + ansi.StringWidth(marker)
			out = append(out, rewrap(block, source, limit, at, ansi.StringWidth(marker), true)...)
		case continuesCode(lines, start, whole):
			out = append(out, block...)
		case items[margin] > 0: // the item's next paragraph
			out = append(out, rewrap(block, source, limit, items[margin], 0, false)...)
		case inItem: // code inside an item
			out = append(out, shiftRight(block, items[parent]-parent, limit)...)
		case margin >= codeIndent:
			out = append(out, block...)
		case needsRewrap(block, limit):
			out = append(out, rewrap(block, source, limit, margin, 0, false)...)
		default:
			out = append(out, block...)
		}
		listEnded = false
	}
	return strings.Join(out, "\n")
}

// nestedListIndent is how much further glamour indents a nested list.
const nestedListIndent = 2

// enclosingItem returns the margin of the innermost open list item that
// a block at margin is inside of (an item with a smaller margin).
func enclosingItem(items map[int]int, margin int) (int, bool) {
	best, ok := -1, false
	for m := range items {
		if m < margin && m > best {
			best, ok = m, true
		}
	}
	return best, ok
}

// shiftRight indents block by n more columns, unless a line would then
// run past the edge: code is better a little out of line than cut.
func shiftRight(block []string, n, limit int) []string {
	if n <= 0 {
		return block
	}
	for _, line := range block {
		if ansi.StringWidth(visible(line))+n > limit {
			return block
		}
	}
	pad := strings.Repeat(" ", n)
	out := make([]string, len(block))
	for i, line := range block {
		out[i] = pad + line
	}
	return out
}

// rightMargin is the blank space glamour keeps at the right of the text.
const rightMargin = 2

// codeIndent is where glamour puts code blocks: the document's margin of
// two plus the code block's own two.
const codeIndent = 4

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

// marginOf counts the blank columns glamour put at the start of a rendered
// line. A line can start with inline code, which glamour pads with a space
// on its own background colour: that space is text, not margin.
func marginOf(line string) int {
	n, background := 0, false
	for i := 0; i < len(line); {
		if line[i] == '\x1b' {
			l := escapeLen(line[i:])
			background = setsBackground(line[i : i+l])
			i += l
			continue
		}
		if line[i] != ' ' || background {
			return n
		}
		n++
		i++
	}
	return n
}

// contentEnd is the column after the last character of a rendered line
// that is text: glamour pads lines with spaces, but a space on a
// background colour (inline code's padding) is text.
func contentEnd(line string) int {
	col, end, background := 0, 0, false
	for i := 0; i < len(line); {
		if line[i] == '\x1b' {
			n := escapeLen(line[i:])
			background = setsBackground(line[i : i+n])
			i += n
			continue
		}
		r, n := utf8.DecodeRuneInString(line[i:])
		col += ansi.StringWidth(string(r))
		if r != ' ' || background {
			end = col
		}
		i += n
	}
	return end
}

// setsBackground reports whether the escape sequence seq sets a background
// colour (glamour's are SGR, "ESC [ 38;5;203;48;5;236 m" for inline code).
// Any other sequence ends the background as far as these functions care:
// glamour paints its padding after inline code with a foreground colour
// only, and that padding is not text.
func setsBackground(seq string) bool {
	if len(seq) < 3 || seq[1] != '[' || seq[len(seq)-1] != 'm' {
		return false
	}
	params := strings.Split(seq[2:len(seq)-1], ";")
	for i := 0; i < len(params); i++ {
		switch p := params[i]; p {
		case "48":
			return true
		case "38": // 256 colours (5;N) or RGB (2;R;G;B) follow
			if i+1 < len(params) && params[i+1] == "5" {
				i += 2
			} else if i+1 < len(params) && params[i+1] == "2" {
				i += 4
			}
		default:
			if n, err := strconv.Atoi(p); err == nil && (n >= 40 && n <= 47 || n >= 100 && n <= 107) {
				return true
			}
		}
	}
	return false
}

// blockEnd returns the end of the paragraph that starts at lines[i]: the
// following non-blank lines with the same margin, up to the next list item.
// glamour gives list items no hanging indent, so the marker is the only
// sign where one item ends and the next begins.
func blockEnd(lines []string, i int) int {
	if visible(lines[i]) == "" {
		return i + 1
	}
	margin := marginOf(lines[i])
	j := i + 1
	for ; j < len(lines); j++ {
		v := visible(lines[j])
		if v == "" || marginOf(lines[j]) != margin || listItem.MatchString(v[min(margin, len(v)):]) {
			break
		}
	}
	return j
}

// isTable reports whether block is drawn with box characters: a table (or
// a block quote), whose layout must stay as it is.
func isTable(block []string) bool {
	for _, line := range block {
		if strings.ContainsAny(visible(line), "│─┼") {
			return true
		}
	}
	return false
}

// continuesCode reports whether lines[i] is the rest of a code line too
// long for the terminal: glamour cuts such a line and continues it, less
// indented, right below the code. So if the code line above is a whole
// line of the Markdown (whole), nothing was cut, and what follows it is
// prose (a list item's next paragraph, say). Prose also starts after a
// blank line.
func continuesCode(lines []string, i int, whole map[string]bool) bool {
	margin := marginOf(lines[i])
	for j := i - 1; j >= 0; j-- {
		above := visible(lines[j])
		switch {
		case above == "":
			return false
		case marginOf(lines[j]) > margin:
			return !whole[strings.TrimSpace(above)]
		case marginOf(lines[j]) < margin:
			return false
		}
	}
	return false
}

// sourceLines is the set of the Markdown's lines, without the spaces
// around them.
func sourceLines(md string) map[string]bool {
	whole := map[string]bool{}
	for _, line := range strings.Split(md, "\n") {
		whole[strings.TrimSpace(line)] = true
	}
	return whole
}

// needsRewrap picks the prose blocks to wrap again: every paragraph of
// more than one line, and a line that runs past the edge. glamour cannot
// break Chinese at all, and it leaves English ragged too: after a hyphen
// it can overshoot the edge by a column or two, and around inline code
// with "-" in it, it can put one word alone on a line.
func needsRewrap(block []string, limit int) bool {
	return len(block) > 1 || ansi.StringWidth(visible(block[0])) > limit
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
// styles, and wraps it again at indent. A list item (item) keeps its
// marker, hang columns wide, on the first line, and its text hangs under
// the text after the marker.
func rewrap(block []string, source string, limit, indent, hang int, item bool) []string {
	margin := marginOf(block[0])
	marker := ""
	if item {
		marker = ansi.Cut(block[0], margin, margin+hang)
	}
	var text strings.Builder
	prev := ""
	for i, line := range block {
		from := margin
		if i == 0 && item {
			from += hang
		}
		v := visible(line)
		if i > 0 && brokeAtSpace(prev, strings.TrimLeft(v, " "), source) {
			text.WriteByte(' ') // glamour dropped it at the break
		}
		text.WriteString(ansi.Cut(line, from, contentEnd(line)))
		prev = v
	}
	body := indent
	if item {
		body += hang
	}
	lines := wrapWide(text.String(), max(limit-body-rightMargin, 10))
	for i, l := range lines {
		lines[i] = strings.Repeat(" ", body) + l
	}
	if item {
		lines[0] = strings.Repeat(" ", indent) + marker + strings.TrimLeft(lines[0], " ")
	}
	return lines
}

// brokeAtSpace reports whether glamour broke a line between prev and next
// at a space, which it dropped, rather than where there was none: after
// ",.;-+|" in list items, "-" everywhere, and before inline code (its
// padding looks like a space to glamour). It broke where there was no space
// if the Markdown, its code and emphasis marks taken out, has the two
// pieces side by side as whole words.
func brokeAtSpace(prev, next, source string) bool {
	tail := prev[strings.LastIndexByte(prev, ' ')+1:]
	head, _, _ := strings.Cut(next, " ")
	if tail == "" || head == "" {
		return true
	}
	joined := tail + head
	for from := 0; ; {
		i := strings.Index(source[from:], joined)
		if i < 0 {
			return true
		}
		i += from
		before, _ := utf8.DecodeLastRuneInString(source[:i])
		after, _ := utf8.DecodeRuneInString(source[i+len(joined):])
		if !isWordRune(before) && !isWordRune(after) {
			return false
		}
		from = i + 1
	}
}

// isWordRune reports whether r is a letter or digit (of any script but
// Chinese, which has no spaces between words to tell them apart by).
func isWordRune(r rune) bool {
	return !isWide(r) && (unicode.IsLetter(r) || unicode.IsDigit(r))
}
