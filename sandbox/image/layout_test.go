package image

import (
	"archive/tar"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// The store must be a standard OCI image layout, so that pull/push/save/load
// (and tools like skopeo) can read what the hostbox builder wrote.
func TestStoreIsOCILayout(t *testing.T) {
	s := newTestStore(t)
	img, err := s.Resolve("hostbox")
	if err != nil {
		t.Fatal(err)
	}
	var layout struct {
		Version string `json:"imageLayoutVersion"`
	}
	readJSON(t, filepath.Join(s.imagesDir(), "oci-layout"), &layout)
	if layout.Version != "1.0.0" {
		t.Errorf("oci-layout version %q", layout.Version)
	}
	var idx v1.IndexManifest
	readJSON(t, s.indexPath(), &idx)
	if idx.SchemaVersion != 2 || idx.MediaType != types.OCIImageIndex || len(idx.Manifests) != 1 {
		t.Fatalf("index: %+v", idx)
	}
	desc := idx.Manifests[0]
	if desc.Annotations[AnnotationRefName] != "hostbox:latest" || desc.MediaType != types.OCIManifestSchema1 {
		t.Errorf("index entry: %+v", desc)
	}
	var m v1.Manifest
	readJSON(t, s.blobPath(desc.Digest), &m)
	if m.Config.Digest.String() != img.ID || m.Config.MediaType != types.OCIConfigJSON || len(m.Layers) != 1 {
		t.Fatalf("manifest: %+v", m)
	}
	var cfg v1.ConfigFile
	readJSON(t, s.blobPath(m.Config.Digest), &cfg)
	if cfg.OS != "linux" || len(cfg.RootFS.DiffIDs) != 1 || len(cfg.History) != 1 ||
		cfg.History[0].CreatedBy != "created by dockling hostbox builder" {
		t.Errorf("config: %+v", cfg)
	}
	if m.Layers[0].MediaType != types.OCILayer {
		t.Errorf("layer media type %s", m.Layers[0].MediaType)
	}
	// Every blob's name is the sha256 of its content.
	entries, err := os.ReadDir(s.blobDir())
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 3 { // config, manifest, layer
		t.Errorf("%d blobs, want 3", len(entries))
	}
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join(s.blobDir(), e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if sum := sha256.Sum256(data); hex.EncodeToString(sum[:]) != e.Name() {
			t.Errorf("blob %s has sha256 %x", e.Name(), sum)
		}
	}
	// The layer directory is named by the diffid, and holds the tar's content.
	if filepath.Base(img.Layers[0]) != cfg.RootFS.DiffIDs[0].Hex {
		t.Errorf("layer dir %s, diffid %s", img.Layers[0], cfg.RootFS.DiffIDs[0])
	}
	checkLayerMatchesBlob(t, img.Layers[0], s.blobPath(m.Layers[0].Digest), cfg.RootFS.DiffIDs[0])
}

// checkLayerMatchesBlob gunzips the blob, checks its diffid, and compares
// every tar entry with the unpacked directory, both ways.
func checkLayerMatchesBlob(t *testing.T, layerDir, blob string, diffID v1.Hash) {
	t.Helper()
	f, err := os.Open(blob)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	h := sha256.New()
	tr := tar.NewReader(io.TeeReader(gz, h))
	inTar := map[string]bool{}
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		name := filepath.Clean(hdr.Name)
		inTar[name] = true
		fi, err := os.Lstat(filepath.Join(layerDir, name))
		if err != nil {
			t.Errorf("tar has %s, layer does not", name)
			continue
		}
		if fi.Mode().Perm() != fs.FileMode(hdr.Mode).Perm() {
			t.Errorf("%s: mode %v in layer, %o in tar", name, fi.Mode(), hdr.Mode)
		}
		switch hdr.Typeflag {
		case tar.TypeReg:
			if !fi.Mode().IsRegular() || fi.Size() != hdr.Size {
				t.Errorf("%s: not the same regular file", name)
			}
		case tar.TypeSymlink:
			if target, _ := os.Readlink(filepath.Join(layerDir, name)); target != hdr.Linkname {
				t.Errorf("%s: link %q in layer, %q in tar", name, target, hdr.Linkname)
			}
		case tar.TypeDir:
			if !fi.IsDir() {
				t.Errorf("%s: not a dir in layer", name)
			}
		}
		if hdr.Uid != 0 || hdr.Gid != 0 || !hdr.ModTime.Equal(layerEpoch) {
			t.Errorf("%s: tar entry not normalised: uid %d gid %d mtime %v", name, hdr.Uid, hdr.Gid, hdr.ModTime)
		}
	}
	io.Copy(io.Discard, gz) // the tar's trailing padding counts toward the diffid
	if got := hex.EncodeToString(h.Sum(nil)); got != diffID.Hex {
		t.Errorf("uncompressed tar sha256 %s, diffid %s", got, diffID.Hex)
	}
	filepath.WalkDir(layerDir, func(path string, d fs.DirEntry, err error) error {
		rel, _ := filepath.Rel(layerDir, path)
		if err == nil && rel != "." && !inTar[rel] {
			t.Errorf("layer has %s, tar does not", rel)
		}
		return err
	})
}

func readJSON(t *testing.T, path string, v any) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

// Packing the same directory twice gives the same diffid: the tar does not
// depend on mtimes, owners or the order the filesystem lists files in.
func TestPackLayerIsDeterministic(t *testing.T) {
	s := newTestStore(t)
	dir := t.TempDir()
	mustWrite(t, filepath.Join(dir, "b/file"), "hello")
	mustWrite(t, filepath.Join(dir, "a"), "x")
	if err := os.Symlink("b/file", filepath.Join(dir, "link")); err != nil {
		t.Fatal(err)
	}
	first, err := s.packLayer(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(filepath.Join(dir, "a"), layerEpoch.AddDate(9, 0, 0), layerEpoch.AddDate(9, 0, 0)); err != nil {
		t.Fatal(err)
	}
	second, err := s.packLayer(dir)
	if err != nil {
		t.Fatal(err)
	}
	if first.DiffID != second.DiffID || first.Blob.Digest != second.Blob.Digest {
		t.Errorf("diffids %s vs %s", first.DiffID, second.DiffID)
	}
	if first.Size != 6 {
		t.Errorf("size %d, want 6", first.Size)
	}
	checkLayerMatchesBlob(t, dir, s.blobPath(first.Blob.Digest), first.DiffID)
}
