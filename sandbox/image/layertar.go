package image

import (
	"archive/tar"
	"bufio"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// layerEpoch is the mtime written for every tar entry. Fixed times and
// owners (root) make the tar, and so its diffid, depend only on the files'
// names, modes and bytes.
var layerEpoch = time.Unix(0, 0).UTC()

// storedLayer is one layer that is in the store twice: as a gzip blob in
// images/blobs (what registries and `docker save` move around) and unpacked
// under layers/<diffid hex> (what containers use).
type storedLayer struct {
	Blob   v1.Descriptor // the compressed blob: media type, size, digest
	DiffID v1.Hash       // sha256 of the uncompressed tar
	Size   int64         // bytes of file content when unpacked
}

// packLayer writes dir as a deterministic tar, gzipped into a blob, and
// computes both digests in the same single pass over the data:
//
//	files -> tar -> sha256 (diffid)
//	            \-> gzip -> sha256 (blob digest) + blob file
func (s *Store) packLayer(dir string) (storedLayer, error) {
	return s.packLayerWith(dir, func(tw *tar.Writer) (int64, error) { return writeTree(tw, dir) })
}

// packLayerWith is packLayer with the tar's entries written by fill, which
// returns the bytes of file content it wrote. `dockling commit` uses it to
// write a container's writable layer in OCI whiteout form (upperlayer.go).
// what names the layer in error messages.
func (s *Store) packLayerWith(what string, fill func(*tar.Writer) (int64, error)) (storedLayer, error) {
	tmp, err := os.CreateTemp(s.blobDir(), ".tmp-layer-")
	if err != nil {
		return storedLayer{}, fmt.Errorf("pack layer: %w", err)
	}
	defer os.Remove(tmp.Name()) // no-op once renamed
	defer tmp.Close()

	blobHash := sha256.New()
	buffered := bufio.NewWriterSize(tmp, 1<<20)
	var blobSize countingWriter
	// BestSpeed: hostbox must build in well under two seconds, and the blob
	// only matters for push/save, where a few percent of size is no matter.
	gz, err := gzip.NewWriterLevel(io.MultiWriter(buffered, blobHash, &blobSize), gzip.BestSpeed)
	if err != nil {
		return storedLayer{}, err
	}
	diffHash := sha256.New()
	tw := tar.NewWriter(io.MultiWriter(gz, diffHash))
	size, err := fill(tw)
	if err != nil {
		return storedLayer{}, fmt.Errorf("pack layer %s: %w", what, err)
	}
	for _, c := range []interface{ Close() error }{tw, gz} {
		if err := c.Close(); err != nil {
			return storedLayer{}, fmt.Errorf("pack layer %s: %w", what, err)
		}
	}
	if err := buffered.Flush(); err != nil {
		return storedLayer{}, fmt.Errorf("pack layer %s: %w", what, err)
	}
	if err := tmp.Chmod(0o644); err != nil {
		return storedLayer{}, fmt.Errorf("pack layer %s: %w", what, err)
	}
	digest := v1.Hash{Algorithm: "sha256", Hex: hex.EncodeToString(blobHash.Sum(nil))}
	if err := os.Rename(tmp.Name(), s.blobPath(digest)); err != nil {
		return storedLayer{}, fmt.Errorf("pack layer %s: %w", what, err)
	}
	return storedLayer{
		Blob:   v1.Descriptor{MediaType: types.OCILayer, Size: int64(blobSize), Digest: digest},
		DiffID: v1.Hash{Algorithm: "sha256", Hex: hex.EncodeToString(diffHash.Sum(nil))},
		Size:   size,
	}, nil
}

// writeTree adds everything under dir to tw in lexical order (WalkDir's
// order), which is what makes the tar reproducible. It returns the bytes of
// regular-file content written.
func writeTree(tw *tar.Writer, dir string) (int64, error) {
	var total int64
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(dir, path)
		if err != nil || rel == "." {
			return err
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		hdr := &tar.Header{
			Name:    filepath.ToSlash(rel),
			Mode:    tarMode(fi.Mode()),
			ModTime: layerEpoch,
			Format:  tar.FormatPAX,
		}
		switch {
		case fi.Mode().IsRegular():
			hdr.Typeflag, hdr.Size = tar.TypeReg, fi.Size()
		case fi.IsDir():
			hdr.Typeflag, hdr.Name = tar.TypeDir, hdr.Name+"/"
		case fi.Mode()&fs.ModeSymlink != 0:
			hdr.Typeflag = tar.TypeSymlink
			if hdr.Linkname, err = os.Readlink(path); err != nil {
				return err
			}
		default:
			return fmt.Errorf("%s: unsupported file type %s in a layer", rel, fi.Mode().Type())
		}
		if err := tw.WriteHeader(hdr); err != nil {
			return err
		}
		if hdr.Typeflag != tar.TypeReg {
			return nil
		}
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		n, err := io.Copy(tw, f)
		total += n
		return err
	})
	return total, err
}

// tarMode converts Go's portable mode bits back to the Unix bits tar stores.
func tarMode(m fs.FileMode) int64 {
	mode := int64(m.Perm())
	if m&fs.ModeSetuid != 0 {
		mode |= 0o4000
	}
	if m&fs.ModeSetgid != 0 {
		mode |= 0o2000
	}
	if m&fs.ModeSticky != 0 {
		mode |= 0o1000
	}
	return mode
}

type countingWriter int64

func (c *countingWriter) Write(p []byte) (int, error) {
	*c += countingWriter(len(p))
	return len(p), nil
}
