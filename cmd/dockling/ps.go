package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/dockling/dockling/sandbox"
	"github.com/dockling/dockling/sandbox/container"
)

type psOptions struct {
	all, quiet, noTrunc, latest bool
	last                        int
	format                      string
}

func newPsCmd() *cobra.Command {
	var o psOptions
	cmd := &cobra.Command{
		Use:   "ps [OPTIONS]",
		Short: "List containers",
		Long: `ps lists the running containers, newest first, with docker's columns:
CONTAINER ID, IMAGE, COMMAND, CREATED, STATUS, PORTS and NAMES. -a adds the
ones that are created or have exited.

There is no daemon to ask: ps reads each container's record under the state
directory ($DOCKLING_ROOT/containers/<id>/container.json). A record that
says running but whose process is gone (the host rebooted, the supervisor
was killed) is shown as exited, because that is what it is.

--format takes a Go template with docker's placeholders: .ID, .Image,
.Command, .CreatedAt, .RunningFor, .Ports, .Status, .Names, .State, .Size,
.Labels, .Mounts, .Networks. Start it with "table" to get a header row and
aligned columns; write \t between columns.`,
		Example: `  dockling ps
  dockling ps -a
  dockling ps -aq                    # ids only, e.g. for: dockling rm $(dockling ps -aq)
  dockling ps --format '{{.Names}}: {{.Status}}'
  dockling ps -a --format 'table {{.ID}}\t{{.Names}}\t{{.State}}'`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runPs(cmd.OutOrStdout(), o, time.Now())
		},
	}
	f := cmd.Flags()
	f.BoolVarP(&o.all, "all", "a", false, "show all containers (default shows just running)")
	f.BoolVarP(&o.quiet, "quiet", "q", false, "only display container IDs")
	f.BoolVar(&o.noTrunc, "no-trunc", false, "don't truncate output")
	f.StringVar(&o.format, "format", "", "format output using a Go template, or \"table\", or \"json\"")
	f.IntVarP(&o.last, "last", "n", -1, "show n last created containers (includes all states)")
	f.BoolVarP(&o.latest, "latest", "l", false, "show the latest created container (includes all states)")
	return cmd
}

func runPs(w io.Writer, o psOptions, now time.Time) error {
	store, err := openContainerStore()
	if err != nil {
		return err
	}
	all, err := store.List() // newest first
	if err != nil {
		return fmt.Errorf("list containers: %w", err)
	}
	if o.latest {
		o.last = 1
	}
	var shown []*container.Container
	for _, c := range all {
		// --last and --latest count every container, as in docker.
		if o.all || o.last >= 0 || c.State.Status == container.Running {
			shown = append(shown, c)
		}
	}
	if o.last >= 0 && len(shown) > o.last {
		shown = shown[:o.last]
	}

	if o.quiet { // -q wins over --format, as in docker
		for _, c := range shown {
			id := c.ID
			if !o.noTrunc {
				id = container.ShortID(id)
			}
			fmt.Fprintln(w, id)
		}
		return nil
	}
	format := o.format
	if format == "" || strings.TrimSpace(format) == "table" {
		format = container.DefaultPsFormat
	}
	out, err := container.NewFormatter(w, format, container.PsHeaders)
	if err != nil {
		return fmt.Errorf("%w; see \"dockling ps --help\"", err)
	}
	for _, c := range shown {
		if err := out.Write(c.PsRow(now, o.noTrunc)); err != nil {
			return err
		}
	}
	return out.Flush()
}

// openContainerStore opens the container records under the state root,
// with a hint for the usual reason it fails: the state is root's.
func openContainerStore() (*container.Store, error) {
	store, err := container.Open(sandbox.Root())
	if errors.Is(err, fs.ErrPermission) {
		return nil, fmt.Errorf("%w; dockling keeps its state as root: run it with sudo", err)
	}
	return store, err
}
