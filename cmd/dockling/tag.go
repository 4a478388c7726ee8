package main

import (
	"github.com/spf13/cobra"
)

func newTagCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "tag SOURCE_IMAGE[:TAG] TARGET_IMAGE[:TAG]",
		Short: "Give an image another name",
		Long: `tag adds a name that points at the same image: one more entry in the store's
index.json, no data copied. A name is also an address: to push an image to a
registry, tag it with the registry's host first, as with docker.

If TARGET already named another image, the name moves; that image keeps its
other names.`,
		Example: `  dockling tag hostbox mybox:1.0
  dockling tag hostbox 127.0.0.1:5000/teach/box
  dockling push 127.0.0.1:5000/teach/box`,
		Args: cobra.ExactArgs(2),
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
			return store.Tag(args[0], args[1])
		},
	}
}
