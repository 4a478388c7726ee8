package remote

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/google/go-containerregistry/pkg/name"

	"github.com/dockling/dockling/sandbox/image"
)

// parseRef parses NAME[:TAG|@DIGEST] the way docker does (no registry
// means Docker Hub, one path element means library/) and marks the
// registry insecure if the config says so.
func parseRef(ref string, cfg *Config) (name.Reference, error) {
	r, err := name.ParseReference(ref)
	if err != nil {
		return nil, fmt.Errorf("invalid reference format %q; use NAME[:TAG] or NAME@sha256:DIGEST with a lowercase NAME", ref)
	}
	if cfg.isInsecure(r.Context().RegistryStr()) {
		r, err = name.ParseReference(ref, name.Insecure)
		if err != nil {
			return nil, fmt.Errorf("invalid reference format %q", ref)
		}
	}
	return r, nil
}

// localName is how docker shows a reference: "alpine:latest" for Docker
// Hub's library images, "user/app:1" for other Hub images, and the full
// "host:port/repo:tag" for any other registry.
func localName(r name.Reference) string {
	repo := r.Context().RepositoryStr()
	if reg := r.Context().RegistryStr(); reg != name.DefaultRegistry {
		repo = reg + "/" + repo
	}
	sep := ":"
	if _, ok := r.(name.Digest); ok {
		sep = "@"
	}
	return image.NormalizeRef(repo + sep + r.Identifier())
}

// mirrorRefs returns r rewritten for each configured mirror, in order.
// Only Docker Hub images are mirrored, as in docker.
func mirrorRefs(r name.Reference, cfg *Config) []name.Reference {
	if cfg == nil || r.Context().RegistryStr() != name.DefaultRegistry {
		return nil
	}
	var out []name.Reference
	for _, m := range cfg.RegistryMirrors {
		u, err := url.Parse(m)
		if err != nil || u.Host == "" {
			continue // a bad entry is skipped; Docker Hub is still tried
		}
		var opts []name.Option
		if u.Scheme == "http" {
			opts = append(opts, name.Insecure)
		}
		sep := ":"
		if _, ok := r.(name.Digest); ok {
			sep = "@"
		}
		s := u.Host + "/" + strings.TrimPrefix(u.Path+"/", "/") + r.Context().RepositoryStr() + sep + r.Identifier()
		if mr, err := name.ParseReference(s, opts...); err == nil {
			out = append(out, mr)
		}
	}
	return out
}
