package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/dockling/dockling/sandbox/container"
)

type logsOptions struct {
	follow, timestamps bool
	tail, since        string
}

func newLogsCmd() *cobra.Command {
	var o logsOptions
	cmd := &cobra.Command{
		Use:   "logs [OPTIONS] CONTAINER",
		Short: "Print a container's output",
		Long: `logs prints what a container wrote to its standard output and standard
error, each to the same stream here. It works for running and exited
containers alike, because the container's supervisor saved every line to a
file as it was written, in docker's json-file format: one JSON object a
line, with the text, the stream and the time
($DOCKLING_ROOT/containers/<id>/<id>-json.log; "dockling inspect -f
'{{.LogPath}}' NAME" prints the path).

-f keeps printing new lines until the container stops (or Ctrl-C).
--since takes a duration back from now (10m, 1h30m), a time
(2026-11-28T12:00:00, 2026-11-28) or a Unix timestamp.`,
		Example: `  dockling logs web
  dockling logs -f web
  dockling logs --tail 20 -t web
  dockling logs --since 10m web`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runLogs(cmd, args[0], o)
		},
	}
	f := cmd.Flags()
	f.BoolVarP(&o.follow, "follow", "f", false, "follow log output")
	f.BoolVarP(&o.timestamps, "timestamps", "t", false, "show timestamps")
	f.StringVarP(&o.tail, "tail", "n", "all", "number of lines to show from the end of the logs")
	f.StringVar(&o.since, "since", "", "show logs since timestamp (e.g. 2026-11-28T12:00:00) or relative (e.g. 42m)")
	return cmd
}

func runLogs(cmd *cobra.Command, ref string, o logsOptions) error {
	now := time.Now()
	tail, err := parseLogsTail(o.tail)
	if err != nil {
		return err
	}
	since, err := parseLogsSince(o.since, now)
	if err != nil {
		return err
	}
	store, err := openContainerStore()
	if err != nil {
		return err
	}
	c, err := store.Find(ref)
	if err != nil {
		return err
	}
	if c.LogPath == "" {
		return nil // never started: nothing was written
	}
	// Ctrl-C ends a follow quietly instead of killing us mid-line.
	ctx, stop := signal.NotifyContext(cmdContext(cmd), os.Interrupt, syscall.SIGTERM)
	defer stop()
	opts := container.LogOptions{
		Follow: o.follow, Tail: tail, Timestamps: o.timestamps, Since: since,
		Done: ctx.Done(),
		StillRunning: func() bool {
			now, err := store.Load(c.ID)
			return err == nil && now.State.Status == container.Running
		},
	}
	return container.ReadLogs(c.LogPath, opts, cmd.OutOrStdout(), cmd.ErrOrStderr())
}

// cmdContext is the command's context, or a background one when the
// command runs outside Execute (as in some tests).
func cmdContext(cmd *cobra.Command) context.Context {
	if ctx := cmd.Context(); ctx != nil {
		return ctx
	}
	return context.Background()
}

// parseLogsTail reads --tail: "all" (or any negative number) is every line.
func parseLogsTail(s string) (int, error) {
	if s == "all" || s == "" {
		return -1, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return 0, fmt.Errorf("invalid --tail %q: give a number of lines or \"all\"", s)
	}
	return max(n, -1), nil
}

// parseLogsSince reads --since as docker does: a duration back from now,
// an RFC 3339 time (with or without zone, fraction or clock), or Unix
// seconds with an optional fraction. Times without a zone are local.
func parseLogsSince(s string, now time.Time) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	if d, err := time.ParseDuration(s); err == nil {
		return now.Add(-d), nil
	}
	if secs, frac, ok := strings.Cut(s, "."); isDigits(secs) && (!ok || isDigits(frac)) {
		sec, _ := strconv.ParseInt(secs, 10, 64)
		nsec := int64(0)
		if ok {
			frac = (frac + "000000000")[:9]
			nsec, _ = strconv.ParseInt(frac, 10, 64)
		}
		return time.Unix(sec, nsec), nil
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, nil
	}
	for _, layout := range []string{"2006-01-02T15:04:05.999999999", "2006-01-02T15:04:05", "2006-01-02T15:04", "2006-01-02"} {
		if t, err := time.ParseInLocation(layout, s, time.Local); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("invalid --since %q: give a duration (10m), a time (2026-11-28T12:00:00) or a Unix timestamp", s)
}

func isDigits(s string) bool {
	return s != "" && strings.Trim(s, "0123456789") == ""
}
