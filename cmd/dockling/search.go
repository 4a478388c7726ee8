package main

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/dockling/dockling/sandbox/image/remote"
)

// searchRow is one line of `dockling search` (--format fields).
type searchRow struct {
	Name        string
	Description string
	StarCount   int
	IsOfficial  string
}

var searchHeaders = map[string]string{"StarCount": "STARS", "IsOfficial": "OFFICIAL"}

func newSearchCmd() *cobra.Command {
	var limit int
	var noTrunc bool
	var format string
	cmd := &cobra.Command{
		Use:   "search [OPTIONS] TERM",
		Short: "Search a registry for images",
		Long: `search finds repositories whose name contains TERM.

"HOST[:PORT]/TERM" asks that registry for its catalog (GET /v2/_catalog, which
private registries such as registry:2 answer) and filters it here. A plain
TERM asks Docker Hub's search service, which needs internet access.`,
		Example: `  dockling search alpine
  dockling search 127.0.0.1:5000/web
  dockling search --limit 5 --format '{{.Name}}' nginx`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			results, err := remote.Search(args[0], limit, remote.Options{Context: cmd.Context()})
			if err != nil {
				return err
			}
			rows := make([]any, 0, len(results))
			for _, r := range results {
				desc := strings.Join(strings.Fields(r.Description), " ")
				if !noTrunc && len(desc) > 45 {
					desc = desc[:44] + "…"
				}
				official := ""
				if r.Official {
					official = "[OK]"
				}
				rows = append(rows, searchRow{Name: r.Name, Description: desc, StarCount: r.Stars, IsOfficial: official})
			}
			if format == "" {
				format = "table {{.Name}}\t{{.Description}}\t{{.StarCount}}\t{{.IsOfficial}}"
			}
			if len(rows) == 0 && !strings.HasPrefix(format, "table") {
				return nil
			}
			if err := printFormatted(cmd.OutOrStdout(), format, searchHeaders, rows); err != nil {
				return fmt.Errorf("search: %w", err)
			}
			return nil
		},
	}
	cmd.Flags().IntVar(&limit, "limit", 0, "at most this many results (Docker Hub: default 25)")
	cmd.Flags().BoolVar(&noTrunc, "no-trunc", false, "do not cut descriptions short")
	cmd.Flags().StringVar(&format, "format", "", "print with a Go template, e.g. '{{.Name}}'")
	return cmd
}
