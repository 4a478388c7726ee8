package main

import (
	"errors"
	"fmt"
	"path"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/dockling/dockling/sandbox/container"
)

// copyCommands are the commands that look into a container from the host:
// cp (files), top (processes) and stats (cgroup counters).
func copyCommands() []*cobra.Command {
	return []*cobra.Command{newCpCmd(), newTopCmd(), newStatsCmd()}
}

func newCpCmd() *cobra.Command {
	var opts container.CopyOptions
	cmd := &cobra.Command{
		Use: `cp [OPTIONS] CONTAINER:SRC_PATH DEST_PATH|-
  dockling cp [OPTIONS] SRC_PATH|- CONTAINER:DEST_PATH`,
		Short: "Copy files between a container and the host",
		Long: `cp copies a file or a directory (recursively, with its modes) between a
container and the host, whether the container is running or stopped. "-"
is a tar stream: on stdout when copying out, read from stdin when copying
in (into an existing directory).

Every container path is resolved inside the container, as if its root were
"/": a symlink in the container to /etc, to ../../.. or to /proc/self/root
never reaches the host's files (docker had two CVEs about exactly this).
A running container is reached through /proc/PID/root with openat2(2)'s
RESOLVE_IN_ROOT; a stopped one by mounting its overlay in a private mount
namespace that vanishes when the copy ends, so writes into a stopped
container go to its writable layer.

A relative container path starts at the container's working directory.
Where "a:b" is a local file, write it as ./a:b.`,
		Example: `  dockling cp web:/etc/hostname .
  dockling cp ./site web:/www            # a directory, recursively
  dockling cp web:/var/log - | tar t     # a tar stream on stdout
  tar c conf | dockling cp - web:/etc    # unpack a tar stream into /etc`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runCp(cmd, args[0], args[1], opts)
		},
	}
	cmd.Flags().BoolVarP(&opts.FollowLink, "follow-link", "L", false, "always follow a symlink in SRC_PATH")
	cmd.Flags().BoolVarP(&opts.Archive, "archive", "a", false, "archive mode: keep the files' owners (uid:gid)")
	return cmd
}

// splitCpArg tells a container path (NAME:PATH) from a local one, with
// docker's rules: an absolute path is local even with a colon in it, and
// so is one starting with "." (write ./a:b for a local file called a:b).
func splitCpArg(arg string) (ref, p string) {
	if filepath.IsAbs(arg) || strings.HasPrefix(arg, ".") {
		return "", arg
	}
	ref, p, ok := strings.Cut(arg, ":")
	if !ok {
		return "", arg
	}
	return ref, p
}

// hostPath makes a local path absolute, keeping the trailing "/" or "/."
// that cp's rules read (filepath.Abs would clean them away).
func hostPath(p string) (string, error) {
	abs, err := filepath.Abs(p)
	if err != nil {
		return "", err
	}
	switch {
	case strings.HasSuffix(p, "/.") || p == ".":
		abs += "/."
	case strings.HasSuffix(p, "/") && abs != "/":
		abs += "/"
	}
	return abs, nil
}

// containerPath makes a container path absolute: a relative one starts at
// the container's working directory, as in docker.
func containerPath(c *container.Container, p string) string {
	if strings.HasPrefix(p, "/") {
		return p
	}
	cwd := c.Config.Cwd
	if cwd == "" {
		cwd = "/"
	}
	joined := path.Join(cwd, p)
	if strings.HasSuffix(p, "/") || p == "" {
		joined += "/"
	} else if strings.HasSuffix(p, "/.") || p == "." {
		joined += "/."
	}
	return joined
}

func runCp(cmd *cobra.Command, srcArg, dstArg string, opts container.CopyOptions) error {
	srcRef, srcPath := splitCpArg(srcArg)
	dstRef, dstPath := splitCpArg(dstArg)
	switch {
	case srcRef != "" && dstRef != "":
		return errors.New("copying between containers is not supported; copy to the host first, then into the other container")
	case srcRef == "" && dstRef == "":
		return fmt.Errorf("one of the paths must be CONTAINER:PATH, e.g. dockling cp web:%s %s", srcArg, dstArg)
	}
	ref := srcRef + dstRef
	store, err := openContainerStore()
	if err != nil {
		return err
	}
	c, err := store.Find(ref)
	if err != nil {
		return err
	}
	host, err := container.OpenRoot("/")
	if err != nil {
		return err
	}
	defer host.Close()

	if srcRef != "" { // out of the container
		src := containerPath(c, srcPath)
		if dstPath == "-" {
			err = store.WithRoot(c, func(r *container.Root) error {
				return container.ArchiveTo(cmd.OutOrStdout(), container.Endpoint{Root: r, Path: src}, opts)
			})
		} else {
			var dst string
			if dst, err = hostPath(dstPath); err != nil {
				return err
			}
			err = store.WithRoot(c, func(r *container.Root) error {
				return container.Copy(container.Endpoint{Root: r, Path: src}, container.Endpoint{Root: host, Path: dst}, opts)
			})
		}
		if err != nil {
			return fmt.Errorf("copy from container %s: %w", c.Name, err)
		}
		return nil
	}

	dst := containerPath(c, dstPath)
	if srcPath == "-" {
		err = store.WithRoot(c, func(r *container.Root) error {
			return container.ExtractTo(cmd.InOrStdin(), container.Endpoint{Root: r, Path: dst}, opts)
		})
	} else {
		var src string
		if src, err = hostPath(srcPath); err != nil {
			return err
		}
		err = store.WithRoot(c, func(r *container.Root) error {
			return container.Copy(container.Endpoint{Root: host, Path: src}, container.Endpoint{Root: r, Path: dst}, opts)
		})
	}
	if err != nil {
		return fmt.Errorf("copy into container %s: %w", c.Name, err)
	}
	return nil
}
