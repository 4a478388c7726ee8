package image

import (
	"fmt"
	"strings"
)

// Tag gives the image src another name dst, like `docker tag`: one more
// index entry pointing at the same manifest, no data copied. If dst named
// another image before, that image keeps its other names (or none).
func (s *Store) Tag(src, dst string) error {
	dstRef := NormalizeRef(dst)
	if err := checkRefSyntax(dstRef); err != nil {
		return err
	}
	l, err := s.lock()
	if err != nil {
		return err
	}
	defer l.Unlock()
	desc, err := s.findDescriptor(src)
	if err != nil {
		return err
	}
	desc.Annotations = copyAnnotations(desc.Annotations)
	return s.setRef(dstRef, desc)
}

// checkRefSyntax refuses names docker would refuse, with the rule in the
// message: lower case repository, tag of letters, digits, "_", "." and "-".
func checkRefSyntax(ref string) error {
	if ref == "" {
		return fmt.Errorf("empty image name; use a name like %q", "myimage:1.0")
	}
	if strings.Contains(ref, "@") {
		return fmt.Errorf("invalid name %q: cannot tag with a digest; use a name like %q", ref, "myimage:1.0")
	}
	repo, tag := splitRef(ref)
	if repo == "" || strings.ToLower(repo) != repo || strings.ContainsAny(repo, " \t") || strings.HasSuffix(repo, "/") {
		return fmt.Errorf("invalid reference format %q: repository name must be lowercase", ref)
	}
	if tag == "" || len(tag) > 128 || strings.Trim(tag, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") != "" || tag[0] == '.' || tag[0] == '-' {
		return fmt.Errorf("invalid tag in %q: use letters, digits, \"_\", \".\" and \"-\" (at most 128)", ref)
	}
	return nil
}

// splitRef splits a normalized reference into repository and tag (or
// digest, after "@"). The tag is "" when there is neither.
func splitRef(ref string) (repo, tag string) {
	if i := strings.Index(ref, "@"); i >= 0 {
		return ref[:i], ref[i+1:]
	}
	slash := strings.LastIndex(ref, "/")
	if i := strings.LastIndex(ref, ":"); i > slash {
		return ref[:i], ref[i+1:]
	}
	return ref, ""
}

// SplitRef is splitRef for callers outside the package (`dockling images`
// prints REPOSITORY and TAG; a digest reference has TAG "<none>").
func SplitRef(ref string) (repo, tag string) {
	repo, tag = splitRef(ref)
	if tag == "" || strings.HasPrefix(tag, "sha256:") {
		tag = "<none>"
	}
	return repo, tag
}

func copyAnnotations(a map[string]string) map[string]string {
	out := make(map[string]string, len(a))
	for k, v := range a {
		out[k] = v
	}
	return out
}
