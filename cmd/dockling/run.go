package main

import (
	"errors"
	"fmt"
	"time"

	"os"

	// Begins the cgroup move's kernel wait as the process starts.
	_ "github.com/dockling/dockling/internal/earlyprime"
	"github.com/dockling/dockling/sandbox"
	"github.com/dockling/dockling/sandbox/explain"

	"github.com/spf13/cobra"
)

func newRunCmd() *cobra.Command {
	var o createOptions
	var detach bool
	cmd := &cobra.Command{
		Use:   "run [OPTIONS] IMAGE [COMMAND] [ARG...]",
		Short: "Create and start a container",
		Long: `Run a command in a new container: every layer of the steps at once
(namespaces, cgroup, overlay root, network, volumes).

Without -d the container's output comes to your terminal and dockling exits
with the container's exit code. With -d a small supervisor process keeps it
running after dockling returns, and writes its output to the log
("dockling logs"). -i keeps its standard input open, -t gives it a terminal.`,
		Example: `  dockling run hostbox echo hello
  dockling run -it --rm hostbox sh
  dockling run -id --name c1 hostbox
  dockling run -d --name web -m 64m hostbox probe serve :80`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if os.Geteuid() != 0 {
				return fmt.Errorf("dockling run needs root (it creates namespaces, cgroups and mounts); run: sudo dockling run ...")
			}
			if err := needTerminalInput(o.interactive && !detach, o.tty); err != nil {
				return err
			}
			t0 := time.Now()
			// The kernel's slowest part of a start on cgroup v1, begun now
			// so it runs beside everything up to the command's execve.
			sandbox.PrimeCgroupMove()
			// The child's clone, exec and Go runtime start, begun now so
			// they run beside the container's record and files; it waits
			// for its config and runs nothing of the container before.
			var early *sandbox.EarlyChild
			if !detach {
				early = startEarlyChild(o)
			}
			defer early.Abandon() // unless Run took it
			store, c, err := createContainer(o, args[0], args[1:])
			if err != nil {
				return err
			}
			explain.Timing("create the container (image, record, files)", t0)
			if detach {
				err = spawnSupervisor(store, c)
			} else {
				err = runAttached(cmd, store, c, early)
			}
			explain.Timing("run until the end, with --rm's removal", t0)
			if neverStarted(err) {
				// A run that failed to start leaves no half-made container.
				_ = removeContainer(store, c, true)
			}
			if err != nil || !detach {
				return err
			}
			fmt.Fprintln(cmd.OutOrStdout(), c.ID)
			return nil
		},
	}
	// Options stop at the image name: what follows belongs to the command.
	cmd.Flags().SetInterspersed(false)
	cmd.Flags().BoolVarP(&detach, "detach", "d", false, "run in the background and print the container ID")
	o.addFlags(cmd)
	return cmd
}

// startEarlyChild clones the child of the container o describes: the
// namespaces createContainer will ask for, its terminal and its stdin.
// Should they differ, Run abandons it and clones another.
func startEarlyChild(o createOptions) *sandbox.EarlyChild {
	ns := sandbox.AllNamespaces
	if o.network == "host" {
		ns = nil
		for _, n := range sandbox.AllNamespaces {
			if n != sandbox.NSNet {
				ns = append(ns, n)
			}
		}
	}
	var stdin *os.File // /dev/null
	if o.interactive {
		stdin = os.Stdin
	}
	return sandbox.StartEarly(ns, o.tty, stdin)
}

// neverStarted tells a container that could not start (its command is
// missing, its setup failed) from one that ran and exited non-zero.
func neverStarted(err error) bool {
	var ee exitError
	if errors.As(err, &ee) {
		return ee.err != nil
	}
	return err != nil
}
