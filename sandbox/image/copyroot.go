package image

import (
	"fmt"
	"os"
)

// CopyRootfs makes dst a private, writable copy of the image's merged
// layers. It is the slow fallback for hosts where overlayfs cannot be used:
// every container pays a full copy instead of sharing the layers.
func (s *Store) CopyRootfs(img *Image, dst string) error {
	if err := os.MkdirAll(dst, 0o755); err != nil {
		return fmt.Errorf("copy %s: %w", img.Ref, err)
	}
	if err := flattenLayers(dst, img.Layers); err != nil {
		return fmt.Errorf("copy %s into %s: %w", img.Ref, dst, err)
	}
	return nil
}
