package image

import (
	"archive/tar"
	"fmt"
	"io"
	"os"
)

// ExportRootfs writes, as one flat tar, the file system a container sees:
// its image's layers merged bottom to top, then its writable layer upper on
// top, whiteouts removing what they hide. That is `docker export`. Nothing
// is mounted: the same flattening that builds R/flat/ (flatten.go) runs
// into a temporary directory, which is tarred and thrown away.
//
// The result has no layers and no config (no CMD, ENV, history): only
// files. `dockling import` makes a one-layer image of it again.
//
// Volumes and the files the runtime mounts over the image (/etc/hosts,
// /etc/hostname, /etc/resolv.conf) are not part of it, as with docker:
// they are mounts, not the container's writes.
func (s *Store) ExportRootfs(w io.Writer, layers []string, upper string) error {
	tmp, err := os.MkdirTemp(s.flatDir(), ".tmp-export-")
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	defer os.RemoveAll(tmp)
	if err := os.Chmod(tmp, 0o755); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	all := append([]string{}, layers...)
	if upper != "" { // "" for a container that never ran: no writes yet
		all = append(all, upper)
	}
	if err := flattenLayers(tmp, all); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	tw := tar.NewWriter(w)
	if _, err := writeFlat(tw, tmp); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	if err := tw.Close(); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	return nil
}
