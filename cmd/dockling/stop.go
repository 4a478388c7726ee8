package main

import (
	"fmt"
	"time"

	"github.com/dockling/dockling/sandbox/container"
	"github.com/spf13/cobra"
)

func newStopCmd() *cobra.Command {
	var seconds int
	cmd := &cobra.Command{
		Use:   "stop [OPTIONS] CONTAINER [CONTAINER...]",
		Short: "Stop running containers (SIGTERM, then SIGKILL after a grace period)",
		Long: `Send SIGTERM to the container's main process and, if it is still running
after the grace period, SIGKILL. A process that is PID 1 of its namespace
(every container's main process) gets only the signals it handles, so a
plain shell ignores SIGTERM and is killed after the grace period.`,
		Example: `  dockling stop c1
  dockling stop -t 2 web`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return forEachContainer(cmd, args, func(store *container.Store, c *container.Container) error {
				if err := store.Stop(c, time.Duration(seconds)*time.Second); err != nil {
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
