package main

import (
	"github.com/spf13/cobra"
)

func newPushCmd() *cobra.Command {
	var quiet bool
	cmd := &cobra.Command{
		Use:   "push [OPTIONS] NAME[:TAG]",
		Short: "Upload an image to a registry",
		Long: `push sends a local image to the registry its name starts with (Docker Hub
when there is none): each layer blob the registry does not have yet, then the
config, then the manifest, so the tag never points at a half-uploaded image.
The registry receives the stored bytes unchanged, so the digests and the image
ID are the same there as here.

Give the image a registry name first with "dockling tag". Registries that
need a password need "dockling login" first.`,
		Example: `  dockling tag hostbox 127.0.0.1:5000/teach/box:1
  dockling push 127.0.0.1:5000/teach/box:1`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			helperArgs := []string{"push"}
			if quiet {
				helperArgs = append(helperArgs, "-q")
			}
			// The registry client does the push (registry.go).
			return runRegistryCmd(cmd, append(helperArgs, "--", args[0])...)
		},
	}
	cmd.Flags().BoolVarP(&quiet, "quiet", "q", false, "suppress progress output")
	return cmd
}
