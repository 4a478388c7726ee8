package main

import (
	"fmt"
	"strconv"
	"strings"
	"syscall"

	"github.com/dockling/dockling/sandbox/container"
	"github.com/spf13/cobra"
	"golang.org/x/sys/unix"
)

func newKillCmd() *cobra.Command {
	var signal string
	cmd := &cobra.Command{
		Use:   "kill [OPTIONS] CONTAINER [CONTAINER...]",
		Short: "Send a signal to running containers (default SIGKILL)",
		Example: `  dockling kill c1
  dockling kill -s TERM web
  dockling kill -s HUP web`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			sig, err := parseSignal(signal)
			if err != nil {
				return err
			}
			return forEachContainer(cmd, args, func(store *container.Store, c *container.Container) error {
				if err := store.Signal(c, sig); err != nil {
					return err
				}
				fmt.Fprintln(cmd.OutOrStdout(), containerRef(c, args))
				return nil
			})
		},
	}
	cmd.Flags().StringVarP(&signal, "signal", "s", "KILL", "signal to send: a name (KILL, TERM, SIGHUP) or a number")
	return cmd
}

// parseSignal accepts "KILL", "SIGKILL", "kill" or "9".
func parseSignal(s string) (syscall.Signal, error) {
	if n, err := strconv.Atoi(s); err == nil && n > 0 && n < 65 {
		return syscall.Signal(n), nil
	}
	name := strings.ToUpper(s)
	if !strings.HasPrefix(name, "SIG") {
		name = "SIG" + name
	}
	if sig := unix.SignalNum(name); sig != 0 {
		return sig, nil
	}
	return 0, fmt.Errorf("invalid signal %q: use a name like TERM or KILL, or a number", s)
}
