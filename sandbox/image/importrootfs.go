package image

import (
	"bufio"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"runtime"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// ImportOptions describe the image `dockling import` makes.
type ImportOptions struct {
	Ref     string // the new image's name; "" leaves it unnamed (<none>)
	Source  string // where the tar came from, for the history comment
	Message string // import -m
}

// ImportRootfs makes a one-layer image from a flat root filesystem tar (a
// `docker export` or `dockling export`, or any tar of a distribution's
// files), plain or gzipped. The tar is the layer, byte for byte, so its
// sha256 is the diffid; in one pass over it:
//
//	r -> (gunzip) -> tar -> sha256 (diffid)
//	                    \-> gzip -> sha256 (blob digest) + blob file
//	                    \-> safe untar into layers/.tmp-*
//
// A tar holds files only, so the config is nearly empty, as docker's is:
// no CMD (give a command to run), and a default PATH so that one is found.
func (s *Store) ImportRootfs(r io.Reader, opts ImportOptions) (*Image, error) {
	if opts.Ref != "" {
		opts.Ref = NormalizeRef(opts.Ref)
		if err := checkRefSyntax(opts.Ref); err != nil {
			return nil, err
		}
	}
	layer, tmpDir, err := s.importTar(r)
	if tmpDir != "" {
		defer os.RemoveAll(tmpDir) // a no-op once installed
	}
	if err != nil {
		return nil, err
	}
	l, err := s.lock()
	if err != nil {
		return nil, err
	}
	defer l.Unlock()
	if err := s.installLayer(tmpDir, layer.DiffID); err != nil {
		return nil, err
	}
	now := time.Now().UTC()
	comment := opts.Message
	if comment == "" && opts.Source != "" {
		comment = "imported from " + opts.Source
	}
	cfg := v1.ConfigFile{
		Architecture: runtime.GOARCH,
		OS:           "linux",
		Created:      v1.Time{Time: now},
		Config:       v1.Config{Env: []string{hostboxPATH}},
		History:      []v1.History{{Created: v1.Time{Time: now}, CreatedBy: "dockling import", Comment: comment}},
	}
	return s.commitImage(opts.Ref, "imported", cfg, []storedLayer{layer})
}

// importTar stores the gzip blob and unpacks the tar into a temporary
// layer directory, which it returns for the caller to install.
func (s *Store) importTar(r io.Reader) (storedLayer, string, error) {
	fail := func(err error) error { return fmt.Errorf("import: %w", err) }
	tarStream, err := decompress(bufio.NewReaderSize(r, 1<<20))
	if err != nil {
		return storedLayer{}, "", fail(err)
	}
	blobFile, err := os.CreateTemp(s.blobDir(), ".tmp-blob-")
	if err != nil {
		return storedLayer{}, "", fail(err)
	}
	defer os.Remove(blobFile.Name()) // a no-op once renamed
	defer blobFile.Close()
	blobHash, diffHash := sha256.New(), sha256.New()
	buffered := bufio.NewWriterSize(blobFile, 1<<20)
	var blobSize countingWriter
	gz, err := gzip.NewWriterLevel(io.MultiWriter(buffered, blobHash, &blobSize), gzip.BestSpeed)
	if err != nil {
		return storedLayer{}, "", fail(err)
	}
	tee := io.TeeReader(tarStream, io.MultiWriter(diffHash, gz))

	tmpDir, err := os.MkdirTemp(s.layersDir(), ".tmp-")
	if err != nil {
		return storedLayer{}, "", fail(err)
	}
	if err := os.Chmod(tmpDir, 0o755); err != nil {
		return storedLayer{}, tmpDir, fail(err)
	}
	// Hostile-input rules apply: no "..", no writing through symlinks, no
	// device nodes. A rootfs tar with /dev/null in it is refused; export
	// never writes one (the runtime mounts /dev), docker's does not either.
	stats, err := Extract(tmpDir, tee, ExtractOptions{Overlay: os.Geteuid() == 0})
	if err != nil {
		return storedLayer{}, tmpDir, fmt.Errorf("import: the tar is unsafe or damaged: %w", err)
	}
	if stats.Entries == 0 {
		return storedLayer{}, tmpDir, fmt.Errorf("import: the input has no files; give a tar of a root filesystem (from dockling export, say)")
	}
	if _, err := io.Copy(io.Discard, tee); err != nil { // the end padding counts in the diffid
		return storedLayer{}, tmpDir, fail(err)
	}
	if err := gz.Close(); err != nil {
		return storedLayer{}, tmpDir, fail(err)
	}
	if err := buffered.Flush(); err != nil {
		return storedLayer{}, tmpDir, fail(err)
	}
	if err := blobFile.Chmod(0o644); err != nil {
		return storedLayer{}, tmpDir, fail(err)
	}
	digest := v1.Hash{Algorithm: "sha256", Hex: hex.EncodeToString(blobHash.Sum(nil))}
	if err := os.Rename(blobFile.Name(), s.blobPath(digest)); err != nil {
		return storedLayer{}, tmpDir, fail(err)
	}
	return storedLayer{
		Blob:   v1.Descriptor{MediaType: types.OCILayer, Size: int64(blobSize), Digest: digest},
		DiffID: v1.Hash{Algorithm: "sha256", Hex: hex.EncodeToString(diffHash.Sum(nil))},
		Size:   stats.Size,
	}, tmpDir, nil
}
