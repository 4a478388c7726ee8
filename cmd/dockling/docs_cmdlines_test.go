package main

import (
	"os"
	"path/filepath"
	"regexp"
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
