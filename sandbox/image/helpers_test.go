package image

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// newTestStore opens a store in a temporary state root, with a dummy probe
// helper so that hostbox can be built without `make build`.
func newTestStore(t *testing.T) *Store {
	t.Helper()
	probe := filepath.Join(t.TempDir(), "probe")
	if err := os.WriteFile(probe, []byte("#!/bin/sh\necho probe\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("DOCKLING_PROBE", probe)
	s, err := Open(filepath.Join(t.TempDir(), "state"))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// resolveInRoot follows p inside root the way the kernel would after
// chroot(root): absolute symlink targets start again at root. It returns
// the path on the host of the file p ends at.
func resolveInRoot(root, p string) (string, error) {
	return resolveInRootDepth(root, p, 0)
}

func resolveInRootDepth(root, p string, links int) (string, error) {
	if links > maxSymlinks {
		return "", fmt.Errorf("%s: symlink loop", p)
	}
	parts := strings.Split(strings.Trim(filepath.Clean(p), "/"), "/")
	cur := "/"
	for i, name := range parts {
		if name == "" {
			continue
		}
		next := filepath.Join(cur, name)
		fi, err := os.Lstat(filepath.Join(root, next))
		if err != nil {
			return "", err
		}
		if fi.Mode()&os.ModeSymlink != 0 {
			target, err := os.Readlink(filepath.Join(root, next))
			if err != nil {
				return "", err
			}
			if !filepath.IsAbs(target) {
				target = filepath.Join(cur, target)
			}
			return resolveInRootDepth(root, filepath.Join(append([]string{target}, parts[i+1:]...)...), links+1)
		}
		cur = next
	}
	return filepath.Join(root, cur), nil
}

// mustWrite creates a file (and its parents) with the given content.
func mustWrite(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}
