package image

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	v1 "github.com/google/go-containerregistry/pkg/v1"
)

// Removed is what Remove did, in the words `docker rmi` prints.
type Removed struct {
	Untagged []string // names taken off
	Deleted  []string // image IDs whose data went
}

// Remove is `docker rmi`. Given a name that is one of several for an image,
// it only takes the name off. Given the last name, or the image ID, it
// deletes the image: its index entries, then every blob and unpacked layer
// no other image uses (layers are shared, so most images free less than
// their size). An ID with several names, or an image a container uses,
// needs force; a forced removal of an image in use only untags it.
func (s *Store) Remove(name string, force bool) (*Removed, error) {
	l, err := s.lock()
	if err != nil {
		return nil, err
	}
	defer l.Unlock()
	idx, err := s.readIndex()
	if err != nil {
		return nil, err
	}
	desc, err := findInIndex(idx, name)
	if err != nil {
		return nil, err
	}
	_, byName := findRef(idx, NormalizeRef(name))
	refs := refsOf(idx, desc)
	if byName && len(refs) > 1 {
		ref := desc.Annotations[AnnotationRefName]
		return &Removed{Untagged: []string{ref}}, s.dropRefs(idx, func(d v1.Descriptor) bool { return d.Annotations[AnnotationRefName] == ref })
	}
	id := desc.Annotations[AnnotationImageID]
	if !byName && len(refs) > 1 && !force {
		return nil, fmt.Errorf("unable to delete %s: image is referenced by %s; remove those names first or use \"dockling rmi -f\"", name, strings.Join(refs, ", "))
	}
	inUse := s.InUse != nil && s.InUse(id)
	if inUse && !force {
		return nil, fmt.Errorf("unable to remove image %s: a container uses it; remove the container first (\"dockling rm\") or use \"dockling rmi -f\"", name)
	}
	res := &Removed{Untagged: refs}
	if err := s.dropRefs(idx, func(d v1.Descriptor) bool { return d.Digest == desc.Digest }); err != nil {
		return nil, err
	}
	if inUse {
		return res, nil // forced: the name goes, the data stays for the container
	}
	if err := s.collect(desc); err != nil {
		return res, err
	}
	res.Deleted = append(res.Deleted, id)
	return res, nil
}

// dropRefs removes the index entries drop matches. Callers hold s.lock().
func (s *Store) dropRefs(idx *v1.IndexManifest, drop func(v1.Descriptor) bool) error {
	kept := idx.Manifests[:0]
	for _, d := range idx.Manifests {
		if !drop(d) {
			kept = append(kept, d)
		}
	}
	idx.Manifests = kept
	return s.writeIndex(idx)
}

// collect deletes the data of the removed image desc that no image left in
// the index uses: manifest, config, layer blobs, unpacked layers and the
// flat copy. Only the removed image's own parts are candidates, so a pull
// in progress (layers stored, index entry not yet written) is never swept.
// Callers hold s.lock().
func (s *Store) collect(desc v1.Descriptor) error {
	gone, err := s.partsOf(desc)
	if err != nil {
		return fmt.Errorf("clean up image data: %w", err)
	}
	idx, err := s.readIndex()
	if err != nil {
		return err
	}
	used := newParts()
	for _, d := range idx.Manifests {
		p, err := s.partsOf(d)
		if err != nil {
			return fmt.Errorf("clean up image data (kept everything): %w", err)
		}
		used.add(p)
	}
	for h := range gone.blobs {
		if !used.blobs[h] {
			if err := os.Remove(s.blobPath(h)); err != nil && !os.IsNotExist(err) {
				return fmt.Errorf("remove blob %s: %w", h, err)
			}
		}
	}
	for h := range gone.layers {
		if !used.layers[h] {
			if err := s.removeLayerDir(h.Hex); err != nil {
				return err
			}
		}
	}
	for id := range gone.ids {
		if !used.ids[id] {
			if err := os.RemoveAll(filepath.Join(s.flatDir(), strings.TrimPrefix(id, "sha256:"))); err != nil {
				return fmt.Errorf("remove flat copy of %s: %w", id, err)
			}
		}
	}
	return nil
}

// removeLayerDir renames the layer away before deleting it, so no one ever
// sees a half-deleted layer under its real name.
func (s *Store) removeLayerDir(hex string) error {
	tmp, err := os.MkdirTemp(s.layersDir(), ".tmp-rm-")
	if err != nil {
		return fmt.Errorf("remove layer %s: %w", shortHex(hex), err)
	}
	victim := filepath.Join(tmp, "layer")
	if err := os.Rename(s.layerDir(hex), victim); err != nil && !os.IsNotExist(err) {
		os.Remove(tmp)
		return fmt.Errorf("remove layer %s: %w", shortHex(hex), err)
	}
	if err := os.RemoveAll(tmp); err != nil {
		return fmt.Errorf("remove layer %s: %w", shortHex(hex), err)
	}
	return nil
}

// parts are the pieces of data images are made of.
type parts struct {
	blobs  map[v1.Hash]bool // manifest, config and layer blobs
	layers map[v1.Hash]bool // diffids of unpacked layers
	ids    map[string]bool  // image IDs (for R/flat)
}

func newParts() parts {
	return parts{blobs: map[v1.Hash]bool{}, layers: map[v1.Hash]bool{}, ids: map[string]bool{}}
}

func (p parts) add(q parts) {
	for k := range q.blobs {
		p.blobs[k] = true
	}
	for k := range q.layers {
		p.layers[k] = true
	}
	for k := range q.ids {
		p.ids[k] = true
	}
}

// partsOf reads an image's manifest and config and lists what it uses.
func (s *Store) partsOf(desc v1.Descriptor) (parts, error) {
	p := newParts()
	m, cfg, err := s.manifestAndConfig(desc)
	if err != nil {
		return p, err
	}
	p.blobs[desc.Digest] = true
	p.blobs[m.Config.Digest] = true
	p.ids[m.Config.Digest.String()] = true
	for _, l := range m.Layers {
		p.blobs[l.Digest] = true
	}
	for _, d := range cfg.RootFS.DiffIDs {
		p.layers[d] = true
	}
	return p, nil
}
