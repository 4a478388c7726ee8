package main

import (
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"github.com/dockling/dockling/exercises"
	"github.com/dockling/dockling/lessons"
	"github.com/dockling/dockling/sandbox"
)

func newCheckCmd() *cobra.Command {
	var lang string
	cmd := &cobra.Command{
		Use:   "check [NAME...]",
		Short: "Check an exercise from the end of a step lesson against the kernel",
		Long: `Each step lesson ends with exercises: make a container in a given state,
then run "dockling check NAME". The check reads the kernel, not dockling's
records: the container's /proc entries and namespaces, its cgroup's files,
its mount table, the links and the iptables rules. So it tells you what is
really there.

A passed check prints one line, PASS and what it verified. A failed one
prints FAIL, what differs (want ..., got ...), and a hint: the command that
fixes it; dockling then exits 1.

Without a name, check lists the exercises one a line: name, lesson, task.
Checking needs root, as reading another process's namespaces does.`,
		Example: `  dockling check
  dockling run -d --name capped -m 64m hostbox sleep 1000
  dockling check memory-limit
  dockling check --lang zh memory-limit`,
		RunE: func(cmd *cobra.Command, args []string) error {
			lang := lessons.Lang(lang)
			if err := lessons.CheckLang(lang); err != nil {
				return err
			}
			return runCheck(cmd.OutOrStdout(), lang, args)
		},
	}
	cmd.Flags().StringVar(&lang, "lang", "", "language of the tasks and messages: en or zh (default: from LANG)")
	return cmd
}

func runCheck(w io.Writer, lang string, names []string) error {
	if len(names) == 0 {
		return exercises.List(w, lang)
	}
	// Every name first: an unknown one is an error before anything is read.
	var list []*exercises.Exercise
	for _, name := range names {
		x, err := exercises.Find(name)
		if err != nil {
			return err
		}
		list = append(list, x)
	}
	if os.Geteuid() != 0 {
		return fmt.Errorf("dockling check reads other processes' namespaces and dockling's state, which needs root; run: sudo dockling check %s", names[0])
	}
	failed := 0
	for _, x := range list {
		r, err := x.Check(sandbox.Root())
		if err != nil {
			return err
		}
		if err := r.Print(w, lang); err != nil {
			return err
		}
		if !r.Pass {
			failed++
		}
	}
	if failed > 0 {
		return exitError{code: 1} // the FAIL lines said why
	}
	return nil
}
