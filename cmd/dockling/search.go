package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/spf13/cobra"
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
			results, err := searchRegistry(cmd, args[0], limit)
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

// searchResult is one repository the registry client found (its JSON).
type searchResult struct {
	Name        string `json:"name"`
	Description string `json:"description"`
	Stars       int    `json:"star_count"`
	Official    bool   `json:"is_official"`
}

// searchRegistry asks the registry client (registry.go), which prints one
// result a line.
func searchRegistry(cmd *cobra.Command, term string, limit int) ([]searchResult, error) {
	var out bytes.Buffer
	if err := runRegistry(nil, &out, cmd.ErrOrStderr(), "search", "--limit", fmt.Sprint(limit), "--", term); err != nil {
		return nil, err
	}
	var results []searchResult
	dec := json.NewDecoder(&out)
	for dec.More() {
		var r searchResult
		if err := dec.Decode(&r); err != nil {
			return nil, fmt.Errorf("search: reading %s's answer: %w", registryHelper, err)
		}
		results = append(results, r)
	}
	return results, nil
}
