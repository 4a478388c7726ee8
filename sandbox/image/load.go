package image

import (
	"archive/tar"
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// Load reads a `docker save` tar (or a plain OCI layout tar) from r and
// adds its images. It returns the names loaded, or the IDs of images that
// came without a name.
//
// manifest.json may be anywhere in the tar, even last, so the tar is first
// spooled to a private temporary directory: each file under a numbered
// name, never under the tar's own names, so a hostile tar cannot make us
// write anywhere. Layers then go through ImportLayer and its checks.
func (s *Store) Load(r io.Reader) ([]string, error) {
	sp, err := s.spool(r)
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(sp.dir)
	if _, ok := sp.files["manifest.json"]; ok {
		return s.loadDocker(sp)
	}
	if _, ok := sp.files["index.json"]; ok {
		return s.loadOCI(sp)
	}
	return nil, fmt.Errorf("load: the tar has neither manifest.json nor index.json; is it from \"dockling save\" or \"docker save\"?")
}

// spooled is the content of a tar, by entry name, on disk.
type spooled struct {
	dir   string
	files map[string]string // tar name (cleaned) -> spooled file
}

func (s *Store) spool(r io.Reader) (*spooled, error) {
	dir, err := os.MkdirTemp(s.imagesDir(), ".tmp-load-")
	if err != nil {
		return nil, fmt.Errorf("load: %w", err)
	}
	sp := &spooled{dir: dir, files: map[string]string{}}
	tr := tar.NewReader(bufio.NewReaderSize(r, 1<<20))
	for n := 0; ; n++ {
		hdr, err := tr.Next()
		if err == io.EOF {
			return sp, nil
		}
		if err != nil {
			os.RemoveAll(dir)
			return nil, fmt.Errorf("load: read tar: %w (is it a tar from \"dockling save\"?)", err)
		}
		if hdr.Typeflag != tar.TypeReg && hdr.Typeflag != tar.TypeRegA {
			continue
		}
		name, err := cleanEntryName(hdr.Name)
		if err != nil {
			os.RemoveAll(dir)
			return nil, fmt.Errorf("load: %w", err)
		}
		path := filepath.Join(dir, strconv.Itoa(n))
		if err := writeSpoolFile(path, tr); err != nil {
			os.RemoveAll(dir)
			return nil, fmt.Errorf("load %s: %w", name, err)
		}
		sp.files[name] = path
	}
}

func writeSpoolFile(path string, r io.Reader) error {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, r); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func (sp *spooled) read(name string) ([]byte, error) {
	path, ok := sp.files[name]
	if !ok {
		return nil, fmt.Errorf("load: %s is missing from the tar", name)
	}
	return os.ReadFile(path)
}

// loadDocker follows manifest.json. The manifest is written afresh (docker's
// format has none); the config keeps its bytes, so the image ID is the same
// as on the machine that saved it.
func (s *Store) loadDocker(sp *spooled) ([]string, error) {
	raw, err := sp.read("manifest.json")
	if err != nil {
		return nil, err
	}
	var entries []saveEntry
	if err := json.Unmarshal(raw, &entries); err != nil {
		return nil, fmt.Errorf("load: decode manifest.json: %w", err)
	}
	var loaded []string
	for _, e := range entries {
		cfgJSON, err := sp.read(e.Config)
		if err != nil {
			return loaded, err
		}
		var cfg v1.ConfigFile
		if err := json.Unmarshal(cfgJSON, &cfg); err != nil {
			return loaded, fmt.Errorf("load: decode config %s: %w", e.Config, err)
		}
		if len(cfg.RootFS.DiffIDs) != len(e.Layers) {
			return loaded, fmt.Errorf("load: %s lists %d layers but its config has %d", e.Config, len(e.Layers), len(cfg.RootFS.DiffIDs))
		}
		cfgDigest, _, _ := v1.SHA256(bytesReader(cfgJSON))
		m := v1.Manifest{SchemaVersion: 2, MediaType: types.OCIManifestSchema1,
			Config: v1.Descriptor{MediaType: types.OCIConfigJSON, Size: int64(len(cfgJSON)), Digest: cfgDigest}}
		for i, name := range e.Layers {
			desc, err := s.loadLayer(sp, name, cfg.RootFS.DiffIDs[i])
			if err != nil {
				return loaded, err
			}
			m.Layers = append(m.Layers, desc)
		}
		manJSON, err := json.Marshal(m)
		if err != nil {
			return loaded, fmt.Errorf("load: encode manifest: %w", err)
		}
		names, err := s.addLoaded(e.RepoTags, cfgDigest, manJSON, cfgJSON)
		loaded = append(loaded, names...)
		if err != nil {
			return loaded, err
		}
	}
	return loaded, nil
}

// loadLayer imports one layer file, gzip or plain, as a blob of its own.
func (s *Store) loadLayer(sp *spooled, name string, diffID v1.Hash) (v1.Descriptor, error) {
	path, ok := sp.files[name]
	if !ok {
		return v1.Descriptor{}, fmt.Errorf("load: layer %s is missing from the tar", name)
	}
	f, err := os.Open(path)
	if err != nil {
		return v1.Descriptor{}, fmt.Errorf("load: %w", err)
	}
	defer f.Close()
	digest, size, err := v1.SHA256(bufio.NewReaderSize(f, 1<<20))
	if err != nil {
		return v1.Descriptor{}, fmt.Errorf("load: hash %s: %w", name, err)
	}
	desc := v1.Descriptor{MediaType: types.OCIUncompressedLayer, Size: size, Digest: digest}
	if digest != diffID {
		desc.MediaType = types.OCILayer // not the plain tar, so compressed
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return v1.Descriptor{}, fmt.Errorf("load: %w", err)
	}
	if _, err := s.ImportLayer(f, desc, diffID); err != nil {
		return v1.Descriptor{}, fmt.Errorf("load: %w", err)
	}
	return desc, nil
}

// addLoaded records a loaded image under each of its names, or under
// "<none>@<id>" when it has none (docker lists that as <none> <none>).
func (s *Store) addLoaded(tags []string, id v1.Hash, manJSON, cfgJSON []byte) ([]string, error) {
	if len(tags) == 0 {
		if _, err := s.AddImage("<none>@"+id.String(), "loaded", "", manJSON, cfgJSON); err != nil {
			return nil, err
		}
		return []string{id.String()}, nil
	}
	var names []string
	for _, t := range tags {
		ref := NormalizeRef(t)
		if _, err := s.AddImage(ref, "loaded", "", manJSON, cfgJSON); err != nil {
			return names, err
		}
		names = append(names, ref)
	}
	return names, nil
}
