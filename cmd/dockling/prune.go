package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/dockling/dockling/sandbox"
	"github.com/dockling/dockling/sandbox/container"
	"github.com/spf13/cobra"
)

func newContainerCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:     "container",
		Short:   "Manage containers",
		Example: "  dockling container prune -f",
	}
	cmd.AddCommand(newContainerPruneCmd())
	return cmd
}

func newContainerPruneCmd() *cobra.Command {
	var force bool
	cmd := &cobra.Command{
		Use:     "prune",
		Short:   "Remove all stopped containers",
		Example: "  dockling container prune -f",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if !force && !confirm(cmd, "This will remove all stopped containers.") {
				return errors.New("cancelled")
			}
			store, err := container.Open(sandbox.Root())
			if err != nil {
				return err
			}
			all, err := store.List()
			if err != nil {
				return err
			}
			fmt.Fprintln(cmd.OutOrStdout(), "Deleted Containers:")
			for _, c := range all {
				if c.State.Status == container.Running {
					continue
				}
				if err := removeContainer(store, c, false); err != nil {
					return err
				}
				fmt.Fprintln(cmd.OutOrStdout(), c.ID)
			}
			return nil
		},
	}
	cmd.Flags().BoolVarP(&force, "force", "f", false, "do not ask for confirmation")
	return cmd
}

// confirm asks "Are you sure?" and takes y or yes for an answer. Where
// stdin is a file that is not a terminal (a script, a pipe, /dev/null) it
// does not ask but refuses, so a script must say -f; any other reader (a
// test's) is asked.
func confirm(cmd *cobra.Command, what string) bool {
	in := cmd.InOrStdin()
	if f, ok := in.(*os.File); ok {
		if _, isTTY := terminalFile(f); !isTTY {
			fmt.Fprintln(cmd.ErrOrStderr(), what+" Not a terminal, so not asking: add -f to go ahead.")
			return false
		}
	}
	fmt.Fprintf(cmd.OutOrStdout(), "WARNING! %s\nAre you sure you want to continue? [y/N] ", what)
	line, err := bufio.NewReader(in).ReadString('\n')
	if err != nil && err != io.EOF {
		return false
	}
	answer := strings.ToLower(strings.TrimSpace(line))
	return answer == "y" || answer == "yes"
}
