package image

import (
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strconv"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
)

// Image is an image ready to run: its name, its identity, how to start it,
// and where its unpacked layers are on this host.
type Image struct {
	Ref     string    // "hostbox:latest"
	ID      string    // "sha256:<hex>" of the config blob (docker's IMAGE ID)
	Config  v1.Config // Env, Cmd, Entrypoint, WorkingDir ...
	Layers  []string  // host dirs R/layers/<hex>, bottom first
	Created time.Time
	Size    int64 // unpacked size of all layers, in bytes
}

// loadImage follows an index entry to its manifest and config, the same
// two hops `docker pull` makes: index -> manifest -> config + layers.
func (s *Store) loadImage(desc v1.Descriptor) (*Image, error) {
	ref := desc.Annotations[AnnotationRefName]
	raw, err := s.readBlob(desc.Digest)
	if err != nil {
		return nil, fmt.Errorf("image %q: %w", ref, err)
	}
	var m v1.Manifest
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, fmt.Errorf("image %q: decode manifest: %w", ref, err)
	}
	raw, err = s.readBlob(m.Config.Digest)
	if err != nil {
		return nil, fmt.Errorf("image %q: %w", ref, err)
	}
	var cfg v1.ConfigFile
	if err := json.Unmarshal(raw, &cfg); err != nil {
		return nil, fmt.Errorf("image %q: decode config: %w", ref, err)
	}
	// The manifest lists compressed blobs; the config lists diffids, the
	// digests of the uncompressed tars. Unpacked layers are named by diffid
	// because the same content may arrive compressed in different ways.
	if len(cfg.RootFS.DiffIDs) != len(m.Layers) {
		return nil, fmt.Errorf("image %q: manifest has %d layers but config has %d diffids", ref, len(m.Layers), len(cfg.RootFS.DiffIDs))
	}
	img := &Image{
		Ref:     ref,
		ID:      m.Config.Digest.String(),
		Config:  cfg.Config,
		Created: cfg.Created.Time,
	}
	for _, d := range cfg.RootFS.DiffIDs {
		dir := s.layerDir(d.Hex)
		if _, err := os.Stat(dir); err != nil {
			return nil, fmt.Errorf("image %q: layer %s is not unpacked at %s; remove the image and build or pull it again", ref, d, dir)
		}
		img.Layers = append(img.Layers, dir)
	}
	img.Size = imageSize(desc, m)
	return img, nil
}

// imageSize prefers the unpacked size recorded when the image was stored;
// without it, the sum of the compressed layers is the best cheap estimate.
func imageSize(desc v1.Descriptor, m v1.Manifest) int64 {
	if n, err := strconv.ParseInt(desc.Annotations[AnnotationSize], 10, 64); err == nil {
		return n
	}
	var n int64
	for _, l := range m.Layers {
		n += l.Size
	}
	return n
}

// List returns every tagged image, newest first (the order of `docker images`).
func (s *Store) List() ([]*Image, error) {
	idx, err := s.readIndex()
	if err != nil {
		return nil, err
	}
	var imgs []*Image
	for _, d := range idx.Manifests {
		img, err := s.loadImage(d)
		if err != nil {
			return nil, err
		}
		imgs = append(imgs, img)
	}
	sort.SliceStable(imgs, func(i, j int) bool {
		if !imgs[i].Created.Equal(imgs[j].Created) {
			return imgs[i].Created.After(imgs[j].Created)
		}
		return imgs[i].Ref < imgs[j].Ref
	})
	return imgs, nil
}
