package main

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/spf13/cobra"
)

// newImageCmd is `dockling image ...`: docker's management command, with
// the same subcommands as the top-level ones under docker's short names.
func newImageCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "image COMMAND",
		Short: "Manage images",
		Long: `image groups the image commands under docker's management-command names:
"image ls" is "images", "image rm" is "rmi", and so on. "image inspect" lives
only here, because the top-level "inspect" is about containers.`,
		Example: `  dockling image ls
  dockling image inspect hostbox
  dockling image rm alpine`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	ls := renamed(newImagesCmd(), "images", "ls", "list")
	rm := renamed(newRmiCmd(), "rmi", "rm", "remove")
	cmd.AddCommand(newImageInspectCmd(), ls, rm, newPullCmd(), newPushCmd(), newTagCmd(),
		newHistoryCmd(), newSaveCmd(), newLoadCmd())
	return cmd
}

// renamed gives a fresh copy of a command another name (cobra commands
// cannot have two parents, so each parent gets its own instance).
func renamed(c *cobra.Command, from, to string, aliases ...string) *cobra.Command {
	c.Use = strings.Replace(c.Use, from, to, 1)
	c.Aliases = aliases
	c.Example = strings.ReplaceAll(c.Example, "dockling "+from, "dockling image "+to)
	return c
}

func newImageInspectCmd() *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:   "inspect [OPTIONS] IMAGE [IMAGE...]",
		Short: "Show an image's details as JSON",
		Long: `inspect prints what the store knows about images, as a JSON array in
docker's shape: Id (the config digest), RepoTags, Created, Config (Env, Cmd,
Entrypoint, WorkingDir, ...), Architecture, Os, Size, RootFS.Layers (the
diffids, bottom first). Metadata adds dockling's own facts: where the image
came from, the stored manifest's digest, and the directories its layers are
unpacked in, which is what overlayfs stacks when a container starts.`,
		Example: `  dockling image inspect hostbox
  dockling image inspect --format '{{.Id}}' hostbox
  dockling image inspect --format '{{json .Config.Env}}' alpine`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			store, err := openImageStore()
			if err != nil {
				return err
			}
			var results []any
			for _, name := range args {
				if name == "hostbox" || name == "hostbox:latest" {
					if _, err := store.Resolve(name); err != nil { // built on first use
						return err
					}
				}
				ins, err := store.InspectImage(name)
				if err != nil {
					return err
				}
				results = append(results, ins)
			}
			if format != "" {
				// Templates use docker's JSON names ({{.Id}}, {{.RootFS.Layers}}),
				// so each result is run through JSON into a map first.
				for i, r := range results {
					if results[i], err = asJSONMap(r); err != nil {
						return err
					}
				}
				return printFormatted(cmd.OutOrStdout(), format, nil, results)
			}
			data, err := json.MarshalIndent(results, "", "    ")
			if err != nil {
				return fmt.Errorf("encode inspect output: %w", err)
			}
			fmt.Fprintln(cmd.OutOrStdout(), string(data))
			return nil
		},
	}
	cmd.Flags().StringVarP(&format, "format", "f", "", "print with a Go template, e.g. '{{.Id}}'")
	return cmd
}

// asJSONMap turns v into the generic map its JSON encoding decodes to.
func asJSONMap(v any) (any, error) {
	data, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("encode inspect output: %w", err)
	}
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, fmt.Errorf("decode inspect output: %w", err)
	}
	return m, nil
}

// jsonString is the template function json, as in docker's --format.
func jsonString(v any) (string, error) {
	b, err := json.Marshal(v)
	return string(b), err
}
