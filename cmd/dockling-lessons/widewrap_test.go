package main

import (
	"strings"
	"testing"

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
	for _, seq := range []string{"\x1b[1m", "\x1b[0m", "\x1b[31m"} {
		if strings.Count(joined, seq) != strings.Count(styled, seq) {
			t.Errorf("escape %q: %d in the input, %d after wrapping", seq, strings.Count(styled, seq), strings.Count(joined, seq))
		}
	}
	if ansi.Strip(joined) != ansi.Strip(styled) {
		t.Errorf("visible text changed: %q", ansi.Strip(joined))
	}
}

func TestFitWideTextLeavesEnglishAndTablesAlone(t *testing.T) {
	english := "  A namespace wraps one kind of global resource so that the processes\n  inside see their own copy.\n"
	if got := fitWideText(english, 80); got != english {
		t.Errorf("English paragraph changed:\n%q", got)
	}
	table := "  名称 │ 说明说明说明说明说明说明说明说明说明说明说明说明说明说明说明说明说明说明说明说明\n  ─────┼────\n"
	if got := fitWideText(table, 40); got != table {
		t.Errorf("table changed:\n%q", got)
	}
}

func TestFitWideTextRewrapsChineseWithItsIndent(t *testing.T) {
	long := "  " + strings.Repeat("这是一句很长的中文，", 12)
	got := strings.Split(fitWideText(long+"\n  第二行。\n\n  • 列表项\n", 40), "\n")
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

func firstRune(s string) string {
	for _, r := range s {
		return string(r)
	}
	return ""
}

func lastRune(s string) string {
	r := []rune(s)
	if len(r) == 0 {
		return ""
	}
	return string(r[len(r)-1])
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
