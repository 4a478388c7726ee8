package image

import (
	"fmt"
	"os"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/types"

	"github.com/dockling/dockling/sandbox/fsutil"
)

// Annotations on the manifest descriptors in index.json.
const (
	// AnnotationRefName is the OCI standard key for the image's name. We store
	// the full reference ("hostbox:latest"), as containerd and skopeo do.
	AnnotationRefName = "org.opencontainers.image.ref.name"
	// AnnotationSource says where an image came from ("built-in", later
	// "pulled", "loaded", "committed"); `dockling images` can show it.
	AnnotationSource = "io.dockling.image.source"
	// AnnotationSize is the unpacked size of all layers in bytes, so that
	// listing images does not have to walk every layer directory.
	AnnotationSize = "io.dockling.image.size"
	// AnnotationImageID repeats the config digest (the image ID) so that
	// `dockling run <id>` can find an image without opening every manifest.
	AnnotationImageID = "io.dockling.image.id"
	// AnnotationRepoDigest is "repo@sha256:..." for a name that was
	// pulled from or pushed to a registry: the digest the registry knows
	// the image by (for a multi-platform image, its index's), which
	// `docker pull repo@digest` fetches again. docker's RepoDigests.
	AnnotationRepoDigest = "io.dockling.image.repo-digest"
)

func emptyIndex() *v1.IndexManifest {
	return &v1.IndexManifest{SchemaVersion: 2, MediaType: types.OCIImageIndex, Manifests: []v1.Descriptor{}}
}

// readIndex reads index.json. It needs no lock: writers replace the file
// atomically, so a reader always sees a whole index.
func (s *Store) readIndex() (*v1.IndexManifest, error) {
	idx := emptyIndex()
	if err := fsutil.ReadJSON(s.indexPath(), idx); err != nil {
		if os.IsNotExist(err) {
			return emptyIndex(), nil
		}
		return nil, fmt.Errorf("read image index: %w", err)
	}
	return idx, nil
}

// writeIndex replaces index.json atomically. Callers hold s.lock().
func (s *Store) writeIndex(idx *v1.IndexManifest) error {
	if err := fsutil.WriteJSON(s.indexPath(), idx); err != nil {
		return fmt.Errorf("write image index: %w", err)
	}
	return nil
}

// findRef returns the index entry whose ref annotation is ref.
func findRef(idx *v1.IndexManifest, ref string) (v1.Descriptor, bool) {
	for _, d := range idx.Manifests {
		if d.Annotations[AnnotationRefName] == ref {
			return d, true
		}
	}
	return v1.Descriptor{}, false
}

// setRef points ref at desc, replacing any entry that had the same ref: like
// `docker tag`, a name moves to the new image and the old image stays.
// Callers hold s.lock().
func (s *Store) setRef(ref string, desc v1.Descriptor) error {
	idx, err := s.readIndex()
	if err != nil {
		return err
	}
	if desc.Annotations == nil {
		desc.Annotations = map[string]string{}
	}
	desc.Annotations[AnnotationRefName] = ref
	kept := idx.Manifests[:0]
	for _, d := range idx.Manifests {
		if d.Annotations[AnnotationRefName] != ref {
			kept = append(kept, d)
		}
	}
	idx.Manifests = append(kept, desc)
	return s.writeIndex(idx)
}
