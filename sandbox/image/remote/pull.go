package remote

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"runtime"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	ggcr "github.com/google/go-containerregistry/pkg/v1/remote"
	"golang.org/x/sync/errgroup"

	"github.com/dockling/dockling/sandbox/image"
)

// Options are shared by Pull, Push, Login and Search.
type Options struct {
	Out      io.Writer       // progress and status lines; nil prints nothing
	TTY      bool            // Out is a terminal: draw progress bars
	Config   *Config         // nil: LoadConfig()
	Keychain authn.Keychain  // nil: docker's config.json ($DOCKER_CONFIG or ~/.docker)
	Context  context.Context // nil: context.Background()
	Platform *v1.Platform    // nil: linux/GOARCH, picked from multi-arch images
}

// fill sets defaults for what the caller left out.
func (o *Options) fill() error {
	if o.Config == nil {
		c, err := LoadConfig()
		if err != nil {
			return err
		}
		o.Config = c
	}
	if o.Keychain == nil {
		o.Keychain = authn.DefaultKeychain
	}
	if o.Context == nil {
		o.Context = context.Background()
	}
	if o.Platform == nil {
		o.Platform = &v1.Platform{OS: "linux", Architecture: runtime.GOARCH}
	}
	return nil
}

// ggcrOptions are go-containerregistry's options for these Options. The
// short retry keeps "registry unreachable" quick to report.
func (o *Options) ggcrOptions() []ggcr.Option {
	return []ggcr.Option{
		ggcr.WithAuthFromKeychain(o.Keychain),
		ggcr.WithContext(o.Context),
		ggcr.WithPlatform(*o.Platform),
		ggcr.WithUserAgent("dockling"),
		ggcr.WithRetryBackoff(ggcr.Backoff{Duration: 0.2e9, Factor: 2, Steps: 2}),
	}
}

// pullJobs is how many layers download at once (docker's default is 3).
const pullJobs = 3

// Pull fetches ref (Docker Hub by default, through registry-mirrors if
// configured) into the store: each layer's blob is verified, stored and
// unpacked once by the store's safe extractor; layers the store already
// has are not downloaded. Then the manifest and config are stored as the
// registry sent them and the local name points at them.
func Pull(store *image.Store, ref string, opts Options) (*image.Image, error) {
	if err := opts.fill(); err != nil {
		return nil, err
	}
	r, err := parseRef(ref, opts.Config)
	if err != nil {
		return nil, err
	}
	desc, src, err := fetchDescriptor(r, &opts)
	if err != nil {
		return nil, err
	}
	img, err := desc.Image() // a multi-arch index resolves to linux/GOARCH here
	if err != nil {
		return nil, friendly(err, fmt.Sprintf("image %q for %s/%s", ref, opts.Platform.OS, opts.Platform.Architecture), src.Context().RegistryStr())
	}
	p := newProgress(opts.Out, opts.TTY)
	p.printf("%s: Pulling from %s", r.Identifier(), r.Context().RepositoryStr())
	manifestJSON, configJSON, layers, err := readImage(img)
	if err != nil {
		return nil, friendly(err, fmt.Sprintf("image %q", ref), src.Context().RegistryStr())
	}
	if err := pullLayers(store, img, layers, p, src.Context().RegistryStr()); err != nil {
		return nil, err
	}
	local := localName(r)
	upToDate := false
	if old, err := store.Stored(local); err == nil {
		h, _, _ := v1.SHA256(bytes.NewReader(manifestJSON))
		oldH, _, _ := v1.SHA256(bytes.NewReader(old.ManifestJSON))
		upToDate = h == oldH
	}
	repo, _ := image.SplitRef(local)
	out, err := store.AddImage(local, "pulled", repo+"@"+desc.Digest.String(), manifestJSON, configJSON)
	if err != nil {
		return nil, err
	}
	p.printf("Digest: %s", desc.Digest)
	if upToDate {
		p.printf("Status: Image is up to date for %s", local)
	} else {
		p.printf("Status: Downloaded newer image for %s", local)
	}
	p.printf("%s", r.Name())
	return out, nil
}

