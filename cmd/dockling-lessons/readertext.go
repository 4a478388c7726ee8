package main

import "strings"

// readerText is Markdown as the reader sees it once rendered, as far as
// brokeAtSpace needs: the backticks around inline code, the stars of
// emphasis and the backslashes of escapes are gone, and what is inside
// code (inline or fenced) stays exactly as written, stars included
// ("/etc/yum.repos.d/CentOS-*.repo"). A hard line break is hardBreak.
func readerText(md string) string {
	var b strings.Builder
	b.Grow(len(md))
	fence := ""         // the fence of the code block we are in
	afterBreak := false // the line before ended in a hard line break
	for _, line := range strings.SplitAfter(md, "\n") {
		trimmed := strings.TrimSpace(line)
		if f := fenceOf(trimmed); fence == "" && f != "" {
			fence = f
			continue
		} else if fence != "" {
			if f != "" && f[0] == fence[0] && len(f) >= len(fence) && trimmed == f {
				fence = ""
			} else {
				b.WriteString(line)
			}
			continue
		}
		if afterBreak {
			line = strings.TrimLeft(line, " ") // the indent of the text that goes on
		}
		body, hard := strings.CutSuffix(line, "\\\n")
		if !hard {
			body, hard = strings.CutSuffix(line, "  \n")
		}
		writeInline(&b, body)
		if afterBreak = hard; hard {
			b.WriteString(hardBreak)
		}
	}
	return b.String()
}

// writeInline writes one line of a paragraph as the reader sees it. A run
// of backticks opens inline code only if the same run closes it on the
// line; otherwise it is text.
func writeInline(b *strings.Builder, line string) {
	for i := 0; i < len(line); {
		switch c := line[i]; {
		case c == '`':
			n := runLen(line[i:], '`')
			if end := closingRun(line[i+n:], n); end >= 0 {
				b.WriteString(line[i+n : i+n+end])
				i += n + end + n
			} else {
				b.WriteString(line[i : i+n])
				i += n
			}
		case c == '*':
			i++
		case c == '\\' && i+1 < len(line) && strings.IndexByte("\\`*_{}[]()#+-.!<>|~", line[i+1]) >= 0:
			b.WriteByte(line[i+1])
			i += 2
		default:
			b.WriteByte(c)
			i++
		}
	}
}

// runLen counts how many times c repeats at the start of s.
func runLen(s string, c byte) int {
	n := 0
	for n < len(s) && s[n] == c {
		n++
	}
	return n
}

// closingRun returns where in s a run of exactly n backticks starts, or -1.
func closingRun(s string, n int) int {
	for i := 0; i < len(s); {
		if s[i] != '`' {
			i++
			continue
		}
		m := runLen(s[i:], '`')
		if m == n {
			return i
		}
		i += m
	}
	return -1
}
