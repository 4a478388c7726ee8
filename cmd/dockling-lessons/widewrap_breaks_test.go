package main

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
)

// fitted renders md as for a terminal width columns wide and returns
// the lines as the reader sees them.
func fitted(t *testing.T, md, style string, width int) []string {
	t.Helper()
	rendered, err := render(md, style, width)
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, l := range strings.Split(fitWideText(rendered, md, width), "\n") {
		lines = append(lines, visible(l))
	}
	return lines
}

// When an item starts with a Chinese run too long for the line, glamour
// puts its bullet alone on a line (a bare "•", its space trimmed away);
// that is still the start of an item, not the end of the one above.
func TestFitWideTextBareBulletStartsAnItem(t *testing.T) {
	md := "# T\n\nS.\n\n" +
		"- **服务器整合**：大多数服务器大部分时间都闲着。二十台负载很轻的机器，变成两台宿主机上的二十台虚拟机。\n" +
		"- **热迁移**：正在运行的虚拟机可以整个搬到另一台宿主机上。Hypervisor 一边让它继续运行，一边复制它的内存。\n" +
		"- 快照。\n\n" +
		"1. 第一步。\n" +
		"2. **第二步**：正在运行的虚拟机可以整个搬到另一台宿主机上，一边让它继续运行，一边复制它的内存。\n"
	for width := 30; width <= 100; width++ {
		lines := fitted(t, md, "dark", width)
		bullets, numbers := 0, 0
		for i, l := range lines {
			v := strings.TrimLeft(l, " ")
			switch {
			case strings.HasPrefix(v, "• "):
				bullets++
			case strings.HasPrefix(v, "1. "), strings.HasPrefix(v, "2. "):
				numbers++
			case v == "•" || v == "1." || v == "2.":
				t.Errorf("width %d: line %d is a marker alone", width, i+1)
			}
			if strings.Contains(v, " • ") || strings.Contains(v, "。 2.") {
				t.Errorf("width %d: line %d runs two items together: %q", width, i+1, l)
			}
			if ansi.StringWidth(l) > width-rightMargin {
				t.Errorf("width %d: line %d is %d columns: %q", width, i+1, ansi.StringWidth(l), l)
			}
		}
		if bullets != 3 || numbers != 2 {
			t.Errorf("width %d: %d bulleted and %d numbered items start a line, want 3 and 2:\n%s",
				width, bullets, numbers, strings.Join(lines, "\n"))
		}
	}
}

// glamour also breaks a long run after a "." (and "-"), with no space
// there in the Markdown: joined again, the pieces must not get one.
func TestFitWideTextJoinsWordsGlamourBrokeAtADot(t *testing.T) {
	cases := []struct{ md, want string }{
		{"运行时（Python 解释器、`JVM`、Node.js等，以及它们用到的库）、**应用**本身，还有它的数据，这六层全得你自己管。", "Node.js等"},
		{"运行时（Python 解释器、JVM、Node.js、`Deno`等，以及它们用到的库）、应用本身，还有它的数据，这六层全得你自己管。", "Node.js、"},
		{"运行时包括很多很多很多很多很多很多很多很多很多很多东西例如Node.js运行时和其他很多很多很多的东西，还有Node.js。", "例如Node.js运行时"},
		{"Docker 在这里栽过两次，都是检查和使用之间的竞争：CVE-2018-15664（先检查路径）；CVE-2019-14271（`docker cp` 的辅助程序）。", "CVE-2019-14271（"},
		{"- **CentOS 7 上 yum 报错**：停止维护后软件源搬进了 vault。把 `/etc/yum.repos.d/CentOS-*.repo` 指向 `vault.centos.org`。", "/etc/yum.repos.d/CentOS-*.repo"},
	}
	for _, c := range cases {
		md := "# T\n\nS.\n\n" + c.md + "\n"
		for width := 24; width <= 100; width++ {
			lines := fitted(t, md, "dark", width)
			var text strings.Builder
			for _, l := range lines {
				text.WriteString(strings.TrimSpace(l))
			}
			if !strings.Contains(text.String(), c.want) {
				t.Errorf("width %d: %q is not whole:\n%s", width, c.want, strings.Join(lines, "\n"))
				break
			}
		}
	}
}

