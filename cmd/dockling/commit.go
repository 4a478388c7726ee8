package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/dockling/dockling/sandbox"
	"github.com/dockling/dockling/sandbox/container"
	"github.com/dockling/dockling/sandbox/image"
)

func newCommitCmd() *cobra.Command {
	var opts image.CommitOptions
	cmd := &cobra.Command{
		Use:   "commit [OPTIONS] CONTAINER [REPOSITORY[:TAG]]",
		Short: "Make a new image from a container's changes",
		Long: `commit turns what a container wrote (its overlayfs upper directory) into one
more layer on top of the container's image, and makes an image of the stack:
the image's config with one more history entry ("dockling commit") and one
more diff_id; as with docker, the container's command becomes the new
image's CMD. Files the container deleted become OCI whiteouts (.wh.NAME) in
the layer tar, so the deletion travels with the image.

It works on a running container too: the upper directory is read as it is
at that moment, so a file being written right then may be caught half-way
(docker pauses the container to avoid that; a teaching tool keeps it simple).
Stop the container first when that matters.

It prints the new image ID. Without REPOSITORY the image has no name
("<none>" in "dockling images"); tag it later with "dockling tag".`,
		Example: `  dockling run --name w hostbox sh -c 'echo hi > /root/new'
  dockling commit w mine:v1
  dockling run --rm mine:v1 cat /root/new
  dockling history mine:v1`,
		Args: cobra.RangeArgs(1, 2),
		RunE: func(cmd *cobra.Command, args []string) error {
			cs, err := container.Open(sandbox.Root())
			if err != nil {
				return err
			}
			c, err := cs.Find(args[0])
			if err != nil {
				return err
			}
			if len(args) == 2 {
				opts.Ref = args[1]
			}
			opts.Container = c.ID
			opts.Command = c.Config.Args
			upper := filepath.Join(cs.Dir(c.ID), "upper")
			if c.Config.Overlay != nil {
				upper = c.Config.Overlay.Upper
			}
			if _, err := os.Stat(upper); os.IsNotExist(err) && c.State.Status == container.Created {
				// Never started, so no upper dir yet: no changes, an empty layer.
				if upper, err = os.MkdirTemp("", "dockling-empty-"); err != nil {
					return fmt.Errorf("commit: %w", err)
				}
				defer os.RemoveAll(upper)
			}
			store, err := openImageStore()
			if err != nil {
				return err
			}
			img, err := store.CommitUpper(c.ImageID, upper, opts)
			if err != nil {
				return err
			}
			fmt.Fprintln(cmd.OutOrStdout(), img.ID)
			return nil
		},
	}
	cmd.Flags().StringVarP(&opts.Comment, "message", "m", "", "a comment for the history entry")
	cmd.Flags().StringVarP(&opts.Author, "author", "a", "", `the author, e.g. "Ada <ada@example.com>"`)
	return cmd
}
