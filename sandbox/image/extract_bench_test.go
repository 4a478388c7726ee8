package image

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"fmt"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"
)

// benchLayer is one generated layer: its plain tar and its gzip blob on
// disk, with the digests ImportLayer checks.
type benchLayer struct {
	tarPath, gzPath string
	desc            v1.Descriptor
	diffID          v1.Hash
	size            int64
}

// makeBenchLayers writes 4 layers of about 25 MB each, shaped like a
// distribution image: 2000 small text-like files (config, scripts) and 4
// large files of which half the bytes are random (binaries compress
// poorly), so gzip has about the work it has on real layers.
func makeBenchLayers(b *testing.B) []benchLayer {
	var layers []benchLayer
	dir := b.TempDir()
	{
		rng := rand.New(rand.NewSource(1))
		text := []byte(strings.Repeat("export PATH=/usr/local/bin:/usr/bin # a line of a shell script\n", 64))
		for l := 0; l < 4; l++ {
			var raw bytes.Buffer
			tw := tar.NewWriter(&raw)
			add := func(name string, data []byte) {
				tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: int64(len(data)), Typeflag: tar.TypeReg})
				tw.Write(data)
			}
			for i := 0; i < 2000; i++ {
				add(fmt.Sprintf("usr/share/l%d/d%02d/f%04d.txt", l, i%50, i), text)
			}
			for i := 0; i < 4; i++ {
				big := make([]byte, 4<<20)
				rng.Read(big[:2<<20])
				copy(big[2<<20:], bytes.Repeat(text, (2<<20)/len(text)+1))
				add(fmt.Sprintf("usr/lib/l%d/big%d.so", l, i), big)
			}
			tw.Close()
			var gz bytes.Buffer
			zw := gzip.NewWriter(&gz)
			zw.Write(raw.Bytes())
			zw.Close()
			bl := benchLayer{
				tarPath: filepath.Join(dir, fmt.Sprintf("layer%d.tar", l)),
				gzPath:  filepath.Join(dir, fmt.Sprintf("layer%d.tar.gz", l)),
				desc:    v1.Descriptor{Digest: sha256Hash(gz.Bytes()), Size: int64(gz.Len())},
				diffID:  sha256Hash(raw.Bytes()),
				size:    int64(raw.Len()),
			}
			if err := os.WriteFile(bl.tarPath, raw.Bytes(), 0o644); err != nil {
				b.Fatal(err)
			}
			if err := os.WriteFile(bl.gzPath, gz.Bytes(), 0o644); err != nil {
				b.Fatal(err)
			}
			layers = append(layers, bl)
		}
	}
	return layers
}

func totalSize(layers []benchLayer) (n int64) {
	for _, l := range layers {
		n += l.size
	}
	return n
}

// BenchmarkExtract unpacks the same ~100 MB, 4-layer image four ways (set
// TMPDIR=/dev/shm to compare CPU cost without the disk):
//
//	import   Store.ImportLayer on the gzip blobs: gunzip, both sha256s,
//	         blob copy, safe untar, rename (what pull and load do)
//	tar-xz   GNU tar -xzf of the same blobs (gunzip + untar only)
//	extract  Extract on the plain tars (safe untar only)
//	tar-x    GNU tar -xf of the same plain tars
func BenchmarkExtract(b *testing.B) {
	layers := makeBenchLayers(b)
	b.Run("import", func(b *testing.B) {
		b.SetBytes(totalSize(layers))
		for i := 0; i < b.N; i++ {
			b.StopTimer()
			s, err := Open(filepath.Join(b.TempDir(), "state"))
			if err != nil {
				b.Fatal(err)
			}
			syscall.Sync() // start each run with no earlier writes still in flight
			b.StartTimer()
			for _, l := range layers {
				f, err := os.Open(l.gzPath)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := s.ImportLayer(f, l.desc, l.diffID); err != nil {
					b.Fatal(err)
				}
				f.Close()
			}
		}
	})
	b.Run("tar-xz", func(b *testing.B) { benchTar(b, layers, "-xzf", func(l benchLayer) string { return l.gzPath }) })
	b.Run("extract", func(b *testing.B) {
		b.SetBytes(totalSize(layers))
		for i := 0; i < b.N; i++ {
			b.StopTimer()
			root := b.TempDir()
			syscall.Sync()
			b.StartTimer()
			for n, l := range layers {
				dir := filepath.Join(root, fmt.Sprint(n))
				os.Mkdir(dir, 0o755)
				f, err := os.Open(l.tarPath)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := Extract(dir, f, ExtractOptions{Overlay: os.Geteuid() == 0}); err != nil {
					b.Fatal(err)
				}
				f.Close()
			}
		}
	})
	b.Run("tar-x", func(b *testing.B) { benchTar(b, layers, "-xf", func(l benchLayer) string { return l.tarPath }) })
}

func benchTar(b *testing.B, layers []benchLayer, flag string, file func(benchLayer) string) {
	if _, err := exec.LookPath("tar"); err != nil {
		b.Skip("no tar on this host")
	}
	b.SetBytes(totalSize(layers))
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		root := b.TempDir()
		syscall.Sync()
		b.StartTimer()
		for n, l := range layers {
			dir := filepath.Join(root, fmt.Sprint(n))
			os.Mkdir(dir, 0o755)
			if out, err := exec.Command("tar", flag, file(l), "-C", dir).CombinedOutput(); err != nil {
				b.Fatalf("tar: %v: %s", err, out)
			}
		}
	}
}