// A closing mark never starts a line, whatever comes before it: a Chinese
// character, a Latin word, inline code, another closing mark, or a space.
func TestWrapWideNeverStartsALineWithAClosingMark(t *testing.T) {
	const code, plain = "\x1b[38;5;203;48;5;236m", "\x1b[0m\x1b[38;5;252m"
	texts := []string{
		"例如阿里云的容器服务叫 ECI。运行时由你定，内核则不由你定。",
		"阿里云 ECI（弹性容器实例）。运行时（它就在你的镜像里）、内核都不由你定。",
		"他说：“这就是容器。”然后就走了……而我们还在这里看着它的内核。",
		"网关是 " + code + " 10.77.0.1 " + plain + "。每个容器拿下一个地址：" + code + " 10.77.0.2 " + plain + "、" + code + " 10.77.0.3 " + plain + "，依次往下。",
		"一个单词 ECI 。后面跟着空格的标点也不能打头，还有 runc ）、和 crun ，都一样。",
		"英文标点也一样：dockling,runc。见第 01 课).再看看 (cgroup)，就知道了。",
	}
	for _, text := range texts {
		for width := 16; width <= 40; width++ {
			lines := wrapWide(text, width)
			for i, l := range lines {
				v := ansi.Strip(l)
				if i > 0 && strings.ContainsAny(firstRune(v), noLineStart+narrowClosers) {
					t.Errorf("width %d: line %d starts with a closing mark: %q", width, i+1, lines)
				}
			}
			joined := strings.ReplaceAll(ansi.Strip(strings.Join(lines, "")), " ", "")
			if want := strings.ReplaceAll(ansi.Strip(text), " ", ""); joined != want {
				t.Errorf("width %d: text changed:\n got %q\nwant %q", width, joined, want)
			}
		}
	}
}

// A code line too long for the terminal is cut by glamour and continued
// right below it; when a paragraph follows the code with no blank line
// (inside a list item), only the rest of the code line is code. The
// paragraph after it, here starting with inline code, is prose and must
// fit like any other.
func TestFitWideTextRewrapsProseAfterACutCodeLine(t *testing.T) {
	md := "# T\n\nS.\n\n" +
		"1. 第一项：\n\n" +
		"       ip link add vd0 type veth peer name eth0 netns 7352\n\n" +
		"   `vd0` 这头插到网桥上，另一头一出生就在容器里，名叫 eth0，这一段中文要足够长才能换行，看看会怎么样。\n" +
		"2. 第二项。\n"
	for width := 30; width <= 70; width++ {
		lines := fitted(t, md, "dark", width)
		for i, l := range lines {
			if hasWide(l) && ansi.StringWidth(l) > width-rightMargin {
				t.Errorf("width %d: prose line %d is %d columns: %q", width, i+1, ansi.StringWidth(l), l)
			}
		}
		text := strings.Join(lines, "\n")
		if !strings.Contains(text, "ip link add vd0") || !strings.Contains(strings.ReplaceAll(text, "\n", " "), "7352") {
			t.Errorf("width %d: the code line is lost:\n%s", width, text)
		}
	}
}

// Code inside a list item moves under the item's text only as a whole:
// when glamour had to cut one of its lines, none of it moves, or its
// lines would stand at different columns.
func TestFitWideTextMovesCodeInAnItemAsAWhole(t *testing.T) {
	md := "# T\n\nS.\n\n" +
		"- `iptables -t nat -S` 显示那两条 DNAT 规则：\n\n" +
		"      -A PREROUTING -p tcp -m addrtype --dst-type LOCAL -m tcp --dport 8080\n" +
		"         -m comment --comment \"dockling step5-7378-1\"\n" +
		"      -A OUTPUT -p tcp -m addrtype --dst-type LOCAL -m tcp --dport 8080 ...\n" +
		"      -A POSTROUTING -s 10.77.0.0/16 ! -o dockling0 -j MASQUERADE\n\n" +
		"  （实际输出不会折行。）\n" +
		"- 第二项。\n"
	for width := 50; width <= 100; width++ {
		lines := fitted(t, md, "dark", width)
		at := map[string]int{}
		for _, l := range lines {
			for _, code := range []string{"-A PREROUTING", "-A OUTPUT", "-A POSTROUTING", "-m comment"} {
				if strings.HasPrefix(strings.TrimLeft(l, " "), code) {
					at[code] = indentOf(l)
				}
			}
		}
		// (glamour itself takes a cut line's own indent down to one)
		if len(at) != 4 || at["-A OUTPUT"] != at["-A PREROUTING"] || at["-A POSTROUTING"] != at["-A PREROUTING"] ||
			at["-m comment"] <= at["-A PREROUTING"] {
			t.Errorf("width %d: code lines out of line %v:\n%s", width, at, strings.Join(lines, "\n"))
		}
	}
}

