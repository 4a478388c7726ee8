package main

import (
	"fmt"
	"io"
	"regexp"
	"strings"
	"text/tabwriter"
	"text/template"
	"time"

	"github.com/spf13/cobra"

	"github.com/dockling/dockling/sandbox"
	"github.com/dockling/dockling/sandbox/container"
	"github.com/dockling/dockling/sandbox/image"
)

// imageCommands are the docker-like commands about images. root.go adds
// them with root.AddCommand(imageCommands()...).
func imageCommands() []*cobra.Command {
	return []*cobra.Command{
		newPullCmd(), newImagesCmd(), newRmiCmd(), newTagCmd(), newPushCmd(),
		newLoginCmd(), newLogoutCmd(), newSearchCmd(), newHistoryCmd(),
		newSaveCmd(), newLoadCmd(), newImageCmd(),
		newCommitCmd(), newExportCmd(), newImportCmd(),
	}
}

// openImageStore opens the image store under $DOCKLING_ROOT. An image is
// in use while any container, running or not, was made from it: rmi
// refuses it without -f, as docker does.
func openImageStore() (*image.Store, error) {
	s, err := image.Open(sandbox.Root())
	if err != nil {
		return nil, err
	}
	s.InUse = func(imageID string) bool {
		cs, err := container.Open(sandbox.Root())
		if err != nil {
			return false
		}
		all, _ := cs.List()
		for _, c := range all {
			if c.ImageID == imageID {
				return true
			}
		}
		return false
	}
	return s, nil
}

func init() {
	// `dockling inspect NAME` falls back to images when no container matches.
	inspectImage = func(ref string) (any, error) {
		s, err := openImageStore()
		if err != nil {
			return nil, err
		}
		return s.InspectImage(ref)
	}
}

// isTerminal says whether w is a terminal (progress bars, prompts), with
// the same ioctl the lesson renderer uses, so no terminal library is linked.
func isTerminal(w io.Writer) bool {
	_, ok := terminalFile(w)
	return ok
}

// shortID is the 12 hex digits docker prints for an image ID.
func shortID(id string) string {
	h := strings.TrimPrefix(id, "sha256:")
	if len(h) > 12 {
		return h[:12]
	}
	return h
}

// humanSize prints bytes the way `docker images` does: decimal units and
// three significant digits ("77.9MB", "5.58kB").
func humanSize(n int64) string {
	units := []string{"B", "kB", "MB", "GB", "TB", "PB"}
	f := float64(n)
	i := 0
	for f >= 1000 && i < len(units)-1 {
		f /= 1000
		i++
	}
	return fmt.Sprintf("%.3g%s", f, units[i])
}

// humanAgo is docker's CREATED column: "About a minute ago", "3 weeks ago".
func humanAgo(t time.Time) string {
	if t.IsZero() {
		return "N/A"
	}
	return humanDuration(time.Since(t)) + " ago"
}

// humanDuration follows docker's go-units HumanDuration word for word.
func humanDuration(d time.Duration) string {
	if s := int(d.Seconds()); s < 1 {
		return "Less than a second"
	} else if s == 1 {
		return "1 second"
	} else if s < 60 {
		return fmt.Sprintf("%d seconds", s)
	}
	if m := int(d.Minutes()); m == 1 {
		return "About a minute"
	} else if m < 60 {
		return fmt.Sprintf("%d minutes", m)
	}
	h := int(d.Hours() + 0.5)
	switch {
	case h == 1:
		return "About an hour"
	case h < 48:
		return fmt.Sprintf("%d hours", h)
	case h < 24*7*2:
		return fmt.Sprintf("%d days", h/24)
	case h < 24*30*2:
		return fmt.Sprintf("%d weeks", h/24/7)
	case h < 24*365*2:
		return fmt.Sprintf("%d months", h/24/30)
	}
	return fmt.Sprintf("%d years", int(d.Hours())/24/365)
}

// formatFields finds the {{.Field}} names in a --format template.
var formatFields = regexp.MustCompile(`{{\s*\.(\w+)\s*}}`)

// printFormatted prints rows with a docker-style --format template. A
// "table " prefix adds a header row (the field names in capitals, with
// docker's names for the usual ones) and aligns columns, as docker does.
func printFormatted(w io.Writer, format string, headers map[string]string, rows []any) error {
	table := strings.HasPrefix(format, "table ")
	format = strings.TrimPrefix(format, "table ")
	format = strings.NewReplacer(`\t`, "\t", `\n`, "\n").Replace(format)
	tmpl, err := template.New("format").Funcs(template.FuncMap{
		"json":  jsonString,
		"upper": strings.ToUpper,
		"lower": strings.ToLower,
	}).Parse(format + "\n")
	if err != nil {
		return fmt.Errorf("bad --format template: %v; see \"dockling images --help\"", err)
	}
	out := w
	var tw *tabwriter.Writer
	if table {
		tw = tabwriter.NewWriter(w, 0, 8, 3, ' ', 0)
		out = tw
		header := formatFields.ReplaceAllStringFunc(format, func(m string) string {
			field := formatFields.FindStringSubmatch(m)[1]
			if h, ok := headers[field]; ok {
				return h
			}
			return strings.ToUpper(field)
		})
		fmt.Fprintln(out, header)
	}
	for _, r := range rows {
		if err := tmpl.Execute(out, r); err != nil {
			return fmt.Errorf("--format: %v", oneLineErr(err))
		}
	}
	if tw != nil {
		return tw.Flush()
	}
	return nil
}

func oneLineErr(err error) string { return strings.Join(strings.Fields(err.Error()), " ") }
