package image

import (
	"encoding/json"
	"fmt"
	"strconv"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// AddImage records an image whose layers are already imported (see
// ImportLayer): it stores the manifest and config exactly as given, so
// their digests stay the registry's, and points ref at them. source is
// "pulled", "loaded", ... (AnnotationSource); repoDigest, if not "", is
// where a registry has it (AnnotationRepoDigest).
func (s *Store) AddImage(ref, source, repoDigest string, manifestJSON, configJSON []byte) (*Image, error) {
	var m v1.Manifest
	if err := json.Unmarshal(manifestJSON, &m); err != nil {
		return nil, fmt.Errorf("image %q: decode manifest: %w", ref, err)
	}
	var cfg v1.ConfigFile
	if err := json.Unmarshal(configJSON, &cfg); err != nil {
		return nil, fmt.Errorf("image %q: decode config: %w", ref, err)
	}
	if len(cfg.RootFS.DiffIDs) != len(m.Layers) {
		return nil, fmt.Errorf("image %q: manifest has %d layers but config has %d diffids", ref, len(m.Layers), len(cfg.RootFS.DiffIDs))
	}
	var size int64
	for i, l := range m.Layers {
		if !s.HasBlob(l.Digest) || !s.HasLayer(cfg.RootFS.DiffIDs[i]) {
			return nil, fmt.Errorf("image %q: layer %s was not imported", ref, l.Digest)
		}
		n, err := s.LayerSize(cfg.RootFS.DiffIDs[i])
		if err != nil {
			return nil, err
		}
		size += n
	}
	l, err := s.lock()
	if err != nil {
		return nil, err
	}
	defer l.Unlock()
	cfgDigest, err := s.writeBlob(configJSON)
	if err != nil {
		return nil, err
	}
	if cfgDigest != m.Config.Digest {
		return nil, fmt.Errorf("image %q: config digest %s does not match the manifest's %s", ref, cfgDigest, m.Config.Digest)
	}
	manDigest, err := s.writeBlob(manifestJSON)
	if err != nil {
		return nil, err
	}
	mediaType := m.MediaType
	if mediaType == "" {
		mediaType = types.OCIManifestSchema1
	}
	desc := v1.Descriptor{
		MediaType: mediaType,
		Size:      int64(len(manifestJSON)),
		Digest:    manDigest,
		Platform:  &v1.Platform{OS: cfg.OS, Architecture: cfg.Architecture, Variant: cfg.Variant},
		Annotations: map[string]string{
			AnnotationSource:  source,
			AnnotationSize:    strconv.FormatInt(size, 10),
			AnnotationImageID: cfgDigest.String(),
		},
	}
	if repoDigest != "" {
		desc.Annotations[AnnotationRepoDigest] = repoDigest
	}
	if err := s.setRef(ref, desc); err != nil {
		return nil, err
	}
	return s.loadImage(desc)
}

// SetRepoDigest records that a registry holds the image named ref under
// repoDigest ("repo@sha256:..."), as a push learns.
func (s *Store) SetRepoDigest(ref, repoDigest string) error {
	l, err := s.lock()
	if err != nil {
		return err
	}
	defer l.Unlock()
	idx, err := s.readIndex()
	if err != nil {
		return err
	}
	desc, ok := findRef(idx, ref)
	if !ok {
		return fmt.Errorf("image %q not found locally", ref)
	}
	desc.Annotations = copyAnnotations(desc.Annotations)
	desc.Annotations[AnnotationRepoDigest] = repoDigest
	return s.setRef(ref, desc)
}
