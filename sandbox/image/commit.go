package image

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strconv"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// installLayer moves a finished layer directory from its temporary name to
// layers/<diffid hex>. rename(2) is atomic, so no one ever sees a half-built
// layer under its real name. If the layer is already there (the same content
// was unpacked before), the new copy is discarded.
func (s *Store) installLayer(tmpDir string, diffID v1.Hash) error {
	final := s.layerDir(diffID.Hex)
	if _, err := os.Stat(final); err == nil {
		return os.RemoveAll(tmpDir)
	}
	if err := os.Rename(tmpDir, final); err != nil {
		if errors.Is(err, os.ErrExist) || isNotEmpty(err) {
			return os.RemoveAll(tmpDir) // lost a race to an identical layer
		}
		return fmt.Errorf("install layer %s: %w", diffID, err)
	}
	return nil
}

// commitImage writes the config and manifest blobs for layers that are
// already stored and points ref at the result in index.json. Callers hold
// s.lock(). source goes into the AnnotationSource annotation. An empty ref
// makes an unnamed image, "<none>@<image id>", as load names one.
func (s *Store) commitImage(ref, source string, cfg v1.ConfigFile, layers []storedLayer) (*Image, error) {
	cfg.RootFS = v1.RootFS{Type: "layers"}
	var size int64
	manifest := v1.Manifest{SchemaVersion: 2, MediaType: types.OCIManifestSchema1}
	for _, l := range layers {
		cfg.RootFS.DiffIDs = append(cfg.RootFS.DiffIDs, l.DiffID)
		manifest.Layers = append(manifest.Layers, l.Blob)
		size += l.Size
	}
	cfgJSON, err := json.Marshal(cfg)
	if err != nil {
		return nil, fmt.Errorf("encode image config: %w", err)
	}
	cfgDigest, err := s.writeBlob(cfgJSON)
	if err != nil {
		return nil, err
	}
	if ref == "" {
		ref = "<none>@" + cfgDigest.String()
	}
	manifest.Config = v1.Descriptor{MediaType: types.OCIConfigJSON, Size: int64(len(cfgJSON)), Digest: cfgDigest}
	manJSON, err := json.Marshal(manifest)
	if err != nil {
		return nil, fmt.Errorf("encode image manifest: %w", err)
	}
	manDigest, err := s.writeBlob(manJSON)
	if err != nil {
		return nil, err
	}
	desc := v1.Descriptor{
		MediaType: types.OCIManifestSchema1,
		Size:      int64(len(manJSON)),
		Digest:    manDigest,
		Platform:  &v1.Platform{OS: cfg.OS, Architecture: cfg.Architecture},
		Annotations: map[string]string{
			AnnotationSource:  source,
			AnnotationSize:    strconv.FormatInt(size, 10),
			AnnotationImageID: cfgDigest.String(),
		},
	}
	if err := s.setRef(ref, desc); err != nil { // also adds the ref annotation
		return nil, err
	}
	return s.loadImage(desc)
}
