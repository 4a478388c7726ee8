package main

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
)

func TestWrapWideFillsLinesAndKeepsText(t *testing.T) {
	const text = "命名空间把某一类全局资源包起来，让里面的进程看到一份自己的。进程用 clone(2) 启动时带上相应的参数，内核就会新建命名空（间）。（这里括号）"
	lines := wrapWide(text, 30)
	if len(lines) < 3 {
		t.Fatalf("wrapWide gave %d lines, want the text spread over several: %q", len(lines), lines)
	}
	for i, l := range lines {
		if w := ansi.StringWidth(l); w > 30 {
			t.Errorf("line %d is %d columns: %q", i+1, w, l)
		}
		if i < len(lines)-1 && ansi.StringWidth(l) < 26 {
			t.Errorf("line %d is only %d columns, want lines filled: %q", i+1, ansi.StringWidth(l), l)
		}
		if strings.ContainsAny(firstRune(l), noLineStart) {
			t.Errorf("line %d starts with closing punctuation: %q", i+1, l)
		}
		if strings.ContainsAny(lastRune(l), noLineEnd) {
			t.Errorf("line %d ends with an opening bracket: %q", i+1, l)
		}
	}
	// Nothing is lost but spaces at the breaks.
	joined := strings.ReplaceAll(strings.Join(lines, ""), " ", "")
	if want := strings.ReplaceAll(text, " ", ""); joined != want {
		t.Errorf("text changed:\n got %q\nwant %q", joined, want)
	}
	if !strings.Contains(strings.Join(lines, "\n"), "clone(2)") {
		t.Error("the word clone(2) was split")
	}
}

func TestWrapWideKeepsEscapeSequences(t *testing.T) {
	styled := "\x1b[1m粗体文字\x1b[0m和普通文字，再来一些\x1b[31m红色的字\x1b[0m。"
	lines := wrapWide(styled, 10)
	joined := strings.Join(lines, "")
	if ansi.Strip(joined) != ansi.Strip(styled) {
		t.Errorf("visible text changed: %q", ansi.Strip(joined))
	}
	// Every character keeps its style, and no line leaves one on for the
	// indent and padding around the next.
	var got []string
	for i, l := range lines {
		styles, after := charStyles(l)
		got = append(got, styles...)
		if after != "" {
			t.Errorf("line %d ends with %q still on: %q", i+1, after, l)
		}
	}
	want, _ := charStyles(styled)
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("styles per character changed:\n got %q\nwant %q", got, want)
	}
}

// charStyles returns, for each visible character of s, the escape
// sequences in effect for it (those since the last reset), and what is
// still in effect at the end.
func charStyles(s string) ([]string, string) {
	var styles []string
	active := ""
	for i := 0; i < len(s); {
		if s[i] == '\x1b' {
			n := escapeLen(s[i:])
			if seq := s[i : i+n]; seq == "\x1b[0m" {
				active = ""
			} else {
				active += seq
			}
			i += n
			continue
		}
		_, n := utf8.DecodeRuneInString(s[i:])
		styles = append(styles, active)
		i += n
	}
	return styles, active
}

func TestWrapWideKeepsInlineCodeWhole(t *testing.T) {
	const code, plain = "\x1b[38;5;203;48;5;236m", "\x1b[0m\x1b[38;5;252m"
	// glamour pads inline code with a space each side, on its background.
	text := "free address, " + code + " 10.77.0.2 " + plain + ", " + code + " 10.77.0.3 " + plain + "，依次往下。"
	for width := 14; width <= 40; width++ {
		lines := wrapWide(text, width)
		for i, l := range lines {
			v := ansi.Strip(l)
			if ansi.StringWidth(v) > width {
				t.Errorf("width %d: line %d is %d columns: %q", width, i+1, ansi.StringWidth(v), v)
			}
			if strings.HasPrefix(v, "，") {
				t.Errorf("width %d: line %d starts with a closing mark: %q", width, i+1, v)
			}
			if strings.Contains(v, "10.") && !strings.Contains(v, " 10.77.0.") {
				t.Errorf("width %d: line %d splits the code or its padding: %q", width, i+1, v)
			}
		}
	}
}

