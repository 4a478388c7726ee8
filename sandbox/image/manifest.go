package image

import (
	"encoding/json"
	"fmt"
	"io"
	"os"

	v1 "github.com/google/go-containerregistry/pkg/v1"
)

// manifestAndConfig reads and decodes the manifest desc points at and the
// config that manifest points at.
func (s *Store) manifestAndConfig(desc v1.Descriptor) (*v1.Manifest, *v1.ConfigFile, error) {
	raw, err := s.readBlob(desc.Digest)
	if err != nil {
		return nil, nil, err
	}
	var m v1.Manifest
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, nil, fmt.Errorf("decode manifest %s: %w", desc.Digest, err)
	}
	raw, err = s.readBlob(m.Config.Digest)
	if err != nil {
		return nil, nil, err
	}
	var cfg v1.ConfigFile
	if err := json.Unmarshal(raw, &cfg); err != nil {
		return nil, nil, fmt.Errorf("decode config %s: %w", m.Config.Digest, err)
	}
	return &m, &cfg, nil
}

// Stored is an image as the registry and `docker save` see it: raw
// manifest and config bytes (their digests are the image's identity) and
// access to the compressed layer blobs. Push and Save read images this way.
type Stored struct {
	Ref          string
	ManifestJSON []byte
	ConfigJSON   []byte
	Manifest     *v1.Manifest
	Config       *v1.ConfigFile
	store        *Store
}

// Stored finds an image by name or ID and reads its manifest and config.
func (s *Store) Stored(name string) (*Stored, error) {
	desc, err := s.findDescriptor(name)
	if err != nil {
		return nil, err
	}
	st := &Stored{Ref: desc.Annotations[AnnotationRefName], store: s}
	if st.ManifestJSON, err = s.readBlob(desc.Digest); err != nil {
		return nil, err
	}
	if err := json.Unmarshal(st.ManifestJSON, &st.Manifest); err != nil {
		return nil, fmt.Errorf("image %q: decode manifest: %w", name, err)
	}
	if st.ConfigJSON, err = s.readBlob(st.Manifest.Config.Digest); err != nil {
		return nil, err
	}
	if err := json.Unmarshal(st.ConfigJSON, &st.Config); err != nil {
		return nil, fmt.Errorf("image %q: decode config: %w", name, err)
	}
	return st, nil
}

// ID is the image ID: the config digest.
func (st *Stored) ID() v1.Hash { return st.Manifest.Config.Digest }

// OpenLayer opens the compressed blob of a layer of this image.
func (st *Stored) OpenLayer(digest v1.Hash) (io.ReadCloser, error) {
	f, err := os.Open(st.store.blobPath(digest))
	if err != nil {
		return nil, fmt.Errorf("image %q: layer blob %s: %w; pull or load the image again", st.Ref, digest, err)
	}
	return f, nil
}
