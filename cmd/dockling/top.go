package main

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/dockling/dockling/sandbox/cgroups"
	"github.com/dockling/dockling/sandbox/container"
)

func newTopCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "top CONTAINER",
		Short: "Display the running processes of a container",
		Long: `top lists a container's processes as the HOST sees them: host PIDs and
host user names, with ps -ef's columns (UID PID PPID C STIME TTY TIME CMD).

Which processes belong to the container is the kernel's answer, not a
guess: every process in the container is in its cgroup, and the cgroup's
cgroup.procs file lists them. The rest comes from /proc/PID/stat, status
and cmdline, as ps reads them. Compare with "dockling exec CONTAINER ps",
which shows the same processes from inside: PID 1 there is one of the
host PIDs here.`,
		Example: `  dockling top web`,
		Args:    cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) > 1 {
				return fmt.Errorf("ps options (%s) are not supported; dockling top prints ps -ef's columns", strings.Join(args[1:], " "))
			}
			store, err := openContainerStore()
			if err != nil {
				return err
			}
			c, err := store.Find(args[0])
			if err != nil {
				return err
			}
			return runTop(cmd.OutOrStdout(), c)
		},
	}
}

func runTop(w io.Writer, c *container.Container) error {
	if c.State.Status != container.Running || !c.State.Alive() {
		return fmt.Errorf("container %s is not running; start it with \"dockling start %s\"", c.Name, c.Name)
	}
	m, err := cgroups.Load(c.ID)
	if err != nil {
		return fmt.Errorf("container %s: %w", c.Name, err)
	}
	pids, err := m.Procs()
	if err != nil {
		return err
	}
	proc, err := container.NewProc()
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(w, 10, 1, 3, ' ', 0)
	fmt.Fprintln(tw, strings.Join(container.TopHeader, "\t"))
	now := time.Now()
	for _, pid := range pids {
		row, err := proc.Row(pid, now)
		if err != nil {
			continue // it exited between the two reads
		}
		fmt.Fprintln(tw, strings.Join(row.Fields(), "\t"))
	}
	return tw.Flush()
}
