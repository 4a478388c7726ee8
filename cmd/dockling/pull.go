package main

import (
	"fmt"
	"strings"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/spf13/cobra"
)

func newPullCmd() *cobra.Command {
	var quiet bool
	var platform string
	cmd := &cobra.Command{
		Use:   "pull [OPTIONS] NAME[:TAG|@DIGEST]",
		Short: "Download an image from a registry",
		Long: `pull downloads an image the way docker does: ask the registry for the
manifest (for a multi-platform image, the one for linux on this machine's
CPU), then the config and each layer. Every layer is checked against its
digest, stored once under $DOCKLING_ROOT/images/blobs and unpacked once under
$DOCKLING_ROOT/layers/<diffid>; layers this host already has say "Already
exists" and are not downloaded again.

A name without a registry means Docker Hub ("alpine" is
docker.io/library/alpine:latest). Mirrors for Docker Hub and registries to
reach over plain http go in /etc/dockling/config.json ($DOCKLING_CONFIG),
with docker's daemon.json keys:

  {"registry-mirrors": ["https://mirror.example.com"],
   "insecure-registries": ["registry.lan:5000"]}

Credentials come from "dockling login" (docker's ~/.docker/config.json).`,
		Example: `  dockling pull alpine
  dockling pull alpine:3.19
  dockling pull 127.0.0.1:5000/team/web:v2
  dockling pull alpine@sha256:<digest>`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			helperArgs := []string{"pull"}
			if quiet {
				helperArgs = append(helperArgs, "-q")
			}
			if platform != "" {
				if _, err := parsePlatform(platform); err != nil {
					return err
				}
				helperArgs = append(helperArgs, "--platform", platform)
			}
			// The registry client does the pull (registry.go).
			return runRegistryCmd(cmd, append(helperArgs, "--", args[0])...)
		},
	}
	cmd.Flags().BoolVarP(&quiet, "quiet", "q", false, "suppress progress output; print only the image name")
	cmd.Flags().StringVar(&platform, "platform", "", `pull for another platform, e.g. "linux/arm64" (it will not run here)`)
	return cmd
}

// parsePlatform reads "os/arch[/variant]".
func parsePlatform(s string) (*v1.Platform, error) {
	parts := strings.Split(s, "/")
	if len(parts) < 2 || len(parts) > 3 || parts[0] == "" || parts[1] == "" {
		return nil, fmt.Errorf("invalid --platform %q; use os/arch, e.g. linux/arm64", s)
	}
	p := &v1.Platform{OS: parts[0], Architecture: parts[1]}
	if len(parts) == 3 {
		p.Variant = parts[2]
	}
	return p, nil
}
