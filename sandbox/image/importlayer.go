package image

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	v1 "github.com/google/go-containerregistry/pkg/v1"
)

// HasLayer says whether the layer with this diffid is already unpacked.
func (s *Store) HasLayer(diffID v1.Hash) bool {
	fi, err := os.Stat(s.layerDir(diffID.Hex))
	return err == nil && fi.IsDir()
}

// HasBlob says whether a blob with this digest is stored.
func (s *Store) HasBlob(h v1.Hash) bool {
	_, err := os.Stat(s.blobPath(h))
	return err == nil
}

// ImportLayer reads one layer blob (gzip or plain tar) from r, as a
// registry or a `docker save` tar hands it over, and in a single pass:
//
//	r -> sha256 (must equal blob.Digest) -> blob file in images/blobs
//	  \-> gunzip -> sha256 (must equal diffID)
//	             \-> safe untar into layers/.tmp-*  (skipped if already unpacked)
//
// Only when both digests match is anything renamed into place, so a bad or
// truncated download leaves neither a blob nor a layer behind. It returns
// the unpacked size in bytes of file content.
func (s *Store) ImportLayer(r io.Reader, blob v1.Descriptor, diffID v1.Hash) (int64, error) {
	short := shortHex(blob.Digest.Hex)
	blobFile, err := os.CreateTemp(s.blobDir(), ".tmp-blob-")
	if err != nil {
		return 0, fmt.Errorf("layer %s: %w", short, err)
	}
	defer os.Remove(blobFile.Name()) // no-op once renamed
	defer blobFile.Close()
	blobHash := sha256.New()
	buffered := bufio.NewWriterSize(blobFile, 1<<20)
	tee := io.TeeReader(r, io.MultiWriter(buffered, blobHash))

	tarStream, err := decompress(bufio.NewReaderSize(tee, 1<<20))
	if err != nil {
		return 0, fmt.Errorf("layer %s: %w", short, err)
	}
	diffHash := sha256.New()
	tarTee := io.TeeReader(tarStream, diffHash)

	unpack := !s.HasLayer(diffID)
	var tmpDir string
	var size int64
	if unpack {
		if tmpDir, err = os.MkdirTemp(s.layersDir(), ".tmp-"); err != nil {
			return 0, fmt.Errorf("layer %s: %w", short, err)
		}
		defer os.RemoveAll(tmpDir) // no-op once installed
		if err := os.Chmod(tmpDir, 0o755); err != nil {
			return 0, fmt.Errorf("layer %s: %w", short, err)
		}
		stats, err := Extract(tmpDir, tarTee, ExtractOptions{Overlay: os.Geteuid() == 0})
		if err != nil {
			return 0, fmt.Errorf("layer %s is unsafe or damaged: %w", short, err)
		}
		size = stats.Size
	}
	// Read to the very end: tar stops before its zero padding, gzip before
	// its trailer, and both digests cover every byte.
	if _, err := io.Copy(io.Discard, tarTee); err != nil {
		return 0, fmt.Errorf("layer %s: read: %w", short, err)
	}
	if _, err := io.Copy(io.Discard, tee); err != nil {
		return 0, fmt.Errorf("layer %s: read: %w", short, err)
	}
	if err := checkDigest("blob", blob.Digest, blobHash); err != nil {
		return 0, fmt.Errorf("layer %s: %w", short, err)
	}
	if err := checkDigest("diffid", diffID, diffHash); err != nil {
		return 0, fmt.Errorf("layer %s: %w", short, err)
	}
	if err := buffered.Flush(); err != nil {
		return 0, fmt.Errorf("layer %s: %w", short, err)
	}
	if err := blobFile.Chmod(0o644); err != nil {
		return 0, fmt.Errorf("layer %s: %w", short, err)
	}
	if err := os.Rename(blobFile.Name(), s.blobPath(blob.Digest)); err != nil {
		return 0, fmt.Errorf("layer %s: %w", short, err)
	}
	if !unpack {
		return s.LayerSize(diffID)
	}
	if err := s.installLayer(tmpDir, diffID); err != nil {
		return 0, err
	}
	return size, nil
}

// decompress looks at the first bytes instead of trusting a media type:
// gzip starts 1f 8b, zstd 28 b5 2f fd, a plain tar with a file name.
func decompress(br *bufio.Reader) (io.Reader, error) {
	magic, _ := br.Peek(4)
	switch {
	case bytes.HasPrefix(magic, []byte{0x1f, 0x8b}):
		return gzip.NewReader(br)
	case bytes.HasPrefix(magic, []byte{0x28, 0xb5, 0x2f, 0xfd}):
		return nil, fmt.Errorf("zstd-compressed layers are not supported; ask for a gzip image")
	}
	return br, nil
}

func checkDigest(what string, want v1.Hash, got hash.Hash) error {
	sum := hex.EncodeToString(got.Sum(nil))
	if want.Algorithm != "sha256" || want.Hex != sum {
		return fmt.Errorf("%s digest mismatch: expected %s, got sha256:%s (corrupt or tampered download)", what, want, sum)
	}
	return nil
}

// LayerSize adds up the regular files of an unpacked layer.
func (s *Store) LayerSize(diffID v1.Hash) (int64, error) {
	var n int64
	err := filepath.WalkDir(s.layerDir(diffID.Hex), func(_ string, d fs.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() {
			return err
		}
		fi, err := d.Info()
		if err == nil {
			n += fi.Size()
		}
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("size of layer %s: %w", shortHex(diffID.Hex), err)
	}
	return n, nil
}

// shortHex is the 12-digit form docker prints for IDs and digests.
func shortHex(h string) string {
	if len(h) > 12 {
		return h[:12]
	}
	return h
}
