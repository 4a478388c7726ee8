package image

import (
	"fmt"
	"strings"

	v1 "github.com/google/go-containerregistry/pkg/v1"
)

// HostboxRef is the built-in image, made from this host's own binaries.
const HostboxRef = "hostbox:latest"

// NotFoundError means no local image has that name. A caller that can pull
// (a later issue) tests for it with errors.As and pulls instead of failing.
type NotFoundError struct{ Name string }

func (e *NotFoundError) Error() string {
	return fmt.Sprintf("image %q not found locally; run %q or use %q", e.Name, "dockling pull "+e.Name, "hostbox")
}

// NormalizeRef adds the default tag, as docker does: "hostbox" ->
// "hostbox:latest". A tag or digest already present is kept; a colon before
// the last "/" belongs to a registry port ("localhost:5000/x"), not a tag.
// Docker Hub's long spellings are shortened the way docker shows them:
// "docker.io/library/alpine" and "library/alpine" are both "alpine:latest".
func NormalizeRef(name string) string {
	name = strings.TrimSpace(name)
	for _, hub := range []string{"docker.io/", "index.docker.io/", "registry-1.docker.io/"} {
		name = strings.TrimPrefix(name, hub)
	}
	name = strings.TrimPrefix(name, "library/")
	if name == "" || strings.Contains(name, "@") {
		return name
	}
	last := name[strings.LastIndex(name, "/")+1:]
	if strings.Contains(last, ":") {
		return name
	}
	return name + ":latest"
}

// Resolve finds an image by name ("hostbox", "hostbox:latest") or by ID
// ("sha256:<hex>" or a unique prefix of the hex, as `docker images` shows).
// The built-in hostbox is built on first use.
func (s *Store) Resolve(name string) (*Image, error) {
	ref := NormalizeRef(name)
	if ref == "" {
		return nil, fmt.Errorf("empty image name; try %q", "hostbox")
	}
	idx, err := s.readIndex()
	if err != nil {
		return nil, err
	}
	if d, ok := findRef(idx, ref); ok {
		return s.loadImage(d)
	}
	if d, ok, err := findID(idx, name); err != nil {
		return nil, err
	} else if ok {
		return s.loadImage(d)
	}
	if ref != HostboxRef {
		return nil, &NotFoundError{Name: name}
	}
	return s.buildHostboxOnce()
}

// buildHostboxOnce builds hostbox unless another goroutine or process
// already has. Whoever gets the lock second finds the image and uses it.
func (s *Store) buildHostboxOnce() (*Image, error) {
	l, err := s.lock()
	if err != nil {
		return nil, err
	}
	defer l.Unlock()
	idx, err := s.readIndex()
	if err != nil {
		return nil, err
	}
	if d, ok := findRef(idx, HostboxRef); ok {
		return s.loadImage(d)
	}
	return s.buildHostbox(HostboxRef)
}

// findID matches name against image IDs: the full "sha256:<hex>", the bare
// hex, or a prefix of it. An ambiguous prefix is an error, not a guess.
func findID(idx *v1.IndexManifest, name string) (v1.Descriptor, bool, error) {
	hexPart := strings.TrimPrefix(name, "sha256:")
	if len(hexPart) < 4 || strings.Trim(hexPart, "0123456789abcdef") != "" {
		return v1.Descriptor{}, false, nil
	}
	var found []v1.Descriptor
	seen := map[string]bool{}
	for _, d := range idx.Manifests {
		// The image ID is the config digest, which lives in the manifest;
		// the index only has the manifest digest. Both are checked so a
		// user can paste either.
		id := d.Annotations[AnnotationImageID]
		if strings.HasPrefix(strings.TrimPrefix(id, "sha256:"), hexPart) || strings.HasPrefix(d.Digest.Hex, hexPart) {
			if !seen[d.Digest.Hex] {
				seen[d.Digest.Hex] = true
				found = append(found, d)
			}
		}
	}
	switch len(found) {
	case 0:
		return v1.Descriptor{}, false, nil
	case 1:
		return found[0], true, nil
	default:
		return v1.Descriptor{}, false, fmt.Errorf("image ID %q matches %d images; give more digits", name, len(found))
	}
}