func TestFitWideTextLeavesEnglishAndTablesAlone(t *testing.T) {
	english := "  A namespace wraps one kind of global resource so that the processes inside\n  see their own copy.\n"
	if got := fitWideText(english, "", 80); got != english {
		t.Errorf("English paragraph changed:\n%q", got)
	}
	// As glamour left one: a word alone on a line.
	ragged := "  one directory per controller: /sys/fs/cgroup/memory/step3-<pid>, the\n  same\n  under pids and cpu.\n"
	want := "  one directory per controller: /sys/fs/cgroup/memory/step3-<pid>, the same\n  under pids and cpu.\n"
	if got := fitWideText(ragged, "", 80); got != want {
		t.Errorf("ragged paragraph:\n got %q\nwant %q", got, want)
	}
	table := "  名称 │ 说明说明说明说明说明说明说明说明说明说明说明说明说明说明说明说明说明说明说明说明\n  ─────┼────\n"
	if got := fitWideText(table, "", 40); got != table {
		t.Errorf("table changed:\n%q", got)
	}
}

func TestFitWideTextRewrapsChineseWithItsIndent(t *testing.T) {
	long := "  " + strings.Repeat("这是一句很长的中文，", 12)
	got := strings.Split(fitWideText(long+"\n  第二行。\n\n  • 列表项\n", "", 40), "\n")
	items := 0
	for i, l := range got {
		if ansi.StringWidth(l) > 40 {
			t.Errorf("line %d is %d columns: %q", i+1, ansi.StringWidth(l), l)
		}
		if l != "" && !strings.HasPrefix(l, "  ") {
			t.Errorf("line %d lost its indent: %q", i+1, l)
		}
		if strings.Contains(l, "•") {
			items++
		}
	}
	if items != 1 || !strings.Contains(strings.Join(got, ""), "第二行") {
		t.Errorf("paragraph or list item lost: %q", got)
	}
}

func TestWrapWideKeepsBracketsWithTheirText(t *testing.T) {
	cases := []struct {
		text string
		want []string
	}{
		{"一二三四（五六）", []string{"一二三四", "（五六）"}}, // "（" would end line 1
		{"一二三四五。六七", []string{"一二三四", "五。六七"}}, // "。" would start line 2
	}
	for _, c := range cases {
		got := wrapWide(c.text, 10)
		if strings.Join(got, "|") != strings.Join(c.want, "|") {
			t.Errorf("wrapWide(%q, 10) = %q, want %q", c.text, got, c.want)
		}
	}
}

// A list as glamour renders it, then fitted: items hang under their text,
// a nested list and code inside an item move under it too, and inline
// code that glamour split after a "." is whole again.
func TestFitWideTextHangsListItems(t *testing.T) {
	const width = 60
	md := "# T\n\nSummary.\n\n" +
		"1. **A switch.** dockling makes it once and gives it the address `10.77.0.1/16`, then leaves it there for later.\n" +
		"2. **A cable.** One command makes both ends of the pair:\n\n" +
		"       ip link add vd0 type veth\n\n" +
		"   The host end is plugged into the bridge, and the other end is born inside.\n" +
		"3. **NAT**, done by netfilter:\n" +
		"   - `ip_forward=1` lets the host pass packets from one device to another at all.\n" +
		"   - **DNAT** for published ports.\n\n" +
		"After the list.\n"
	rendered, err := render(md, "dark", width)
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, l := range strings.Split(fitWideText(rendered, md, width), "\n") {
		lines = append(lines, visible(l))
	}
	text := strings.Join(lines, "\n")
	for i, l := range lines {
		if ansi.StringWidth(l) > width-rightMargin {
			t.Errorf("line %d is %d columns: %q", i+1, ansi.StringWidth(l), l)
		}
	}
	at := func(prefix string) int { // the column of the line that starts so
		for _, l := range lines {
			if strings.HasPrefix(strings.TrimLeft(l, " "), prefix) {
				return indentOf(l)
			}
		}
		t.Fatalf("no line starts with %q:\n%s", prefix, text)
		return 0
	}
	if !strings.Contains(text, "10.77.0.1/16") {
		t.Errorf("the address is split:\n%s", text)
	}
	if at("1. A switch") != 2 || at("ip link add") != 7 || at("• ") != 5 || at("After the list") != 2 {
		t.Errorf("items at 2, code inside an item at 7, nested bullets at 5, the next paragraph at 2:\n%s", text)
	}
	// Every other line of the items hangs: under "1. " (5) or under "• " (7).
	for _, l := range lines {
		v := strings.TrimLeft(l, " ")
		if v == "" || listItem.MatchString(v) || strings.HasPrefix(v, "ip link") || strings.HasPrefix(v, "T") ||
			strings.HasPrefix(v, "Summary") || strings.HasPrefix(v, "After") {
			continue
		}
		if indentOf(l) != 5 && indentOf(l) != 7 {
			t.Errorf("line %q does not hang under its item's text", l)
		}
	}
	if strings.Contains(text, "\n\n\n") {
		t.Errorf("two blank lines in a row:\n%s", text)
	}
}

