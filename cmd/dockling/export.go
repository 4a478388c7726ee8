package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/dockling/dockling/sandbox"
	"github.com/dockling/dockling/sandbox/container"
)

func newExportCmd() *cobra.Command {
	var output string
	cmd := &cobra.Command{
		Use:   "export [OPTIONS] CONTAINER",
		Short: "Write a container's whole file system to a flat tar",
		Long: `export writes the files a container sees as one tar: its image's layers
merged bottom to top, then its own writes on top, deletions applied. It is
computed from the layer directories, nothing is mounted, so the container may
be stopped or running.

Unlike "dockling save", the tar has no layers, no history and no config (no
CMD, no ENV): only files. "dockling import" makes a one-layer image of it.
Volumes and the runtime's /etc/hosts, /etc/hostname and /etc/resolv.conf
are mounts, not the container's files, and are not included.

Without -o the tar goes to stdout, but never to a terminal.`,
		Example: `  dockling export w -o w.tar
  dockling export w | tar -tv | head
  dockling import w.tar flat:v1`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if output == "" && isTerminal(cmd.OutOrStdout()) {
				return fmt.Errorf("refusing to write a tar to the terminal; use -o FILE or redirect stdout")
			}
			cs, err := container.Open(sandbox.Root())
			if err != nil {
				return err
			}
			c, err := cs.Find(args[0])
			if err != nil {
				return err
			}
			store, err := openImageStore()
			if err != nil {
				return err
			}
			// The same layer directories the container's overlay mount stacks.
			var layers []string
			upper := filepath.Join(cs.Dir(c.ID), "upper")
			if o := c.Config.Overlay; o != nil {
				layers, upper = o.Lower, o.Upper
			} else {
				img, err := store.Resolve(c.ImageID)
				if err != nil {
					return err
				}
				layers = img.Layers
			}
			if _, err := os.Stat(upper); os.IsNotExist(err) {
				upper = "" // never started: the image's files alone
			}
			write := func(w io.Writer) error { return store.ExportRootfs(w, layers, upper) }
			if output == "" {
				return write(cmd.OutOrStdout())
			}
			return writeFileAtomic(output, write)
		},
	}
	cmd.Flags().StringVarP(&output, "output", "o", "", "write to this file instead of stdout")
	return cmd
}

// writeFileAtomic writes next to path and renames, so a failure leaves no
// half-written tar that a later import would choke on.
func writeFileAtomic(path string, write func(io.Writer) error) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".tmp-export-")
	if err != nil {
		return fmt.Errorf("export to %s: %w", path, err)
	}
	defer os.Remove(tmp.Name())
	if err := write(tmp); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("export to %s: %w", path, err)
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return fmt.Errorf("export to %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("export to %s: %w", path, err)
	}
	return nil
}
