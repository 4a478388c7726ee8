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
	src := squeezedLines(source)
	// What the reader sees of the Markdown, to tell where glamour broke a
	// line at a space (see brokeAtSpace).
	source = readerText(joinItemParagraphs(source))
	pg := newPage(rendered)
	lines := pg.lines
	out := make([]string, 0, len(lines))
	// items maps the margin of each list item still open to the column its
	// text starts at, once hung: what glamour puts inside an item (another
	// paragraph, code, a nested list) moves under that text. A blank line
	// closes them all.
	items := map[int]int{}
	listEnded := false
	for i := 0; i < len(lines); {
		start, end := i, pg.blockEnd(i)
		block, shown := lines[start:end], pg.shown[start:end]
		i = end
		v, margin := shown[0], pg.margins[start]
		marker := listItem.FindString(v[min(margin, len(v)):])
		parent, inItem := enclosingItem(items, margin)
		codeRest := pg.cutCodeRest(start, end, src)
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
			items[margin] = at + markerWidth(marker)
			out = append(out, rewrap(block, shown, source, limit, at, markerWidth(marker), true)...)
		case codeRest > 0:
			out = append(out, fitCode(lines[start:start+codeRest], limit)...)
			i = start + codeRest // what follows is prose, see below
		case items[margin] > 0: // the item's next paragraph
			out = append(out, rewrap(block, shown, source, limit, items[margin], 0, false)...)
		case inItem: // code inside an item
			end, cut := pg.codeEnd(start, parent, items, src)
			shift := items[parent] - parent
			if cut {
				shift = 0 // see codeEnd
			}
			out = append(out, fitCode(shiftRight(lines[start:end], shift, limit), limit)...)
			i = end
		case margin >= codeIndent:
			out = append(out, fitCode(block, limit)...)
		case needsRewrap(shown, limit):
			out = append(out, rewrap(block, shown, source, limit, margin, 0, false)...)
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
// When an item's first word is too long to follow its marker (a Chinese
// sentence has no space to break at), glamour puts the marker alone on a
// line, and the space after it is then padding that visible trims.
var listItem = regexp.MustCompile(`^(•|\d+\.)( |$)`)

// markerWidth is how many columns a list item's marker takes, with the
// space after it, even when that space was trimmed with the padding.
func markerWidth(marker string) int {
	return ansi.StringWidth(strings.TrimRight(marker, " ")) + 1
}

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
	// The parameters are read one by one, not split into a slice: this
	// runs for every escape code glamour writes, thousands in a lesson.
	params, skip := seq[2:len(seq)-1], 0
	for params != "" {
		var p string
		p, params, _ = strings.Cut(params, ";")
		n, err := strconv.Atoi(p)
		switch {
		case skip > 0: // the colour's own numbers
			skip--
			if skip == 3 && n == 5 { // 38;5;N: one number, not R;G;B
				skip = 1
			}
		case err != nil:
		case n == 48:
			return true
		case n == 38: // a colour of 256 (5;N) or RGB (2;R;G;B) follows
			skip = 4
		case n >= 40 && n <= 47 || n >= 100 && n <= 107:
			return true
		}
	}
	return false
}

// A page is glamour's output split in lines, with what each line shows
// and its margin worked out once: fitWideText looks at most lines several
// times, and taking the escape codes out is most of the work.
type page struct {
	lines   []string
	shown   []string // visible(lines[i])
	margins []int    // marginOf(lines[i])
}

func newPage(rendered string) page {
	lines := strings.Split(rendered, "\n")
	pg := page{lines, make([]string, len(lines)), make([]int, len(lines))}
	for i, l := range lines {
		pg.shown[i], pg.margins[i] = visible(l), marginOf(l)
	}
	return pg
}

// blockEnd returns the end of the paragraph that starts at line i: the
// following non-blank lines with the same margin, up to the next list item.
// glamour gives list items no hanging indent, so the marker is the only
// sign where one item ends and the next begins.
func (pg page) blockEnd(i int) int {
	if pg.shown[i] == "" {
		return i + 1
	}
	margin := pg.margins[i]
	j := i + 1
	for ; j < len(pg.lines); j++ {
		v := pg.shown[j]
		if v == "" || pg.margins[j] != margin || listItem.MatchString(v[min(margin, len(v)):]) {
			break
		}
	}
	return j
}

// isTable reports whether block is drawn with box characters: a table (or
// a block quote), whose layout must stay as it is.
func isTable(block []string) bool {
	for _, line := range block {
		if strings.Contains(line, "│") || strings.Contains(line, "─") { // escape codes have neither
			return true
		}
	}
	return false
}

// needsRewrap picks the prose blocks to wrap again: every paragraph of
// more than one line, and a line that runs past the edge. glamour cannot
// break Chinese at all, and it leaves English ragged too: after a hyphen
// it can overshoot the edge by a column or two, and around inline code
// with "-" in it, it can put one word alone on a line.
func needsRewrap(shown []string, limit int) bool {
	return len(shown) > 1 || ansi.StringWidth(shown[0]) > limit
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
func rewrap(block, shown []string, source string, limit, indent, hang int, item bool) []string {
	margin := marginOf(block[0])
	marker := ""
	if item {
		marker = ansi.Cut(block[0], margin, margin+hang)
	}
	var texts []string // split at the Markdown's hard line breaks
	var text strings.Builder
	prev := "" // the text of the line before, as the reader sees it
	for i, line := range block {
		from := margin
		if i == 0 && item {
			from += hang
		}
		piece := ansi.Cut(line, from, contentEnd(line))
		v := strings.TrimLeft(shown[i], " ")
		if i == 0 && item {
			v = strings.TrimLeft(ansi.Strip(piece), " ") // not the marker
		}
		switch {
		case prev == "":
		case hardBreakAt(prev, v, source):
			texts = append(texts, text.String())
			text.Reset()
		case brokeAtSpace(prev, v, source):
			text.WriteByte(' ') // glamour dropped it at the break
		}
		text.WriteString(piece)
		if v != "" {
			prev = v
		}
	}
	body := indent
	if item {
		body += hang
	}
	var lines []string
	for _, t := range append(texts, text.String()) {
		lines = append(lines, wrapWide(t, max(limit-body-rightMargin, 10))...)
	}
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
// "." and "-" in a long run ("Node." and "js", "CVE-" and "2019"), and
// before inline code (its padding looks like a space to glamour). It broke
// where there was no space if the Markdown as the reader sees it (source,
// see readerText) has the two pieces side by side, and not as the inside
// of a longer word: "a" and "new" are not "anew" because the Markdown
// says "renew".
func brokeAtSpace(prev, next, source string) bool {
	tail := prev[strings.LastIndexByte(prev, ' ')+1:]
	head, _, _ := strings.Cut(next, " ")
	if tail == "" || head == "" {
		return true
	}
	joined := tail + head
	first, _ := utf8.DecodeRuneInString(joined)
	last, _ := utf8.DecodeLastRuneInString(joined)
	for from := 0; ; {
		i := strings.Index(source[from:], joined)
		if i < 0 {
			return true
		}
		i += from
		before, _ := utf8.DecodeLastRuneInString(source[:i])
		after, _ := utf8.DecodeRuneInString(source[i+len(joined):])
		if !(isWordRune(before) && isWordRune(first)) && !(isWordRune(after) && isWordRune(last)) {
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
