package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/dockling/dockling/sandbox/container"
)

type statsOptions struct {
	all, noStream bool
	format        string
}

func newStatsCmd() *cobra.Command {
	var o statsOptions
	cmd := &cobra.Command{
		Use:   "stats [OPTIONS] [CONTAINER...]",
		Short: "Display a live stream of containers' resource usage",
		Long: `stats shows what the kernel counts for each container's cgroup: CPU %,
memory used and its limit, and the number of processes (PIDS).

Memory and PIDs are read once (memory.usage_in_bytes or memory.current,
pids.current). CPU is a counter of CPU time used since the cgroup was
made, so a percentage needs two readings: --no-stream takes two, 200 ms
apart; otherwise the table is redrawn every second until Ctrl-C, each time
against the reading before. 100% is one CPU kept busy. The limit is -m, or
the host's memory when the container has none.

Without names, stats shows the running containers (-a: all). --format
takes docker's placeholders: .ID, .Name, .Container, .CPUPerc, .MemUsage,
.MemPerc, .PIDs.`,
		Example: `  dockling stats --no-stream
  dockling stats web
  dockling stats --no-stream --format '{{.Name}} {{.MemUsage}}' web`,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			return runStats(ctx, cmd.OutOrStdout(), args, o)
		},
	}
	f := cmd.Flags()
	f.BoolVarP(&o.all, "all", "a", false, "show all containers (default shows just running)")
	f.BoolVar(&o.noStream, "no-stream", false, "print one table and exit")
	f.StringVar(&o.format, "format", "", "format output using a Go template, or \"table\", or \"json\"")
	return cmd
}

func runStats(ctx context.Context, w io.Writer, refs []string, o statsOptions) error {
	if ctx == nil {
		ctx = context.Background()
	}
	store, err := openContainerStore()
	if err != nil {
		return err
	}
	format := o.format
	if format == "" || strings.TrimSpace(format) == "table" {
		format = container.DefaultStatsFormat
	}
	// Check the template once, before any waiting.
	if _, err := container.Template(format); err != nil {
		return fmt.Errorf("%w; see \"dockling stats --help\"", err)
	}
	hostMem := container.HostMemory()
	prev := map[string]container.Sample{}
	sample := func() ([]*container.Container, map[string]container.Sample, error) {
		var list []*container.Container
		if len(refs) > 0 {
			for _, ref := range refs {
				c, err := store.Find(ref)
				if err != nil {
					return nil, nil, err
				}
				list = append(list, c)
			}
		} else {
			all, err := store.List()
			if err != nil {
				return nil, nil, err
			}
			for _, c := range all {
				if o.all || c.State.Status == container.Running {
					list = append(list, c)
				}
			}
		}
		cur := map[string]container.Sample{}
		for _, c := range list {
			if c.State.Status == container.Running {
				cur[c.ID] = container.TakeSample(c.ID)
			}
		}
		return list, cur, nil
	}
	print := func(list []*container.Container, cur map[string]container.Sample) error {
		out, err := container.NewFormatter(w, format, container.StatsHeaders)
		if err != nil {
			return err
		}
		for _, c := range list {
			if err := out.Write(c.StatsRow(prev[c.ID], cur[c.ID], hostMem)); err != nil {
				return err
			}
		}
		return out.Flush()
	}

	if o.noStream {
		// Two readings, 200 ms apart, for the CPU figure.
		if _, first, err := sample(); err != nil {
			return err
		} else {
			prev = first
		}
		time.Sleep(200 * time.Millisecond)
		list, cur, err := sample()
		if err != nil {
			return err
		}
		return print(list, cur)
	}
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	for {
		list, cur, err := sample()
		if err != nil {
			return err
		}
		fmt.Fprint(w, "\033[2J\033[H") // clear the screen, cursor home
		if err := print(list, cur); err != nil {
			return err
		}
		prev = cur
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C:
		}
	}
}
