package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// The READMEs and the guides in docs/ are copied from as much as the
// lessons are: every `dockling ...` line in their code blocks (after an
// optional sudo and VAR=value prefixes) must parse against the real
// command tree. docs/reference is generated from that tree and not checked.
func TestDocsCommandLinesParse(t *testing.T) {
	files, _ := filepath.Glob("../../docs/*.md")
	readmes, _ := filepath.Glob("../../README*.md")
	files = append(files, readmes...)
	if len(files) < 2 {
		t.Fatalf("found only %v", files)
	}
	envAssign := regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*=`)
	checked := 0
	for _, f := range files {
		md, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range codeLines(string(md)) {
			args := shellWords(line)
			for len(args) > 0 && (args[0] == "sudo" || envAssign.MatchString(args[0])) {
				args = args[1:]
			}
			if len(args) == 0 || args[0] != "dockling" {
				continue
			}
			checked++
			if err := parses(args[1:]); err != nil {
				t.Errorf("%s: %q: %v", filepath.Base(f), line, err)
			}
		}
	}
	if checked < 10 {
		t.Errorf("only %d dockling command lines found in %v; the extraction is broken", checked, files)
	}
}

// README.zh-CN.md opens with the same commands as README.md (the comments
// beside them are translated, the commands are not).
func TestChineseREADMEStartsWithTheSameCommands(t *testing.T) {
	firstBlock := func(path string) []string {
		md, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		// The text up to the end of the first fenced block.
		parts := strings.SplitN(string(md), "```", 3)
		if len(parts) < 3 {
			t.Fatalf("%s has no code block", path)
		}
		var cmds []string
		for _, line := range codeLines("```" + parts[1] + "```") {
			if words := shellWords(line); len(words) > 0 {
				cmds = append(cmds, strings.Join(words, " "))
			}
		}
		return cmds
	}
	en, zh := firstBlock("../../README.md"), firstBlock("../../README.zh-CN.md")
	if len(en) < 2 || strings.Join(en, "\n") != strings.Join(zh, "\n") {
		t.Errorf("README.md starts with %q, README.zh-CN.md with %q", en, zh)
	}
}
