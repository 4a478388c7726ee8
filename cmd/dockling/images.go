package main

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/dockling/dockling/sandbox/image"
)

// imageRow is one line of `dockling images`; --format templates use its
// fields, named as docker names them.
type imageRow struct {
	Repository   string
	Tag          string
	ID           string
	CreatedSince string
	CreatedAt    string
	Size         string
}

var imageHeaders = map[string]string{"ID": "IMAGE ID", "CreatedSince": "CREATED", "CreatedAt": "CREATED AT"}

func newImagesCmd() *cobra.Command {
	var quiet, noTrunc, all bool
	var format string
	cmd := &cobra.Command{
		Use:   "images [OPTIONS] [REPOSITORY[:TAG]]",
		Short: "List images",
		Long: `images lists the images in the local store, newest first: REPOSITORY and
TAG (the name), IMAGE ID (the digest of the image's config, cut to 12
digits), CREATED and SIZE (unpacked, counting layers shared with other
images in full, as docker does).

The built-in hostbox appears once it has been used or built.`,
		Example: `  dockling images
  dockling images -q
  dockling images hostbox
  dockling images --format '{{.Repository}}:{{.Tag}} {{.Size}}'
  dockling images --format 'table {{.Repository}}\t{{.ID}}'
  dockling rmi $(dockling images -q)`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			store, err := openImageStore()
			if err != nil {
				return err
			}
			imgs, err := store.List()
			if err != nil {
				return err
			}
			if len(args) == 1 {
				imgs = filterImages(imgs, args[0])
			}
			out := cmd.OutOrStdout()
			if quiet {
				seen := map[string]bool{} // one line per image, so rmi $(images -q) works
				for _, img := range imgs {
					id := imageIDText(img.ID, noTrunc)
					if !seen[id] {
						seen[id] = true
						fmt.Fprintln(out, id)
					}
				}
				return nil
			}
			if format == "" {
				format = "table {{.Repository}}\t{{.Tag}}\t{{.ID}}\t{{.CreatedSince}}\t{{.Size}}"
			}
			rows := make([]any, 0, len(imgs))
			for _, img := range imgs {
				rows = append(rows, newImageRow(img, noTrunc))
			}
			return printFormatted(out, format, imageHeaders, rows)
		},
	}
	cmd.Flags().BoolVarP(&quiet, "quiet", "q", false, "only show image IDs")
	cmd.Flags().BoolVar(&noTrunc, "no-trunc", false, "show full image IDs")
	cmd.Flags().BoolVarP(&all, "all", "a", false, "show all images (dockling keeps no intermediate images, so the same list)")
	cmd.Flags().StringVar(&format, "format", "", "print with a Go template, e.g. '{{.Repository}}:{{.Tag}}'; prefix 'table ' for a header")
	return cmd
}

func newImageRow(img *image.Image, noTrunc bool) imageRow {
	repo, tag := image.SplitRef(img.Ref)
	return imageRow{
		Repository:   repo,
		Tag:          tag,
		ID:           imageIDText(img.ID, noTrunc),
		CreatedSince: humanAgo(img.Created),
		CreatedAt:    img.Created.Local().Format("2006-01-02 15:04:05 -0700 MST"),
		Size:         humanSize(img.Size),
	}
}

func imageIDText(id string, noTrunc bool) string {
	if noTrunc {
		return id
	}
	return shortID(id)
}

// filterImages keeps images matching REPOSITORY or REPOSITORY:TAG.
func filterImages(imgs []*image.Image, want string) []*image.Image {
	wantRepo, wantTag := image.SplitRef(image.NormalizeRef(want))
	hasTag := strings.Contains(want[strings.LastIndex(want, "/")+1:], ":")
	var out []*image.Image
	for _, img := range imgs {
		repo, tag := image.SplitRef(img.Ref)
		if repo == wantRepo && (!hasTag || tag == wantTag) {
			out = append(out, img)
		}
	}
	return out
}
