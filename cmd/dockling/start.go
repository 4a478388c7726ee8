package main

import (
	"fmt"

	"github.com/dockling/dockling/sandbox"
	"github.com/dockling/dockling/sandbox/container"
	"github.com/spf13/cobra"
)

func newStartCmd() *cobra.Command {
	var attach, interactive bool
	cmd := &cobra.Command{
		Use:   "start [OPTIONS] CONTAINER [CONTAINER...]",
		Short: "Start stopped containers again",
		Long: `Start a created or exited container: a new process with the same name,
configuration and writable layer, so files written before are still there.`,
		Example: `  dockling start c1
  dockling start -a c1     # attach to its output and wait for it`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if attach || interactive {
				if len(args) != 1 {
					return fmt.Errorf("start -a/-i takes one container")
				}
				store, err := container.Open(sandbox.Root())
				if err != nil {
					return err
				}
				c, err := store.Find(args[0])
				if err != nil {
					return err
				}
				c.OpenStdin = c.OpenStdin && interactive
				if err := needTerminalInput(c.OpenStdin, c.Config.Tty); err != nil {
					return err
				}
				return runAttached(cmd, store, c, nil)
			}
			return forEachContainer(cmd, args, func(store *container.Store, c *container.Container) error {
				if c.State.Status == container.Running {
					return fmt.Errorf("container %s is already running", c.Name)
				}
				if err := spawnSupervisor(store, c); err != nil {
					return err
				}
				fmt.Fprintln(cmd.OutOrStdout(), containerRef(c, args))
				return nil
			})
		},
	}
	cmd.Flags().BoolVarP(&attach, "attach", "a", false, "attach to its output and wait for it to end")
	cmd.Flags().BoolVarP(&interactive, "interactive", "i", false, "attach its standard input")
	return cmd
}
