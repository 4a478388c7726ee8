package main

import (
	"fmt"

	"github.com/dockling/dockling/sandbox/container"
	"github.com/spf13/cobra"
)

func newWaitCmd() *cobra.Command {
	return &cobra.Command{
		Use:     "wait CONTAINER [CONTAINER...]",
		Short:   "Wait until containers stop, then print their exit codes",
		Example: "  dockling wait c1",
		Args:    cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return forEachContainer(cmd, args, func(store *container.Store, c *container.Container) error {
				fmt.Fprintln(cmd.OutOrStdout(), store.Wait(c))
				return nil
			})
		},
	}
}