// A word wider than the whole line (a URL, a long path in inline code)
// is cut to fit rather than run past the edge: after a "/" where it can.
func TestWrapWideCutsAWordWiderThanTheLine(t *testing.T) {
	const code, plain = "\x1b[38;5;203;48;5;236m", "\x1b[0m\x1b[38;5;252m"
	url := "https://mirrors.aliyun.com/docker-ce/linux/centos/docker-ce.repo"
	text := "比如把上面的地址换成 " + code + " " + url + " " + plain + "。CentOS 7 已于 2024 年 6 月停止维护。"
	for width := 20; width <= 70; width++ {
		lines := wrapWide(text, width)
		var got strings.Builder
		for i, l := range lines {
			v := ansi.Strip(l)
			if ansi.StringWidth(v) > width {
				t.Errorf("width %d: line %d is %d columns: %q", width, i+1, ansi.StringWidth(v), v)
			}
			if i > 0 && strings.ContainsAny(firstRune(v), noLineStart) {
				t.Errorf("width %d: line %d starts with a closing mark: %q", width, i+1, v)
			}
			got.WriteString(v)
		}
		if !strings.Contains(got.String(), url) {
			t.Errorf("width %d: the URL lost characters: %q", width, got.String())
		}
		if width >= 30 {
			for _, l := range lines[:len(lines)-1] {
				if v := strings.TrimSpace(ansi.Strip(l)); strings.Contains(v, "://") && !strings.HasSuffix(v, "/") && !strings.Contains(v, url) {
					t.Errorf("width %d: the URL is cut elsewhere than after a /: %q", width, lines)
				}
			}
		}
	}
	// The styles stay: every line of the URL is on inline code's background.
	for _, l := range wrapWide(text, 30) {
		if strings.Contains(ansi.Strip(l), "docker-ce") && !strings.Contains(l, "48;5;236") {
			t.Errorf("a piece of the URL lost its style: %q", l)
		}
	}
}

// glamour writes the paragraphs of one list item with nothing between
// them ("Second step.Its second paragraph."); a hard line break (a "\"
// at the end of a line) it writes as a new line, which must stay one.
func TestFitWideTextKeepsAnItemsParagraphsApart(t *testing.T) {
	md := "# T\n\nS.\n\n" +
		"1. First step.\n" +
		"2. Second step, long enough to wrap at narrow widths.\n\n" +
		"   Its second paragraph.\n\n" +
		"   第三段，中文也一样要分开。\n" +
		"3. Third, with a hard break\\\n" +
		"   right here.\n\n" +
		"- a\n\n  b para\n" +
		"- c\n"
	for width := 30; width <= 90; width += 3 {
		lines := fitted(t, md, "dark", width)
		text := strings.Join(lines, "\n")
		for _, glued := range []string{"step.Its", "wrap at narrow widths. Its", "paragraph.第三段", "ab para", "a b para", "break right"} {
			if strings.Contains(strings.ReplaceAll(text, "\n", " "), glued) || strings.Contains(text, glued) {
				t.Errorf("width %d: %q runs on:\n%s", width, glued, text)
			}
		}
		for _, start := range []string{"Its second paragraph.", "第三段", "right here.", "b para"} {
			found := false
			for _, l := range lines {
				found = found || strings.HasPrefix(strings.TrimLeft(l, " "), start)
			}
			if !found {
				t.Errorf("width %d: no line starts with %q:\n%s", width, start, text)
			}
		}
	}
}

// glamour cuts a code line too long for the terminal, but what it leaves
// can still be a column or two too wide (and a drawing can be wider than
// a narrow terminal); the terminal would continue such a line at column
// 0. It is cut again, at a space where it can, and nothing is lost.
func TestFitWideTextCutsCodeWiderThanTheTerminal(t *testing.T) {
	md := "# T\n\nS.\n\n" +
		"```\n" +
		"$ mount -t overlay overlay -o lowerdir=7ab9e238...,upperdir=/var/lib/dockling/steps/step4-.../upper,workdir=/var/lib/dockling/steps/step4-.../work /var/lib/dockling/steps/step4-.../rootfs\n" +
		"systemd-detect-virt --container  # none, docker, lxc, ...\n" +
		"+-------------+     +-------------------------------+   +------------+\n" +
		"```\n"
	for width := 40; width <= 100; width++ {
		lines := fitted(t, md, "dark", width)
		var all strings.Builder
		for i, l := range lines {
			if ansi.StringWidth(l) > width {
				t.Errorf("width %d: line %d is %d columns: %q", width, i+1, ansi.StringWidth(l), l)
			}
			all.WriteString(strings.TrimSpace(l))
		}
		for _, want := range []string{"workdir=/var/lib/dockling/steps/step4-.../work", "#none,docker,lxc,...", "+------------+"} {
			if !strings.Contains(strings.ReplaceAll(all.String(), " ", ""), strings.ReplaceAll(want, " ", "")) {
				t.Errorf("width %d: %q is lost:\n%s", width, want, strings.Join(lines, "\n"))
			}
		}
	}
}
