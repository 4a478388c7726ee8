package remote

import (
	"archive/tar"
	"bytes"
	"io"
	"log"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/registry"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/partial"
	ggcr "github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/tarball"

	"github.com/dockling/dockling/sandbox/image"
)

// startRegistry runs go-containerregistry's in-memory registry on
// 127.0.0.1 and returns its host:port. Loopback is spoken to over http.
func startRegistry(t *testing.T) string {
	t.Helper()
	srv := httptest.NewServer(registry.New(registry.Logger(log.New(io.Discard, "", 0))))
	t.Cleanup(srv.Close)
	return strings.TrimPrefix(srv.URL, "http://")
}

// openStore opens an empty store in a fresh state root. hostbox can be
// built in it: a dummy probe stands in for the real helper.
func openStore(t *testing.T) *image.Store {
	t.Helper()
	probe := filepath.Join(t.TempDir(), "probe")
	if err := os.WriteFile(probe, []byte("#!/bin/sh\necho probe\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("DOCKLING_PROBE", probe)
	s, err := image.Open(filepath.Join(t.TempDir(), "state"))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// testOptions point at no config file and no docker credentials.
func testOptions(out io.Writer) Options {
	return Options{Out: out, Config: &Config{}, Keychain: anonymousKeychain{}}
}

type anonymousKeychain struct{}

func (anonymousKeychain) Resolve(authn.Resource) (authn.Authenticator, error) {
	return authn.Anonymous, nil
}

// tarLayer builds a layer from (name, body) pairs; a name ending in "/"
// is a directory.
func tarLayer(t *testing.T, files ...string) v1.Layer {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for i := 0; i < len(files); i += 2 {
		hdr := &tar.Header{Name: files[i], Mode: 0o644, Typeflag: tar.TypeReg, Size: int64(len(files[i+1]))}
		if strings.HasSuffix(files[i], "/") {
			hdr.Typeflag, hdr.Mode, hdr.Size = tar.TypeDir, 0o755, 0
		}
		if err := tw.WriteHeader(hdr); err != nil {
			t.Fatal(err)
		}
		tw.Write([]byte(files[i+1]))
	}
	tw.Close()
	data := buf.Bytes()
	l, err := tarball.LayerFromOpener(func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil })
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// pushTestImage builds hostbox's layer plus two layers on top and pushes
// it to ref with go-containerregistry directly (not through our Push):
//
//	layer 2: deletes etc/hostname (".wh.hostname"), adds data/{a,b}, etc/motd
//	layer 3: makes data opaque (".wh..wh..opq") and adds data/c
//
// so after both, etc/hostname is gone and data holds only c.
func pushTestImage(t *testing.T, src *image.Store, ref string) v1.Image {
	t.Helper()
	if _, err := src.Resolve("hostbox"); err != nil {
		t.Fatal(err)
	}
	st, err := src.Stored("hostbox")
	if err != nil {
		t.Fatal(err)
	}
	base, err := partial.CompressedToImage(storedImage{st})
	if err != nil {
		t.Fatal(err)
	}
	img, err := mutate.AppendLayers(base,
		tarLayer(t, "etc/.wh.hostname", "", "data/", "", "data/a", "a", "data/b", "b", "etc/motd", "hello\n"),
		tarLayer(t, "data/", "", "data/.wh..wh..opq", "", "data/c", "c"),
	)
	if err != nil {
		t.Fatal(err)
	}
	r, err := name.ParseReference(ref)
	if err != nil {
		t.Fatal(err)
	}
	if err := ggcr.Write(r, img); err != nil {
		t.Fatal(err)
	}
	return img
}
