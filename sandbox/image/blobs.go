package image

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/dockling/dockling/sandbox/fsutil"
)

// A blob is content-addressed: its file name is the sha256 of its bytes, so
// the same config, manifest or layer is stored once however many images use
// it, and anyone can check a blob by hashing it.

func (s *Store) blobPath(h v1.Hash) string { return filepath.Join(s.blobDir(), h.Hex) }

// writeBlob stores data under its digest and returns the digest.
func (s *Store) writeBlob(data []byte) (v1.Hash, error) {
	sum := sha256.Sum256(data)
	h := v1.Hash{Algorithm: "sha256", Hex: hex.EncodeToString(sum[:])}
	if _, err := os.Stat(s.blobPath(h)); err == nil {
		return h, nil // already there: same digest means same bytes
	}
	if err := fsutil.WriteFileAtomic(s.blobPath(h), data, 0o644); err != nil {
		return v1.Hash{}, fmt.Errorf("store blob: %w", err)
	}
	return h, nil
}

// readBlob returns the blob's bytes after checking they still hash to h, so a
// corrupted store is reported instead of silently misread.
func (s *Store) readBlob(h v1.Hash) ([]byte, error) {
	if h.Algorithm != "sha256" {
		return nil, fmt.Errorf("blob %s: only sha256 digests are supported", h)
	}
	data, err := os.ReadFile(s.blobPath(h))
	if err != nil {
		return nil, fmt.Errorf("read blob %s: %w", h, err)
	}
	sum := sha256.Sum256(data)
	if !bytes.Equal(sum[:], mustDecodeHex(h.Hex)) {
		return nil, fmt.Errorf("blob %s is corrupt (content does not match its digest); remove the image and build or pull it again", h)
	}
	return data, nil
}

func mustDecodeHex(s string) []byte {
	b, err := hex.DecodeString(s)
	if err != nil {
		return nil // never equal to a real sum, so readBlob reports corruption
	}
	return b
}
