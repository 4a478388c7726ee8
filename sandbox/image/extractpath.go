package image

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// A layer tar comes from whoever made the image, so every name in it is
// hostile until checked. The classic attacks, all refused here:
//
//	../../etc/cron.d/x          climbs out with ".."
//	/etc/cron.d/x               an absolute name
//	evil -> /etc   then  evil/cron.d/x
//	                            a symlink in the layer, then a write "through" it
//	hard -> /etc/shadow         a hard link to a file outside the layer
//
// Our rules are stricter than docker's and easy to state:
//   - a name may start with "./" but not "/" (docker strips a leading "/";
//     we refuse it, because no tool that builds layers writes one, so
//     seeing one means the tar was made by hand or by an attacker);
//   - no ".." component, anywhere, even where it would stay inside;
//   - every parent of an entry must be a real directory of this layer, not
//     a symlink, even one pointing inside (layer builders write real paths;
//     a symlink is followed only later, inside the container's own root).

// cleanEntryName checks a tar name and returns it relative to the layer
// root, with "./" and trailing "/" removed. "" means the root itself.
func cleanEntryName(name string) (string, error) {
	if strings.HasPrefix(name, "/") {
		return "", fmt.Errorf("entry %q has an absolute name", name)
	}
	if strings.ContainsRune(name, 0) {
		return "", fmt.Errorf("entry %q has a NUL byte in its name", name)
	}
	var parts []string
	for _, p := range strings.Split(name, "/") {
		switch p {
		case "", ".":
			continue // "a//b", "./a", "a/": harmless spellings
		case "..":
			return "", fmt.Errorf("entry %q climbs out of the layer with \"..\"", name)
		}
		parts = append(parts, p)
	}
	return strings.Join(parts, "/"), nil
}

// safeParents makes sure every directory above rel exists inside root as a
// real directory, creating missing ones (tars may omit them), and refuses a
// symlink or a non-directory on the way. known caches directories already
// checked during this extraction, so a deep tree costs one Lstat per new
// directory, not one per component per entry.
func safeParents(root, rel string, known map[string]bool) error {
	dir := filepath.Dir(rel)
	if dir == "." || known[dir] {
		return nil
	}
	cur := ""
	for _, part := range strings.Split(dir, "/") {
		cur = filepath.Join(cur, part)
		if known[cur] {
			continue
		}
		p := filepath.Join(root, cur)
		fi, err := os.Lstat(p)
		switch {
		case os.IsNotExist(err):
			if err := os.Mkdir(p, 0o755); err != nil {
				return fmt.Errorf("create parent %s: %w", cur, err)
			}
		case err != nil:
			return fmt.Errorf("check parent %s: %w", cur, err)
		case fi.Mode()&os.ModeSymlink != 0:
			return fmt.Errorf("entry %q would be written through the symlink %q", rel, cur)
		case !fi.IsDir():
			return fmt.Errorf("entry %q has a parent %q that is not a directory", rel, cur)
		}
		known[cur] = true
	}
	return nil
}

// forget drops rel and everything below it from the cache of checked
// directories: rel is about to be replaced, perhaps by a symlink, and a
// stale entry would let a later write go through that symlink.
func forget(known map[string]bool, rel string) {
	if !known[rel] {
		return // only a cached directory can have cached children
	}
	prefix := rel + "/"
	for k := range known {
		if k == rel || strings.HasPrefix(k, prefix) {
			delete(known, k)
		}
	}
}
