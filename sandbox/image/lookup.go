package image

import (
	v1 "github.com/google/go-containerregistry/pkg/v1"
)

// findDescriptor finds the index entry for a name or an ID, like Resolve
// but without building hostbox and without loading the image.
func (s *Store) findDescriptor(name string) (v1.Descriptor, error) {
	idx, err := s.readIndex()
	if err != nil {
		return v1.Descriptor{}, err
	}
	return findInIndex(idx, name)
}

func findInIndex(idx *v1.IndexManifest, name string) (v1.Descriptor, error) {
	if d, ok := findRef(idx, NormalizeRef(name)); ok {
		return d, nil
	}
	d, ok, err := findID(idx, name)
	if err != nil {
		return v1.Descriptor{}, err
	}
	if !ok {
		return v1.Descriptor{}, &NotFoundError{Name: name}
	}
	return d, nil
}

// refsOf lists the names in idx that point at the same image as desc.
func refsOf(idx *v1.IndexManifest, desc v1.Descriptor) []string {
	var refs []string
	for _, d := range idx.Manifests {
		if d.Digest == desc.Digest {
			refs = append(refs, d.Annotations[AnnotationRefName])
		}
	}
	return refs
}
