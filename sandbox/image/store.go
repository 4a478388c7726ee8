// Package image keeps container images on disk and builds the built-in
// image "hostbox".
//
// The store has three parts under the state root R, each with one job:
//
//	R/images/       an OCI image layout (oci-layout, index.json, blobs/sha256/...):
//	                the standard, portable form that pull/push/save/load speak
//	R/layers/<hex>/ each layer unpacked once (hex = its diffid), shared read-only
//	R/flat/<hex>/   a private, writable copy of an image's merged layers (hex =
//	                the image ID), for the steps before overlayfs exists
//
// Anything that changes index.json holds an flock on R/images/.lock, so two
// dockling processes never lose each other's updates.
package image

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/dockling/dockling/sandbox/fsutil"
)

// Store is the image store rooted at a dockling state directory.
type Store struct {
	root string
	// InUse, when set, says whether a container uses the image with this ID
	// ("sha256:<hex>"). Remove refuses to delete such an image unless
	// forced, and even forced it only untags: the container's overlay still
	// reads those layers. The container package wires it in.
	InUse func(imageID string) bool
}

// Open returns the store under root (normally sandbox.Root()), creating the
// directories and an empty OCI layout the first time.
func Open(root string) (*Store, error) {
	if root == "" {
		return nil, fmt.Errorf("image store: empty state root; set DOCKLING_ROOT")
	}
	s := &Store{root: root}
	// The state root is private (0700): it holds every container's files.
	if err := os.MkdirAll(root, 0o700); err != nil {
		return nil, fmt.Errorf("create state dir %s: %w (run as root or set DOCKLING_ROOT to a writable directory)", root, err)
	}
	for _, dir := range []string{s.blobDir(), s.layersDir(), s.flatDir()} {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, fmt.Errorf("create %s: %w (run as root or set DOCKLING_ROOT to a writable directory)", dir, err)
		}
	}
	if err := s.initLayout(); err != nil {
		return nil, err
	}
	return s, nil
}

func (s *Store) imagesDir() string { return filepath.Join(s.root, "images") }
func (s *Store) blobDir() string   { return filepath.Join(s.imagesDir(), "blobs", "sha256") }
func (s *Store) indexPath() string { return filepath.Join(s.imagesDir(), "index.json") }
func (s *Store) lockPath() string  { return filepath.Join(s.imagesDir(), ".lock") }
func (s *Store) layersDir() string { return filepath.Join(s.root, "layers") }
func (s *Store) flatDir() string   { return filepath.Join(s.root, "flat") }

// layerDir is where the layer with this diffid hex is unpacked.
func (s *Store) layerDir(diffIDHex string) string { return filepath.Join(s.layersDir(), diffIDHex) }

// lock takes the store-wide lock that serialises changes to index.json.
func (s *Store) lock() (*fsutil.Lock, error) {
	return fsutil.LockFile(s.lockPath())
}

// initLayout writes oci-layout and an empty index.json if they are missing.
// It holds the lock: otherwise a slow process could write an empty index
// over one that a faster process had just filled.
func (s *Store) initLayout() error {
	_, errLayout := os.Stat(filepath.Join(s.imagesDir(), "oci-layout"))
	_, errIndex := os.Stat(s.indexPath())
	if errLayout == nil && errIndex == nil {
		return nil
	}
	l, err := s.lock()
	if err != nil {
		return err
	}
	defer l.Unlock()
	layoutFile := filepath.Join(s.imagesDir(), "oci-layout")
	if _, err := os.Stat(layoutFile); os.IsNotExist(err) {
		if err := fsutil.WriteFileAtomic(layoutFile, []byte(`{"imageLayoutVersion":"1.0.0"}`+"\n"), 0o644); err != nil {
			return err
		}
	}
	if _, err := os.Stat(s.indexPath()); os.IsNotExist(err) {
		if err := s.writeIndex(emptyIndex()); err != nil {
			return err
		}
	}
	return nil
}
