package image

import (
	"bytes"
	"encoding/json"
	"fmt"
	"runtime"

	v1 "github.com/google/go-containerregistry/pkg/v1"
)

// loadOCI reads a tar of a plain OCI image layout (`skopeo copy ...
// oci-archive:`, `crane`, buildkit): index.json -> manifests -> blobs. Here
// the manifest bytes are kept as they are, digest and all.
func (s *Store) loadOCI(sp *spooled) ([]string, error) {
	raw, err := sp.read("index.json")
	if err != nil {
		return nil, err
	}
	var idx v1.IndexManifest
	if err := json.Unmarshal(raw, &idx); err != nil {
		return nil, fmt.Errorf("load: decode index.json: %w", err)
	}
	var loaded []string
	for _, d := range idx.Manifests {
		manJSON, err := s.pickManifest(sp, d)
		if err != nil {
			return loaded, err
		}
		var m v1.Manifest
		if err := json.Unmarshal(manJSON, &m); err != nil {
			return loaded, fmt.Errorf("load: decode manifest %s: %w", d.Digest, err)
		}
		cfgJSON, err := sp.read(blobName(m.Config.Digest))
		if err != nil {
			return loaded, err
		}
		var cfg v1.ConfigFile
		if err := json.Unmarshal(cfgJSON, &cfg); err != nil {
			return loaded, fmt.Errorf("load: decode config %s: %w", m.Config.Digest, err)
		}
		if len(cfg.RootFS.DiffIDs) != len(m.Layers) {
			return loaded, fmt.Errorf("load: manifest %s has %d layers but its config has %d", d.Digest, len(m.Layers), len(cfg.RootFS.DiffIDs))
		}
		for i, l := range m.Layers {
			if _, err := s.loadLayer(sp, blobName(l.Digest), cfg.RootFS.DiffIDs[i]); err != nil {
				return loaded, err
			}
		}
		var tags []string
		if name := d.Annotations["io.containerd.image.name"]; name != "" {
			tags = []string{name}
		} else if name := d.Annotations[AnnotationRefName]; name != "" {
			tags = []string{name}
		}
		names, err := s.addLoaded(tags, m.Config.Digest, manJSON, cfgJSON)
		loaded = append(loaded, names...)
		if err != nil {
			return loaded, err
		}
	}
	return loaded, nil
}

// pickManifest returns the manifest d names; for a multi-platform index,
// the one for this machine (linux/GOARCH).
func (s *Store) pickManifest(sp *spooled, d v1.Descriptor) ([]byte, error) {
	raw, err := sp.read(blobName(d.Digest))
	if err != nil {
		return nil, err
	}
	if !d.MediaType.IsIndex() {
		return raw, nil
	}
	var idx v1.IndexManifest
	if err := json.Unmarshal(raw, &idx); err != nil {
		return nil, fmt.Errorf("load: decode index %s: %w", d.Digest, err)
	}
	for _, m := range idx.Manifests {
		if m.Platform != nil && m.Platform.OS == "linux" && m.Platform.Architecture == runtime.GOARCH {
			return sp.read(blobName(m.Digest))
		}
	}
	return nil, fmt.Errorf("load: image index %s has no linux/%s image", d.Digest, runtime.GOARCH)
}

func bytesReader(b []byte) *bytes.Reader { return bytes.NewReader(b) }
