package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"
	"github.com/spf13/cobra/doc"
)

// The command reference (docs/reference/*.md, docs/man/*.1) is generated
// here, in the test binary, and not by a command of dockling itself:
// cobra/doc brings a Markdown parser (blackfriday) and a YAML library whose
// package initialisers every start of dockling would pay for, about 0.5 ms
// (GODEBUG=inittrace=1), run after run, container after container.
// `make docs` runs TestDocsUpToDate with -gen-docs DIR to write it.
var genDocsDir = flag.String("gen-docs", "", "write the command reference into `DIR`/reference and DIR/man instead of checking it")

// genDocs generates from a fresh command tree, not the one being executed:
// Execute adds the help command and flags as it runs, and the output must be
// the same whether it is made by `make docs` or by the freshness test.
func genDocs(dir string) error {
	root := newRootCmd()
	root.InitDefaultCompletionCmd()
	disableAutoGenTag(root) // no dates: the output is reproducible

	ref := filepath.Join(dir, "reference")
	man := filepath.Join(dir, "man")
	for _, d := range []string{ref, man} {
		// Start empty so a removed command leaves no stale page behind.
		if err := os.RemoveAll(d); err != nil {
			return err
		}
		if err := os.MkdirAll(d, 0o755); err != nil {
			return err
		}
	}
	noPrepend := func(string) string { return "" }
	relative := func(name string) string { return name }
	if err := doc.GenMarkdownTreeCustom(root, ref, noPrepend, relative); err != nil {
		return fmt.Errorf("markdown reference: %w", err)
	}
	header := &doc.GenManHeader{Title: "DOCKLING", Section: "1", Source: "dockling"}
	if err := doc.GenManTree(root, header, man); err != nil {
		return fmt.Errorf("man pages: %w", err)
	}
	return nil
}

func disableAutoGenTag(c *cobra.Command) {
	c.DisableAutoGenTag = true
	for _, sub := range c.Commands() {
		disableAutoGenTag(sub)
	}
}
