package image

import (
	"archive/tar"
	"compress/gzip"
	"fmt"
	"os"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
)

// CommitOptions describe the image `dockling commit` makes.
type CommitOptions struct {
	Ref       string // the new image's name; "" leaves it unnamed (<none>)
	Container string // the container's ID, recorded in the config as docker does
	Comment   string // shown by `dockling history` (commit -m)
	Author    string // commit -a
	// Command is the container's whole command (entrypoint and arguments),
	// which becomes the new image's Cmd, less the image's Entrypoint, as
	// docker commit does; nil keeps the base image's Cmd.
	Command []string
}

// CommitUpper makes a new image from base plus one more layer: the
// container's writable directory upper, whose overlayfs whiteouts become
// OCI whiteouts on the way (see upperlayer.go). This is all `docker commit`
// is: an image is a stack of layers, and a container's changes are one more.
//
//	base layers ... + tar(upper) -> new config (diff_ids + 1, history + 1)
//	                             -> new manifest (layers + 1) -> tag
//
// upper is read as it is right now. If the container is still running, a
// file it writes meanwhile may be caught half-written; docker pauses the
// container first (commit --pause), which a teaching tool can skip.
func (s *Store) CommitUpper(base, upper string, opts CommitOptions) (*Image, error) {
	if opts.Ref != "" {
		opts.Ref = NormalizeRef(opts.Ref)
		if err := checkRefSyntax(opts.Ref); err != nil {
			return nil, err
		}
	}
	if fi, err := os.Stat(upper); err != nil || !fi.IsDir() {
		return nil, fmt.Errorf("container's writable layer %s is missing; was it removed?", upper)
	}
	l, err := s.lock()
	if err != nil {
		return nil, err
	}
	defer l.Unlock()
	st, err := s.Stored(base)
	if err != nil {
		return nil, fmt.Errorf("the container's image %s is no longer in the store (%v); commit needs its layers", base, err)
	}
	layers, err := st.storedLayers()
	if err != nil {
		return nil, err
	}
	top, err := s.packLayerWith(upper, func(tw *tar.Writer) (int64, error) { return writeUpper(tw, upper) })
	if err != nil {
		return nil, err
	}
	if err := s.unpackBlob(top); err != nil {
		return nil, err
	}

	cfg := *st.Config
	now := time.Now().UTC()
	cfg.Created = v1.Time{Time: now}
	cfg.Container = opts.Container
	if opts.Command != nil {
		cfg.Config.Cmd = commandAfter(cfg.Config.Entrypoint, opts.Command)
	}
	if opts.Author != "" {
		cfg.Author = opts.Author
	}
	cfg.History = append(append([]v1.History{}, cfg.History...), v1.History{
		Created:   v1.Time{Time: now},
		CreatedBy: "dockling commit",
		Author:    opts.Author,
		Comment:   opts.Comment,
	})
	return s.commitImage(opts.Ref, "committed", cfg, append(layers, top))
}

// commandAfter is command without entrypoint at its start. A command
// that does not start with it (run --entrypoint replaced it) is kept
// whole, and the entrypoint with it would run twice; docker has the same
// rule and keeps the image's Entrypoint.
func commandAfter(entrypoint, command []string) []string {
	if len(entrypoint) > len(command) {
		return append([]string{}, command...)
	}
	for i, e := range entrypoint {
		if command[i] != e {
			return append([]string{}, command...)
		}
	}
	return append([]string{}, command[len(entrypoint):]...)
}

// storedLayers lists an image's layers as commitImage takes them.
func (st *Stored) storedLayers() ([]storedLayer, error) {
	diffIDs := st.Config.RootFS.DiffIDs
	if len(diffIDs) != len(st.Manifest.Layers) {
		return nil, fmt.Errorf("image %q: manifest has %d layers but config has %d diffids", st.Ref, len(st.Manifest.Layers), len(diffIDs))
	}
	var out []storedLayer
	for i, blob := range st.Manifest.Layers {
		size, err := st.store.LayerSize(diffIDs[i])
		if err != nil {
			return nil, err
		}
		out = append(out, storedLayer{Blob: blob, DiffID: diffIDs[i], Size: size})
	}
	return out, nil
}

// unpackBlob makes layers/<diffid> from a layer blob just written, by the
// same safe extractor a pulled layer goes through. So a committed layer's
// directory has exactly the form a pull of it would give: overlayfs
// whiteouts again when we are root, marker files otherwise.
func (s *Store) unpackBlob(l storedLayer) error {
	if s.HasLayer(l.DiffID) {
		return nil // the same changes were committed before
	}
	f, err := os.Open(s.blobPath(l.Blob.Digest))
	if err != nil {
		return fmt.Errorf("unpack layer %s: %w", shortHex(l.DiffID.Hex), err)
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		return fmt.Errorf("unpack layer %s: %w", shortHex(l.DiffID.Hex), err)
	}
	tmp, err := os.MkdirTemp(s.layersDir(), ".tmp-")
	if err != nil {
		return fmt.Errorf("unpack layer %s: %w", shortHex(l.DiffID.Hex), err)
	}
	defer os.RemoveAll(tmp) // a no-op once installed
	if err := os.Chmod(tmp, 0o755); err != nil {
		return err
	}
	// Devices are allowed here: they came from this host's own container,
	// which already had them; a layer from elsewhere never takes this path.
	root := os.Geteuid() == 0
	if _, err := Extract(tmp, gz, ExtractOptions{Overlay: root, AllowDevices: root}); err != nil {
		return fmt.Errorf("unpack layer %s: %w", shortHex(l.DiffID.Hex), err)
	}
	return s.installLayer(tmp, l.DiffID)
}
