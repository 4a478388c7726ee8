package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"
)

func newSaveCmd() *cobra.Command {
	var output string
	cmd := &cobra.Command{
		Use:   "save [OPTIONS] IMAGE [IMAGE...]",
		Short: "Write images to a tar archive",
		Long: `save writes images, with their names, to one tar in the "docker save"
format: manifest.json and repositories for docker load, plus an OCI image
layout (oci-layout, index.json, blobs/sha256/...) around the same blobs. Hand
it to another machine on a USB stick and "dockling load" or "docker load" it
there: the image ID stays the same.

Without -o the tar goes to stdout, but never to a terminal.`,
		Example: `  dockling save -o box.tar hostbox
  dockling save alpine hostbox | gzip > images.tar.gz`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			store, err := openImageStore()
			if err != nil {
				return err
			}
			for _, name := range args {
				if name == "hostbox" || name == "hostbox:latest" {
					if _, err := store.Resolve(name); err != nil { // built on first use
						return err
					}
				}
			}
			if output == "" {
				if isTerminal(cmd.OutOrStdout()) {
					return fmt.Errorf("refusing to write a tar to the terminal; use -o FILE or redirect stdout")
				}
				return store.Save(cmd.OutOrStdout(), args...)
			}
			// Write next to the target and rename, so a failed save leaves no
			// half-written tar that load would later choke on.
			tmp, err := os.CreateTemp(filepath.Dir(output), ".tmp-save-")
			if err != nil {
				return fmt.Errorf("save to %s: %w", output, err)
			}
			defer os.Remove(tmp.Name())
			if err := store.Save(tmp, args...); err != nil {
				tmp.Close()
				return err
			}
			if err := tmp.Close(); err != nil {
				return fmt.Errorf("save to %s: %w", output, err)
			}
			if err := os.Chmod(tmp.Name(), 0o644); err != nil {
				return fmt.Errorf("save to %s: %w", output, err)
			}
			if err := os.Rename(tmp.Name(), output); err != nil {
				return fmt.Errorf("save to %s: %w", output, err)
			}
			return nil
		},
	}
	cmd.Flags().StringVarP(&output, "output", "o", "", "write to this file instead of stdout")
	return cmd
}