// fetchDescriptor asks each mirror, then the registry itself. It returns
// the reference that answered.
func fetchDescriptor(r name.Reference, opts *Options) (*ggcr.Descriptor, name.Reference, error) {
	for _, m := range mirrorRefs(r, opts.Config) {
		if d, err := ggcr.Get(m, opts.ggcrOptions()...); err == nil {
			return d, m, nil
		}
	}
	d, err := ggcr.Get(r, opts.ggcrOptions()...)
	if err != nil {
		return nil, nil, friendly(err, fmt.Sprintf("image %q", localName(r)), r.Context().RegistryStr())
	}
	return d, r, nil
}

// pulledLayer is one layer as the manifest and config describe it.
type pulledLayer struct {
	desc   v1.Descriptor
	diffID v1.Hash
}

func readImage(img v1.Image) ([]byte, []byte, []pulledLayer, error) {
	manifestJSON, err := img.RawManifest()
	if err != nil {
		return nil, nil, nil, err
	}
	configJSON, err := img.RawConfigFile()
	if err != nil {
		return nil, nil, nil, err
	}
	var m v1.Manifest
	if err := json.Unmarshal(manifestJSON, &m); err != nil {
		return nil, nil, nil, fmt.Errorf("decode manifest: %w", err)
	}
	var cfg v1.ConfigFile
	if err := json.Unmarshal(configJSON, &cfg); err != nil {
		return nil, nil, nil, fmt.Errorf("decode config: %w", err)
	}
	if len(m.Layers) != len(cfg.RootFS.DiffIDs) {
		return nil, nil, nil, fmt.Errorf("manifest has %d layers but config has %d diffids", len(m.Layers), len(cfg.RootFS.DiffIDs))
	}
	var layers []pulledLayer
	for i, l := range m.Layers {
		layers = append(layers, pulledLayer{desc: l, diffID: cfg.RootFS.DiffIDs[i]})
	}
	return manifestJSON, configJSON, layers, nil
}

// pullLayers downloads and unpacks the layers the store lacks, a few at once.
func pullLayers(store *image.Store, img v1.Image, layers []pulledLayer, p *progress, registry string) error {
	var g errgroup.Group
	g.SetLimit(pullJobs)
	seen := map[v1.Hash]bool{}
	for _, l := range layers {
		if seen[l.desc.Digest] {
			continue // the same layer twice (empty layers often are): fetch it once
		}
		seen[l.desc.Digest] = true
		id := short(l.desc.Digest)
		if store.HasLayer(l.diffID) && store.HasBlob(l.desc.Digest) {
			p.add(id, "Already exists")
			if !p.tty {
				p.done(id, "Already exists")
			}
			continue
		}
		p.add(id, "Waiting")
		g.Go(func() error {
			if err := pullLayer(store, img, l, p); err != nil {
				return friendly(err, "layer "+id, registry)
			}
			p.done(id, "Pull complete")
			return nil
		})
	}
	return g.Wait()
}

func pullLayer(store *image.Store, img v1.Image, l pulledLayer, p *progress) error {
	id := short(l.desc.Digest)
	layer, err := img.LayerByDigest(l.desc.Digest)
	if err != nil {
		return err
	}
	rc, err := layer.Compressed()
	if err != nil {
		return err
	}
	defer rc.Close()
	counted := &countingReader{r: rc, total: l.desc.Size, on: func(n, total int64) { p.bytes(id, "Downloading", n, total) }}
	_, err = store.ImportLayer(counted, l.desc, l.diffID)
	return err
}

// short is the 12-digit digest docker prints per layer.
func short(h v1.Hash) string {
	if len(h.Hex) > 12 {
		return h.Hex[:12]
	}
	return h.Hex
}
