package main

import (
	"fmt"

	"github.com/spf13/cobra"
)

func newRmiCmd() *cobra.Command {
	var force bool
	cmd := &cobra.Command{
		Use:   "rmi [OPTIONS] IMAGE [IMAGE...]",
		Short: "Remove one or more images",
		Long: `rmi removes images by name or ID.

A name that is one of several for the same image is only taken off
("Untagged"). The last name, or the ID, deletes the image ("Deleted"): its
entry in the index, and every blob and unpacked layer that no other image
uses. Layers are shared, so removing an image frees only what is its own.

An ID with several names, or an image a container uses, needs -f. Forced
removal of an image a container uses only takes the names off: the
container's overlay still reads the layers.`,
		Example: `  dockling rmi alpine
  dockling rmi -f 1a2b3c4d5e6f
  dockling rmi $(dockling images -q)`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			store, err := openImageStore()
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			var errs []error
			for _, name := range args {
				res, err := store.Remove(name, force)
				if res != nil {
					for _, u := range res.Untagged {
						fmt.Fprintf(out, "Untagged: %s\n", u)
					}
					for _, d := range res.Deleted {
						fmt.Fprintf(out, "Deleted: %s\n", d)
					}
				}
				if err != nil {
					errs = append(errs, err)
				}
			}
			switch len(errs) {
			case 0:
				return nil
			case 1:
				return errs[0]
			}
			// Several failures: each on its own line on stderr, one summary line from main.
			for _, e := range errs[:len(errs)-1] {
				fmt.Fprintf(cmd.ErrOrStderr(), "dockling: %v\n", e)
			}
			return errs[len(errs)-1]
		},
	}
	cmd.Flags().BoolVarP(&force, "force", "f", false, "remove an image with several names, or one a container uses (untag only)")
	return cmd
}
