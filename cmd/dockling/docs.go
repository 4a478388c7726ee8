package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"
	"github.com/spf13/cobra/doc"
)

// newGenDocsCmd writes the command reference (Markdown and man pages) from
// the cobra tree, so the docs cannot drift from the flags. `make docs` runs
// it into docs/, and TestDocsUpToDate fails when the committed copy is stale.
func newGenDocsCmd() *cobra.Command {
	var dir string
	cmd := &cobra.Command{
		Use:    "gen-docs --dir DIR",
		Short:  "Write the command reference: DIR/reference/*.md and DIR/man/*.1",
		Hidden: true,
		Args:   cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if dir == "" {
				return fmt.Errorf("--dir is required, e.g. gen-docs --dir docs")
			}
			return genDocs(dir)
		},
	}
	cmd.Flags().StringVar(&dir, "dir", "", "directory to write reference/ and man/ into")
	return cmd
}

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
