package image

import (
	"archive/tar"
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"
)

// save then load into an empty root gives the same image: same ID, same
// manifest digest, same name.
func TestSaveLoadKeepsID(t *testing.T) {
	src := newTestStore(t)
	img, err := src.Resolve("hostbox")
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := src.Save(&buf, "hostbox"); err != nil {
		t.Fatal(err)
	}
	dst, err := Open(filepath.Join(t.TempDir(), "state"))
	if err != nil {
		t.Fatal(err)
	}
	names, err := dst.Load(bytes.NewReader(buf.Bytes()))
	if err != nil || len(names) != 1 || names[0] != HostboxRef {
		t.Fatalf("Load = %v, %v", names, err)
	}
	got, err := dst.Resolve("hostbox")
	if err != nil || got.ID != img.ID {
		t.Fatalf("loaded %v (%v), want ID %s", got, err, img.ID)
	}
	a, _ := src.Stored("hostbox")
	b, _ := dst.Stored("hostbox")
	if !bytes.Equal(a.ManifestJSON, b.ManifestJSON) {
		t.Errorf("manifest changed on the way:\n%s\n%s", a.ManifestJSON, b.ManifestJSON)
	}
}

// A `docker save` tar whose layer climbs out is refused like a pulled one,
// and leaves neither layers nor index entries behind.
func TestLoadRefusesHostileLayer(t *testing.T) {
	layer := buildTar(t, tarEntry{name: "../../escaped", body: "x"})
	diffID := sha256Hash(layer)
	cfg, _ := json.Marshal(v1.ConfigFile{OS: "linux", RootFS: v1.RootFS{Type: "layers", DiffIDs: []v1.Hash{diffID}}})
	manifest, _ := json.Marshal([]saveEntry{{Config: "config.json", RepoTags: []string{"evil:1"}, Layers: []string{"layer.tar"}}})
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for name, data := range map[string][]byte{"manifest.json": manifest, "config.json": cfg, "layer.tar": layer} {
		tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: int64(len(data)), Typeflag: tar.TypeReg})
		tw.Write(data)
	}
	tw.Close()

	s := newTestStore(t)
	_, err := s.Load(&buf)
	if err == nil || !strings.Contains(err.Error(), "climbs out of the layer") || strings.Contains(err.Error(), "\n") {
		t.Fatalf("Load = %v, want one line about the climbing entry", err)
	}
	if _, err := s.Resolve("evil:1"); err == nil {
		t.Errorf("the hostile image was added")
	}
	entries, _ := os.ReadDir(s.layersDir())
	if len(entries) != 0 {
		t.Errorf("layers left behind: %v", entries)
	}
}

func TestLoadGarbageIsOneLineError(t *testing.T) {
	s := newTestStore(t)
	_, err := s.Load(strings.NewReader("this is not a tar"))
	if err == nil || strings.Contains(err.Error(), "\n") {
		t.Errorf("Load(garbage) = %v", err)
	}
}

// Tag adds a name; removing one of two names only untags; an ID with two
// names needs force.
func TestTagAndRemove(t *testing.T) {
	s := newTestStore(t)
	img, err := s.Resolve("hostbox")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Tag("hostbox", "Bad Name"); err == nil {
		t.Errorf("tag to an invalid name succeeded")
	}
	if err := s.Tag("hostbox", "mybox:1.0"); err != nil {
		t.Fatal(err)
	}
	if got, err := s.Resolve("mybox:1.0"); err != nil || got.ID != img.ID {
		t.Fatalf("mybox:1.0 = %v, %v", got, err)
	}
	if _, err := s.Remove(img.ID, false); err == nil || !strings.Contains(err.Error(), "rmi -f") {
		t.Errorf("rmi of an ID with two names: %v", err)
	}
	res, err := s.Remove(img.ID, true)
	if err != nil || len(res.Untagged) != 2 || len(res.Deleted) != 1 {
		t.Fatalf("forced rmi = %+v, %v", res, err)
	}
	if _, err := os.Stat(img.Layers[0]); !os.IsNotExist(err) {
		t.Errorf("hostbox layer kept after its only image went: %v", err)
	}
}
