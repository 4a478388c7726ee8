package image

import (
	"archive/tar"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// The `docker save` format, as docker 25 and later write it, is two formats
// in one tar, and we write the same:
//
//	oci-layout, index.json, blobs/sha256/<hex>   an OCI image layout
//	manifest.json                                docker's list: for each image its
//	                                             config, names and layer files
//	repositories                                 the oldest docker's name -> ID map
//
// manifest.json points into blobs/, so each blob is in the tar once. Old
// and new `docker load`, podman, skopeo and `dockling load` all read it.

// saveEntry is one element of manifest.json.
type saveEntry struct {
	Config   string   `json:"Config"`
	RepoTags []string `json:"RepoTags"`
	Layers   []string `json:"Layers"`
}

// Save writes the named images (names or IDs) to w as one tar.
func (s *Store) Save(w io.Writer, names ...string) error {
	if len(names) == 0 {
		return fmt.Errorf("save: no image named; try \"dockling save -o hostbox.tar hostbox\"")
	}
	tw := tar.NewWriter(w)
	sw := &saveWriter{tw: tw, written: map[v1.Hash]bool{}}
	index := emptyIndex()
	var entries []saveEntry
	repos := map[string]map[string]string{}
	for _, name := range names {
		st, err := s.Stored(name)
		if err != nil {
			return err
		}
		var tags []string
		if _, err := findInIndexByRef(s, name); err == nil && !strings.Contains(NormalizeRef(name), "@") {
			tags = []string{NormalizeRef(name)}
		}
		entry, err := sw.image(st, tags)
		if err != nil {
			return err
		}
		entries = append(entries, entry)
		manDigest, err := sw.blob(st.ManifestJSON)
		if err != nil {
			return err
		}
		desc := v1.Descriptor{MediaType: manifestMediaType(st.Manifest), Size: int64(len(st.ManifestJSON)), Digest: manDigest}
		for _, tag := range tags {
			repo, t := splitRef(tag)
			if repos[repo] == nil {
				repos[repo] = map[string]string{}
			}
			repos[repo][t] = st.ID().Hex
			d := desc
			d.Annotations = map[string]string{"io.containerd.image.name": tag, AnnotationRefName: t}
			index.Manifests = append(index.Manifests, d)
		}
		if len(tags) == 0 {
			index.Manifests = append(index.Manifests, desc)
		}
	}
	for _, f := range []struct {
		name string
		v    any
	}{{"index.json", index}, {"manifest.json", entries}, {"repositories", repos}} {
		data, err := json.Marshal(f.v)
		if err != nil {
			return fmt.Errorf("save: encode %s: %w", f.name, err)
		}
		if err := sw.file(f.name, data); err != nil {
			return err
		}
	}
	if err := sw.file("oci-layout", []byte(`{"imageLayoutVersion":"1.0.0"}`)); err != nil {
		return err
	}
	if err := tw.Close(); err != nil {
		return fmt.Errorf("save: %w", err)
	}
	return nil
}

func findInIndexByRef(s *Store, name string) (v1.Descriptor, error) {
	idx, err := s.readIndex()
	if err != nil {
		return v1.Descriptor{}, err
	}
	if d, ok := findRef(idx, NormalizeRef(name)); ok {
		return d, nil
	}
	return v1.Descriptor{}, &NotFoundError{Name: name}
}

func manifestMediaType(m *v1.Manifest) types.MediaType {
	if m.MediaType != "" {
		return m.MediaType
	}
	return types.OCIManifestSchema1
}

// saveWriter writes tar entries, each blob only once.
type saveWriter struct {
	tw      *tar.Writer
	written map[v1.Hash]bool
	dirs    bool
}

// image writes one image's config and layer blobs and returns its
// manifest.json entry.
func (sw *saveWriter) image(st *Stored, tags []string) (saveEntry, error) {
	cfgDigest, err := sw.blob(st.ConfigJSON)
	if err != nil {
		return saveEntry{}, err
	}
	e := saveEntry{Config: blobName(cfgDigest), RepoTags: tags, Layers: []string{}}
	if e.RepoTags == nil {
		e.RepoTags = []string{}
	}
	for _, l := range st.Manifest.Layers {
		e.Layers = append(e.Layers, blobName(l.Digest))
		if sw.written[l.Digest] {
			continue
		}
		rc, err := st.OpenLayer(l.Digest)
		if err != nil {
			return saveEntry{}, err
		}
		err = sw.stream(blobName(l.Digest), l.Size, rc)
		rc.Close()
		if err != nil {
			return saveEntry{}, err
		}
		sw.written[l.Digest] = true
	}
	return e, nil
}

func blobName(h v1.Hash) string { return "blobs/sha256/" + h.Hex }

// blob writes data under its digest, once.
func (sw *saveWriter) blob(data []byte) (v1.Hash, error) {
	h, _, err := v1.SHA256(bytes.NewReader(data))
	if err != nil {
		return v1.Hash{}, err
	}
	if sw.written[h] {
		return h, nil
	}
	sw.written[h] = true
	return h, sw.file(blobName(h), data)
}

func (sw *saveWriter) file(name string, data []byte) error {
	return sw.stream(name, int64(len(data)), bytes.NewReader(data))
}

// stream writes one regular file. Entries get a fixed mtime and owner, so
// saving the same images twice gives the same bytes.
func (sw *saveWriter) stream(name string, size int64, r io.Reader) error {
	if !sw.dirs && strings.HasPrefix(name, "blobs/") {
		for _, d := range []string{"blobs/", "blobs/sha256/"} {
			if err := sw.tw.WriteHeader(&tar.Header{Typeflag: tar.TypeDir, Name: d, Mode: 0o755, ModTime: layerEpoch}); err != nil {
				return fmt.Errorf("save: %w", err)
			}
		}
		sw.dirs = true
	}
	hdr := &tar.Header{Typeflag: tar.TypeReg, Name: name, Size: size, Mode: 0o644, ModTime: layerEpoch}
	if err := sw.tw.WriteHeader(hdr); err != nil {
		return fmt.Errorf("save %s: %w", name, err)
	}
	if _, err := io.CopyN(sw.tw, r, size); err != nil {
		return fmt.Errorf("save %s: %w", name, err)
	}
	return nil
}
