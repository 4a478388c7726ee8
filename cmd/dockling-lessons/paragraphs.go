package main

import (
	"regexp"
	"strings"
)

// listMarker matches the start of a list item in Markdown, up to the
// column its text starts at.
var listMarker = regexp.MustCompile(`^ *([-*+]|\d+[.)]) +`)

// hardBreak stands, in readerText, for a hard line break of the Markdown:
// a line that ends with a backslash or two spaces.
const hardBreak = "\u2028"

// joinItemParagraphs turns the blank lines between two paragraphs of one
// list item into a hard line break. glamour writes a list item's
// paragraphs with nothing between them, so "Second step." and "Its second
// paragraph." came out as "Second step.Its second paragraph."; a hard
// break it writes as a new line, and fitWideText keeps it one.
func joinItemParagraphs(md string) string {
	lines := strings.Split(md, "\n")
	textAt := -1   // the column the text of the list item we are in starts at
	lastText := -1 // the last line of that item's paragraph so far
	fence := ""
	joined := false
	for i, line := range lines {
		trimmed := strings.TrimSpace(line)
		indent := len(line) - len(strings.TrimLeft(line, " "))
		f := fenceOf(trimmed)
		switch {
		case fence != "":
			if f != "" && f[0] == fence[0] && len(f) >= len(fence) && trimmed == f {
				fence = ""
			}
		case f != "":
			fence, lastText = f, -1
		case trimmed == "":
		case listMarker.MatchString(line):
			textAt, lastText = len(listMarker.FindString(line)), i
		case textAt < 0:
		case indent >= textAt+4 || !plainText(trimmed):
			lastText = -1 // code, a table, a quote: glamour sets them apart
		case indent >= textAt && lastText >= 0 && lastText < i-1 && plainText(strings.TrimSpace(lines[lastText])):
			// The item's next paragraph: end the one before with a
			// backslash, and take the blank lines out.
			if !strings.HasSuffix(lines[lastText], "\\") {
				lines[lastText] += "\\"
			}
			for j := lastText + 1; j < i; j++ {
				lines[j] = "\x00"
			}
			lastText, joined = i, true
		case indent >= textAt || lastText == i-1:
			lastText = i // more of the paragraph, or one after code
		default:
			textAt, lastText = -1, -1 // the list has ended
		}
	}
	if !joined {
		return md
	}
	return strings.ReplaceAll(strings.Join(lines, "\n"), "\x00\n", "")
}

// plainText reports whether a Markdown line (without its indent) is text
// of a paragraph, not a table, quote, heading or HTML.
func plainText(trimmed string) bool {
	return trimmed != "" && !strings.ContainsAny(trimmed[:1], "|>#<")
}

// hardBreakAt reports whether the Markdown (source, see readerText) has a
// hard line break between the rendered lines prev and next.
func hardBreakAt(prev, next, source string) bool {
	tail := prev[strings.LastIndexByte(prev, ' ')+1:]
	head, _, _ := strings.Cut(next, " ")
	return tail != "" && head != "" && strings.Contains(source, tail+hardBreak+head)
}
