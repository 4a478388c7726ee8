package main

import (
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"github.com/dockling/dockling/sandbox/image"
)

func newImportCmd() *cobra.Command {
	var opts image.ImportOptions
	cmd := &cobra.Command{
		Use:   "import [OPTIONS] FILE|- [REPOSITORY[:TAG]]",
		Short: "Make a one-layer image from a tar of a root file system",
		Long: `import reads a flat tar of files (from "dockling export", "docker export", or
any distribution's rootfs tarball; gzipped is fine) and makes an image with
exactly one layer: the tar itself. It goes through the same safe extractor as
a pulled layer, so "..", absolute paths and device nodes are refused.

A tar holds files only, so the image has no CMD, as with docker: give the
command on "dockling run". PATH is set to the usual directories.

It prints the new image ID. Without REPOSITORY the image has no name.
"-" reads the tar from stdin.`,
		Example: `  dockling export w -o w.tar
  dockling import w.tar flat:v1
  dockling run --rm flat:v1 ls /
  gunzip -c rootfs.tar.gz | dockling import - mydistro:1`,
		Args: cobra.RangeArgs(1, 2),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 2 {
				opts.Ref = args[1]
			}
			var in io.Reader = cmd.InOrStdin()
			opts.Source = args[0]
			if args[0] == "-" {
				opts.Source = "stdin"
				if isTerminal(os.Stdin) && in == os.Stdin {
					return fmt.Errorf("import: stdin is a terminal; give a FILE or redirect a tar into it")
				}
			} else {
				f, err := os.Open(args[0])
				if err != nil {
					return fmt.Errorf("import: %w", err)
				}
				defer f.Close()
				in = f
			}
			store, err := openImageStore()
			if err != nil {
				return err
			}
			img, err := store.ImportRootfs(in, opts)
			if err != nil {
				return err
			}
			fmt.Fprintln(cmd.OutOrStdout(), img.ID)
			return nil
		},
	}
	cmd.Flags().StringVarP(&opts.Message, "message", "m", "", "a comment for the history entry")
	return cmd
}
