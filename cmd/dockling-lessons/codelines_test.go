package main

import "strings"

// codeLines tells, for each rendered line, whether it is code, which
// checkRendered lets run past the edge: how wide a command or its output
// is, is up to the lesson's author. A line is code if it is indented as
// code and starts a line of a code block in the Markdown (glamour cuts a
// code line too long for the terminal), or if it goes on with the code
// line that the code line above it is part of.
//
// It looks at the Markdown and not at glamour's layout on purpose:
// judged by margins alone, a list item whose lines hang deeper than the
// next item's marker, or a paragraph right below a cut code line, looked
// like code, and so went unchecked.
func codeLines(md string, lines []string) []bool {
	code := markdownCode(md)
	isCode := make([]bool, len(lines))
	for i, line := range lines {
		t := squeeze(visible(line))
		if t == "" {
			continue
		}
		above := ""
		if i > 0 && isCode[i-1] {
			above = squeeze(visible(lines[i-1]))
		}
		for _, c := range code {
			if marginOf(line) >= codeIndent && strings.HasPrefix(c, t) {
				isCode[i] = true
				break
			}
			if k := strings.Index(c, above); above != "" && k >= 0 && strings.HasPrefix(c[k+len(above):], t) {
				isCode[i] = true
				break
			}
		}
	}
	return isCode
}

// markdownCode returns the lines of md's code blocks, fenced or indented,
// without spaces (glamour drops the one where it cuts a line). An
// indented block inside a list item is indented four more than the
// item's text.
func markdownCode(md string) []string {
	var code []string
	fence := ""
	textAt := 0 // the column the text of the list item we are in starts at
	blankBefore, inBlock := true, false
	for _, line := range strings.Split(strings.ReplaceAll(md, "\t", "    "), "\n") {
		trimmed := strings.TrimSpace(line)
		indent := len(line) - len(strings.TrimLeft(line, " "))
		f := fenceOf(trimmed)
		switch {
		case fence != "":
			if f != "" && f[0] == fence[0] && len(f) >= len(fence) && trimmed == f {
				fence = ""
			} else {
				code = append(code, squeeze(line))
			}
			continue
		case f != "":
			fence = f
			continue
		case trimmed == "":
			blankBefore = true
			continue
		case indent >= textAt+4 && (blankBefore || inBlock):
			code = append(code, squeeze(line))
			inBlock, blankBefore = true, false
			continue
		}
		if m := listMarker.FindString(line); m != "" {
			textAt = len(m)
		} else if blankBefore && indent < textAt {
			textAt = 0 // the list has ended
		}
		inBlock, blankBefore = false, false
	}
	return code
}
