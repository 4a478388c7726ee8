package image

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"
)

// tarEntry is one entry of a tar built by a test.
type tarEntry struct {
	name, body, link string
	typ              byte
	mode             int64
}

func buildTar(t testing.TB, entries ...tarEntry) []byte {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, e := range entries {
		typ := e.typ
		if typ == 0 {
			typ = tar.TypeReg
		}
		mode := e.mode
		if mode == 0 {
			mode = 0o644
		}
		hdr := &tar.Header{Name: e.name, Typeflag: typ, Linkname: e.link, Mode: mode, Size: int64(len(e.body))}
		if typ != tar.TypeReg {
			hdr.Size = 0
		}
		if err := tw.WriteHeader(hdr); err != nil {
			t.Fatal(err)
		}
		if typ == tar.TypeReg {
			if _, err := tw.Write([]byte(e.body)); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// hostileTars is the corpus: each tar tries one way out of the layer, and
// each must fail with an error that names the trick.
var hostileTars = []struct {
	name    string
	entries []tarEntry
	wantErr string
}{
	{"dotdot", []tarEntry{{name: "../escaped", body: "x"}}, `climbs out of the layer`},
	{"dotdot-deep", []tarEntry{{name: "a/b/../../../escaped", body: "x"}}, `climbs out of the layer`},
	{"absolute", []tarEntry{{name: "/escaped", body: "x"}}, `absolute name`},
	{"symlink-then-write", []tarEntry{
		{name: "evil", typ: tar.TypeSymlink, link: "../outside"},
		{name: "evil/escaped", body: "x"},
	}, `written through the symlink "evil"`},
	{"symlink-abs-then-write", []tarEntry{
		{name: "d/", typ: tar.TypeDir, mode: 0o755},
		{name: "d/evil", typ: tar.TypeSymlink, link: "/tmp"},
		{name: "d/evil/escaped", body: "x"},
	}, `written through the symlink "d/evil"`},
	{"dir-replaced-by-symlink", []tarEntry{
		{name: "d/", typ: tar.TypeDir, mode: 0o755},
		{name: "d/f", body: "x"},
		{name: "d", typ: tar.TypeSymlink, link: "../outside"},
		{name: "d/escaped", body: "x"},
	}, `written through the symlink "d"`},
	{"hardlink-out", []tarEntry{{name: "hard", typ: tar.TypeLink, link: "../outside/secret"}}, `climbs out of the layer`},
	{"hardlink-abs", []tarEntry{{name: "hard", typ: tar.TypeLink, link: "/etc/passwd"}}, `absolute name`},
	{"hardlink-via-symlink", []tarEntry{
		{name: "evil", typ: tar.TypeSymlink, link: "../outside"},
		{name: "hard", typ: tar.TypeLink, link: "evil/secret"},
	}, `is not inside the layer`},
	{"device", []tarEntry{{name: "sda", typ: tar.TypeBlock}}, `device node`},
	{"whiteout-dotdot", []tarEntry{{name: "a/.wh..", body: ""}}, `names no file`},
}

// layoutForEscape makes base/outside/secret and base/layer (the target)
// and returns both directories.
func layoutForEscape(t testing.TB) (base, layer string) {
	base = t.TempDir()
	mustWriteTB(t, filepath.Join(base, "outside", "secret"), "secret")
	layer = filepath.Join(base, "layer")
	if err := os.Mkdir(layer, 0o755); err != nil {
		t.Fatal(err)
	}
	return base, layer
}

func mustWriteTB(t testing.TB, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// assertNothingOutside checks that base holds only layer/ and the untouched
// outside/secret: no file was created or changed outside the layer.
func assertNothingOutside(t testing.TB, base string) {
	t.Helper()
	err := filepath.WalkDir(base, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(base, path)
		switch {
		case rel == "." || rel == "outside" || rel == "layer" || strings.HasPrefix(rel, "layer/"):
			return nil
		case rel == "outside/secret":
			if data, _ := os.ReadFile(path); string(data) != "secret" {
				t.Errorf("outside/secret was changed to %q", data)
			}
			return nil
		}
		t.Errorf("extraction wrote %s outside the layer", rel)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Lstat("/tmp/escaped"); err == nil && fi.ModTime().After(startTime) {
		t.Errorf("extraction wrote /tmp/escaped")
	}
}

func TestExtractRefusesHostileTars(t *testing.T) {
	for _, tc := range hostileTars {
		t.Run(tc.name, func(t *testing.T) {
			base, layer := layoutForEscape(t)
			_, err := Extract(layer, bytes.NewReader(buildTar(t, tc.entries...)), ExtractOptions{})
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("Extract = %v, want an error containing %q", err, tc.wantErr)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("error is not one line: %q", err)
			}
			assertNothingOutside(t, base)
		})
	}
}

// A well-formed layer keeps its files, links, modes and whiteout markers.
func TestExtractGoodLayer(t *testing.T) {
	base, layer := layoutForEscape(t)
	stats, err := Extract(layer, bytes.NewReader(buildTar(t,
		tarEntry{name: "./", typ: tar.TypeDir, mode: 0o755},
		tarEntry{name: "./bin/tool", body: "#!/bin/sh\n", mode: 0o4755},
		tarEntry{name: "bin/alias", typ: tar.TypeLink, link: "bin/tool"},
		tarEntry{name: "etc/link", typ: tar.TypeSymlink, link: "/etc/passwd"},
		tarEntry{name: "etc/.wh.old", body: ""},
		tarEntry{name: "var/.wh..wh..opq", body: ""},
		tarEntry{name: "etc/link", body: "replaced"}, // a later entry wins
	)), ExtractOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if stats.Entries != 7 || stats.Size != int64(len("#!/bin/sh\n")+len("replaced")) {
		t.Errorf("stats = %+v", stats)
	}
	fi, err := os.Stat(filepath.Join(layer, "bin/tool"))
	if err != nil || fi.Mode()&fs.ModeSetuid == 0 || fi.Mode().Perm() != 0o755 {
		t.Errorf("bin/tool: %v %v, want setuid 0755", fi, err)
	}
	a, _ := os.Stat(filepath.Join(layer, "bin/alias"))
	if !os.SameFile(fi, a) {
		t.Errorf("bin/alias is not a hard link of bin/tool")
	}
	if data, _ := os.ReadFile(filepath.Join(layer, "etc/link")); string(data) != "replaced" {
		t.Errorf("etc/link = %q, want the later regular file", data)
	}
	for _, p := range []string{"etc/.wh.old", "var/.wh..wh..opq"} {
		if _, err := os.Lstat(filepath.Join(layer, p)); err != nil {
			t.Errorf("whiteout marker %s kept without Overlay: %v", p, err)
		}
	}
	assertNothingOutside(t, base)
}

// ImportLayer checks both digests and leaves no blob and no layer behind
// when either is wrong.
func TestImportLayerDigestMismatch(t *testing.T) {
	s := newTestStore(t)
	raw := buildTar(t, tarEntry{name: "f", body: "hello"})
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(raw)
	zw.Close()
	blob := v1.Descriptor{Digest: sha256Hash(gz.Bytes()), Size: int64(gz.Len())}
	diffID := sha256Hash(raw)
	wrong := sha256Hash([]byte("something else"))

	if _, err := s.ImportLayer(bytes.NewReader(gz.Bytes()), v1.Descriptor{Digest: wrong}, diffID); err == nil || !strings.Contains(err.Error(), "blob digest mismatch") {
		t.Errorf("wrong blob digest: err = %v", err)
	}
	if _, err := s.ImportLayer(bytes.NewReader(gz.Bytes()), blob, wrong); err == nil || !strings.Contains(err.Error(), "diffid digest mismatch") {
		t.Errorf("wrong diffid: err = %v", err)
	}
	truncated := gz.Bytes()[:gz.Len()-10]
	if _, err := s.ImportLayer(bytes.NewReader(truncated), blob, diffID); err == nil {
		t.Errorf("truncated blob imported without error")
	}
	assertStoreHasNoLayers(t, s)

	size, err := s.ImportLayer(bytes.NewReader(gz.Bytes()), blob, diffID)
	if err != nil || size != 5 {
		t.Fatalf("good layer: size %d, err %v", size, err)
	}
	if !s.HasLayer(diffID) || !s.HasBlob(blob.Digest) {
		t.Errorf("good layer not stored")
	}
}

func assertStoreHasNoLayers(t *testing.T, s *Store) {
	t.Helper()
	for _, dir := range []string{s.layersDir(), s.blobDir()} {
		entries, _ := os.ReadDir(dir)
		for _, e := range entries {
			t.Errorf("left behind after a failed import: %s", filepath.Join(dir, e.Name()))
		}
	}
}

func sha256Hash(b []byte) v1.Hash {
	sum := sha256.Sum256(b)
	return v1.Hash{Algorithm: "sha256", Hex: hex.EncodeToString(sum[:])}
}
