package main

import (
	"fmt"
	"time"

	"github.com/dockling/dockling/sandbox/container"
	"github.com/spf13/cobra"
)

func newRestartCmd() *cobra.Command {
	var seconds int
	cmd := &cobra.Command{
		Use:     "restart [OPTIONS] CONTAINER [CONTAINER...]",
		Short:   "Stop, then start containers",
		Example: "  dockling restart web",
		Args:    cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return forEachContainer(cmd, args, func(store *container.Store, c *container.Container) error {
				if err := store.Stop(c, time.Duration(seconds)*time.Second); err != nil {
					return err
				}
				if err := spawnSupervisor(store, c); err != nil {
					return err
				}
				fmt.Fprintln(cmd.OutOrStdout(), containerRef(c, args))
				return nil
			})
		},
	}
	cmd.Flags().IntVarP(&seconds, "time", "t", 10, "seconds to wait before killing it")
	return cmd
}