func TestBrokeAtSpace(t *testing.T) {
	source := readerText("the address `10.77.0.1/16`, then `mount --make-rprivate /` and the **same** parts of `/sys` (`/proc/kcore`, ...); a new start\n" +
		"例如Node.js运行时和其他的东西，还有Node.js。竞争）；CVE-2019-14271（`docker cp` 的辅助程序\n")
	cases := []struct {
		prev, next string
		space      bool
	}{
		{"gives it the address  10.", "77.0.1/16 , then", false}, // glamour broke after "."
		{"then  mount --make-", "rprivate /  and", false},        // after "-"
		{"parts of  /sys  (", "/proc/kcore , ...", false},        // before inline code
		{"and the", "same parts", true},
		{"a", "new start", true}, // "anew" is not a word of the source
		{"ends here.", "", true},
		// After "." and "-": the pieces are not a whole word of the
		// Markdown, but they end in a mark that ends no word.
		{"例如Node.", "js运行时和其他的东西，还有Node.", false},
		{"竞争）；CVE-", "2019-14271（ docker cp", false},
	}
	for _, c := range cases {
		if got := brokeAtSpace(c.prev, c.next, source); got != c.space {
			t.Errorf("brokeAtSpace(%q, %q) = %v, want %v", c.prev, c.next, got, c.space)
		}
	}
}

func TestReaderText(t *testing.T) {
	md := "A **bold** `code *with* stars` and \\*escaped\\* ``a ` tick`` then ` alone.\n\n" +
		"```\nls -l /usr/bin/python*\n```\n"
	want := "A bold code *with* stars and *escaped* a ` tick then ` alone.\n\nls -l /usr/bin/python*\n"
	if got := readerText(md); got != want {
		t.Errorf("readerText:\n got %q\nwant %q", got, want)
	}
}

func TestSetsBackground(t *testing.T) {
	cases := map[string]bool{
		"\x1b[38;5;203;48;5;236m": true,  // glamour's inline code
		"\x1b[38;5;48m":           false, // colour 48 is a foreground
		"\x1b[38;2;48;48;48m":     false,
		"\x1b[1;38;2;1;2;3;41m":   true,
		"\x1b[100m":               true,
		"\x1b[0m":                 false,
		"\x1b[m":                  false,
		"\x1b[38;5;252m":          false,
		"\x1b[K":                  false,
	}
	for seq, want := range cases {
		if got := setsBackground(seq); got != want {
			t.Errorf("setsBackground(%q) = %v, want %v", seq, got, want)
		}
	}
}

// A style left on over many lines is put in front of each line once, not
// once more per line: reading it back from the line it was put on doubled
// it every line, and a lesson at --width 1 never finished.
func TestCloseStylesDoesNotGrowTheStyleInFront(t *testing.T) {
	lines := make([]string, 40)
	for i := range lines {
		lines[i] = "字"
	}
	lines[0] = "\x1b[1m" + lines[0]
	out := closeStyles(lines)
	for i, l := range out[1:] {
		if want := "\x1b[1m字\x1b[0m"; l != want {
			t.Fatalf("line %d = %q, want %q", i+2, l, want)
		}
	}
}

// Every width from 1 up renders every lesson; the narrowest ones used to
// loop for ever.
func TestNarrowWidthsRender(t *testing.T) {
	md := "# 标题\n\n这是\x60code\x60和**粗体**的一段很长的中文文字，再来一些文字。\n\n- 一项 *斜体* 内容\n"
	for width := 1; width <= 12; width++ {
		if len(fitted(t, md, "dark", width)) == 0 {
			t.Errorf("width %d: nothing rendered", width)
		}
	}
}
