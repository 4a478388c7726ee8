package remote

import (
	"fmt"
	"io"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/partial"
	ggcr "github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/types"

	"github.com/dockling/dockling/sandbox/image"
)

// Push uploads a local image to the registry its name points at: docker's
// rule, so "dockling tag hostbox 127.0.0.1:5000/box" then "dockling push
// 127.0.0.1:5000/box". Layers go first, one by one (a layer the registry
// has is not sent again); the manifest last, so the tag never points at an
// incomplete image. The bytes sent are the stored ones: the registry sees
// the same digests and the same image ID as we do.
func Push(store *image.Store, ref string, opts Options) error {
	if err := opts.fill(); err != nil {
		return err
	}
	r, err := parseRef(ref, opts.Config)
	if err != nil {
		return err
	}
	st, err := store.Stored(localName(r))
	if err != nil {
		return err
	}
	img, err := partial.CompressedToImage(storedImage{st})
	if err != nil {
		return fmt.Errorf("push %s: %w", ref, err)
	}
	registry := r.Context().RegistryStr()
	p := newProgress(opts.Out, opts.TTY)
	p.printf("The push refers to repository [%s]", r.Context().Name())
	layers := st.Manifest.Layers
	for i := len(layers) - 1; i >= 0; i-- { // top layer first, as docker prints
		d := layers[i].Digest
		// One HEAD request: a layer the registry already holds (pushed
		// before, or shared with another image there) is not sent.
		if has, err := hasBlob(r.Context().Digest(d.String()), opts); err != nil {
			return friendly(err, fmt.Sprintf("push of %q", ref), registry)
		} else if has {
			p.done(short(d), "Layer already exists")
			continue
		}
		l, err := img.LayerByDigest(d)
		if err != nil {
			return fmt.Errorf("push %s: %w", ref, err)
		}
		if err := ggcr.WriteLayer(r.Context(), l, opts.ggcrOptions()...); err != nil {
			return friendly(err, fmt.Sprintf("push of %q", ref), registry)
		}
		p.done(short(d), "Pushed")
	}
	if err := ggcr.Write(r, img, opts.ggcrOptions()...); err != nil {
		return friendly(err, fmt.Sprintf("push of %q", ref), registry)
	}
	digest, err := img.Digest()
	if err != nil {
		return err
	}
	p.printf("%s: digest: %s size: %d", r.Identifier(), digest, len(st.ManifestJSON))
	repo, _ := image.SplitRef(localName(r))
	return store.SetRepoDigest(localName(r), repo+"@"+digest.String())
}

// hasBlob asks the registry whether the repository holds blob d.
func hasBlob(d name.Digest, opts Options) (bool, error) {
	l, err := ggcr.Layer(d, opts.ggcrOptions()...)
	if err != nil {
		return false, err
	}
	return partial.Exists(l)
}

// storedImage shows a stored image to go-containerregistry as a
// CompressedImageCore: raw manifest and config, layers by digest.
// partial.CompressedToImage fills in the rest of v1.Image from these.
type storedImage struct{ st *image.Stored }

func (s storedImage) RawConfigFile() ([]byte, error) { return s.st.ConfigJSON, nil }
func (s storedImage) RawManifest() ([]byte, error)   { return s.st.ManifestJSON, nil }

func (s storedImage) MediaType() (types.MediaType, error) {
	if s.st.Manifest.MediaType == "" {
		return types.OCIManifestSchema1, nil
	}
	return s.st.Manifest.MediaType, nil
}

func (s storedImage) LayerByDigest(h v1.Hash) (partial.CompressedLayer, error) {
	for _, l := range s.st.Manifest.Layers {
		if l.Digest == h {
			return storedLayer{st: s.st, desc: l}, nil
		}
	}
	return nil, fmt.Errorf("image %q has no layer %s", s.st.Ref, h)
}

// storedLayer is one compressed layer blob of a stored image.
type storedLayer struct {
	st   *image.Stored
	desc v1.Descriptor
}

func (l storedLayer) Digest() (v1.Hash, error)            { return l.desc.Digest, nil }
func (l storedLayer) Size() (int64, error)                { return l.desc.Size, nil }
func (l storedLayer) MediaType() (types.MediaType, error) { return l.desc.MediaType, nil }
func (l storedLayer) Compressed() (io.ReadCloser, error)  { return l.st.OpenLayer(l.desc.Digest) }
