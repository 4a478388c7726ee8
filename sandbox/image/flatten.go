package image

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"

	"github.com/dockling/dockling/sandbox/fsutil"
)

// Whiteouts are how a layer deletes a file from the layers below it. A tar
// cannot hold "no file", so the OCI image spec marks deletions with names:
//
//	dir/.wh.NAME       dir/NAME from lower layers is gone
//	dir/.wh..wh..opq   dir is "opaque": everything lower layers put in dir is gone
//
// overlayfs uses a character device 0/0 for the first instead; we accept
// that too so layers prepared for overlay flatten correctly.
const (
	whiteoutPrefix = ".wh."
	whiteoutOpaque = ".wh..wh..opq"
)

// FlatRootfs returns R/flat/<image id hex>: one writable directory holding
// the image's layers merged bottom to top with whiteouts applied. Steps 1-3
// chroot or pivot_root into it; from step 4 on, overlayfs merges the layers
// instead and this copy is not needed. It is built once, in a temporary
// directory renamed into place, and reused.
func (s *Store) FlatRootfs(img *Image) (string, error) {
	hex := strings.TrimPrefix(img.ID, "sha256:")
	if len(hex) != 64 || strings.Trim(hex, "0123456789abcdef") != "" {
		return "", fmt.Errorf("flat rootfs: bad image ID %q", img.ID)
	}
	final := filepath.Join(s.flatDir(), hex)
	if _, err := os.Stat(final); err == nil {
		return final, nil
	}
	l, err := fsutil.LockFile(filepath.Join(s.flatDir(), ".lock"))
	if err != nil {
		return "", err
	}
	defer l.Unlock()
	if _, err := os.Stat(final); err == nil {
		return final, nil // another process made it while we waited
	}
	tmp, err := os.MkdirTemp(s.flatDir(), ".tmp-")
	if err != nil {
		return "", fmt.Errorf("flat rootfs for %s: %w", img.Ref, err)
	}
	defer os.RemoveAll(tmp) // a no-op after the rename
	if err := os.Chmod(tmp, 0o755); err != nil {
		return "", fmt.Errorf("flat rootfs for %s: %w", img.Ref, err)
	}
	if err := flattenLayers(tmp, img.Layers); err != nil {
		return "", fmt.Errorf("flat rootfs for %s: %w", img.Ref, err)
	}
	if err := os.Rename(tmp, final); err != nil {
		return "", fmt.Errorf("flat rootfs for %s: %w", img.Ref, err)
	}
	return final, nil
}

// flattenLayers applies layers (bottom first) onto dst.
func flattenLayers(dst string, layers []string) error {
	c := newCopier()
	for _, layer := range layers {
		if err := applyWhiteouts(dst, layer); err != nil {
			return err
		}
		if err := copyLayer(dst, layer, c); err != nil {
			return err
		}
	}
	return nil
}

// applyWhiteouts deletes from dst what layer's whiteouts delete. It runs
// before the layer's own files are copied: a whiteout only hides what is
// below, never a file of its own layer, and a separate pass avoids
// depending on whether ".wh..wh..opq" sorts before its neighbours.
func applyWhiteouts(dst, layer string) error {
	return filepath.WalkDir(layer, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(layer, path)
		if err != nil || rel == "." {
			return err
		}
		parent, name := filepath.Dir(rel), d.Name()
		// If the parent is not a real directory in dst (missing, or a
		// symlink a lower layer left), there is nothing below to hide, and
		// following a symlink here could delete files outside dst.
		if !isRealDirUnder(dst, parent) {
			return nil
		}
		switch {
		case name == whiteoutOpaque:
			return clearDir(filepath.Join(dst, parent))
		case strings.HasPrefix(name, whiteoutPrefix):
			hidden := strings.TrimPrefix(name, whiteoutPrefix)
			if hidden == "" || hidden == "." || hidden == ".." {
				return nil // ".wh.." must not delete the directory itself or its parent
			}
			return removeIfPresent(filepath.Join(dst, parent, hidden))
		case isOverlayWhiteout(d):
			return removeIfPresent(filepath.Join(dst, rel))
		case d.IsDir() && isOverlayOpaque(path) && isRealDirUnder(dst, rel):
			// The overlay form of ".wh..wh..opq" (see extract.go).
			return clearDir(filepath.Join(dst, rel))
		}
		return nil
	})
}

// copyLayer copies every entry of layer except its whiteouts into dst.
// WalkDir visits a directory before its contents, so each parent in dst is
// a real directory by the time a child is written into it.
func copyLayer(dst, layer string, c *copier) error {
	return filepath.WalkDir(layer, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(layer, path)
		if err != nil || rel == "." {
			return err
		}
		if strings.HasPrefix(d.Name(), whiteoutPrefix) || isOverlayWhiteout(d) {
			return nil
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		return c.copyEntry(path, filepath.Join(dst, rel), fi)
	})
}

// isOverlayWhiteout reports a character device with device number 0/0.
func isOverlayWhiteout(d fs.DirEntry) bool {
	if d.Type()&fs.ModeCharDevice == 0 {
		return false
	}
	fi, err := d.Info()
	if err != nil {
		return false
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	return ok && st.Rdev == 0
}

// isOverlayOpaque reports a directory marked trusted.overlay.opaque=y.
func isOverlayOpaque(dir string) bool {
	buf := make([]byte, 1)
	n, err := unix.Getxattr(dir, overlayOpaqueXattr, buf)
	return err == nil && n == 1 && buf[0] == 'y'
}

// isRealDirUnder reports whether root/rel is a directory reached without
// passing through any symlink.
func isRealDirUnder(root, rel string) bool {
	cur := root
	if rel == "." {
		return true
	}
	for _, part := range strings.Split(rel, string(filepath.Separator)) {
		cur = filepath.Join(cur, part)
		fi, err := os.Lstat(cur)
		if err != nil || !fi.IsDir() {
			return false
		}
	}
	return true
}

// clearDir removes everything inside dir, keeping dir itself.
func clearDir(dir string) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("opaque whiteout %s: %w", dir, err)
	}
	for _, e := range entries {
		if err := os.RemoveAll(filepath.Join(dir, e.Name())); err != nil {
			return fmt.Errorf("opaque whiteout %s: %w", dir, err)
		}
	}
	return nil
}

func removeIfPresent(p string) error {
	if err := os.RemoveAll(p); err != nil {
		return fmt.Errorf("whiteout %s: %w", p, err)
	}
	return nil
}
