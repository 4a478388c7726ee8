package main

import (
	"bufio"
	"compress/gzip"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"
)

func newLoadCmd() *cobra.Command {
	var input string
	cmd := &cobra.Command{
		Use:   "load [OPTIONS]",
		Short: "Load images from a tar archive",
		Long: `load reads a tar made by "dockling save" or "docker save" (a plain OCI
image-layout tar works too; gzip-compressed ones as well) and adds its images
with their names. Every layer is checked against its digests and unpacked by
the same safe extractor that pull uses, so a tar from a stranger cannot write
outside the store.`,
		Example: `  dockling load -i box.tar
  gunzip -c images.tar.gz | dockling load`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			store, err := openImageStore()
			if err != nil {
				return err
			}
			var in io.Reader = cmd.InOrStdin()
			if input != "" {
				f, err := os.Open(input)
				if err != nil {
					return fmt.Errorf("load: %w", err)
				}
				defer f.Close()
				in = f
			} else if isTerminal(os.Stdin) && in == os.Stdin {
				return fmt.Errorf("load: stdin is a terminal; use -i FILE or redirect a tar into it")
			}
			r, err := maybeGunzip(in)
			if err != nil {
				return err
			}
			names, err := store.Load(r)
			for _, n := range names {
				if strings.HasPrefix(n, "sha256:") {
					fmt.Fprintf(cmd.OutOrStdout(), "Loaded image ID: %s\n", n)
				} else {
					fmt.Fprintf(cmd.OutOrStdout(), "Loaded image: %s\n", n)
				}
			}
			return err
		},
	}
	cmd.Flags().StringVarP(&input, "input", "i", "", "read from this tar file instead of stdin")
	cmd.Flags().BoolP("quiet", "q", false, "accepted for docker's scripts; load prints no progress anyway")
	return cmd
}

// maybeGunzip accepts a gzipped tar too, as docker load does.
func maybeGunzip(r io.Reader) (io.Reader, error) {
	br := bufio.NewReader(r)
	magic, _ := br.Peek(2)
	if len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("load: %w", err)
		}
		return zr, nil
	}
	return br, nil
}
