package main

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
)

// historyRow is one line of `dockling history` (--format fields).
type historyRow struct {
	ID           string
	CreatedSince string
	CreatedAt    string
	CreatedBy    string
	Size         string
	Comment      string
}

var historyHeaders = map[string]string{"ID": "IMAGE", "CreatedSince": "CREATED", "CreatedAt": "CREATED AT", "CreatedBy": "CREATED BY"}

func newHistoryCmd() *cobra.Command {
	var human, noTrunc, quiet bool
	var format string
	cmd := &cobra.Command{
		Use:   "history [OPTIONS] IMAGE",
		Short: "Show how an image was built, one line per step",
		Long: `history prints the build steps recorded in an image's config, newest first.
Steps that added files made a layer and show its unpacked SIZE; steps like
ENV or CMD only changed the config and show 0B. Only the top row has an image
ID; the rows below are "<missing>", because an image pulled from a registry
does not carry the intermediate images it was built from.`,
		Example: `  dockling history hostbox
  dockling history --no-trunc alpine
  dockling history --format '{{.Size}}\t{{.CreatedBy}}' alpine`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			store, err := openImageStore()
			if err != nil {
				return err
			}
			if args[0] == "hostbox" || args[0] == "hostbox:latest" {
				if _, err := store.Resolve(args[0]); err != nil { // built on first use
					return err
				}
			}
			entries, err := store.History(args[0])
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			rows := make([]any, 0, len(entries))
			for _, e := range entries {
				id := "<missing>"
				if e.ID != "" {
					id = imageIDText(e.ID, noTrunc)
				}
				if quiet {
					fmt.Fprintln(out, id)
					continue
				}
				by := strings.Join(strings.Fields(e.CreatedBy), " ")
				if !noTrunc && len(by) > 45 {
					by = by[:44] + "…"
				}
				row := historyRow{ID: id, CreatedBy: by, Comment: e.Comment,
					CreatedAt: e.Created.Format(time.RFC3339), Size: strconv.FormatInt(e.Size, 10)}
				row.CreatedSince = row.CreatedAt
				if human {
					row.CreatedSince, row.Size = humanAgo(e.Created), humanSize(e.Size)
				}
				rows = append(rows, row)
			}
			if quiet {
				return nil
			}
			if format == "" {
				format = "table {{.ID}}\t{{.CreatedSince}}\t{{.CreatedBy}}\t{{.Size}}\t{{.Comment}}"
			}
			return printFormatted(out, format, historyHeaders, rows)
		},
	}
	cmd.Flags().BoolVarP(&human, "human", "H", true, "sizes and dates in human-readable form")
	cmd.Flags().BoolVar(&noTrunc, "no-trunc", false, "do not cut output short")
	cmd.Flags().BoolVarP(&quiet, "quiet", "q", false, "only show image IDs")
	cmd.Flags().StringVar(&format, "format", "", "print with a Go template, e.g. '{{.Size}} {{.CreatedBy}}'")
	return cmd
}
