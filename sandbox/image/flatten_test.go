package image

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// twoLayerImage builds a synthetic image whose upper layer deletes,
// replaces and adds files in the lower one. outside is a directory that a
// lower-layer symlink points at; flattening must never touch it.
func twoLayerImage(t *testing.T, outside string) *Image {
	t.Helper()
	lower, upper := t.TempDir(), t.TempDir()
	mustWrite(t, filepath.Join(lower, "etc/deleted"), "old")
	mustWrite(t, filepath.Join(lower, "etc/kept"), "kept")
	mustWrite(t, filepath.Join(lower, "etc/replaced"), "lower")
	mustWrite(t, filepath.Join(lower, "opaque/gone"), "gone")
	mustWrite(t, filepath.Join(lower, "opaque/sub/gone-too"), "gone")
	mustWrite(t, filepath.Join(lower, "dir-becomes-file/x"), "x")
	mustWrite(t, filepath.Join(lower, "whole-dir/x"), "x")
	if err := os.Chmod(filepath.Join(lower, "etc/kept"), 0o755|os.ModeSetuid); err != nil {
		t.Fatal(err)
	}
	for link, target := range map[string]string{"link": "etc/kept", "escape": outside} {
		if err := os.Symlink(target, filepath.Join(lower, link)); err != nil {
			t.Fatal(err)
		}
	}

	mustWrite(t, filepath.Join(upper, "etc/.wh.deleted"), "")
	mustWrite(t, filepath.Join(upper, "etc/replaced"), "upper")
	mustWrite(t, filepath.Join(upper, "etc/added"), "new")
	mustWrite(t, filepath.Join(upper, "opaque/.wh..wh..opq"), "")
	mustWrite(t, filepath.Join(upper, "opaque/fresh"), "fresh")
	mustWrite(t, filepath.Join(upper, "dir-becomes-file"), "now a file")
	mustWrite(t, filepath.Join(upper, ".wh.whole-dir"), "")
	// A directory where the lower layer had a symlink to outside: its
	// whiteout and file must land in the rootfs, not through the link.
	mustWrite(t, filepath.Join(upper, "escape/.wh.victim"), "")
	mustWrite(t, filepath.Join(upper, "escape/planted"), "planted")
	return &Image{
		Ref:    "synthetic:latest",
		ID:     "sha256:" + strings.Repeat("ab", 32),
		Layers: []string{lower, upper},
	}
}

func TestFlatRootfsAppliesWhiteouts(t *testing.T) {
	s := newTestStore(t)
	outside := t.TempDir()
	mustWrite(t, filepath.Join(outside, "victim"), "must survive")
	img := twoLayerImage(t, outside)

	flat, err := s.FlatRootfs(img)
	if err != nil {
		t.Fatal(err)
	}
	if flat != filepath.Join(s.flatDir(), strings.Repeat("ab", 32)) {
		t.Errorf("flat dir %s", flat)
	}
	want := map[string]string{ // path -> content; "" means must not exist
		"etc/deleted":         "",
		"etc/kept":            "kept",
		"etc/replaced":        "upper",
		"etc/added":           "new",
		"opaque/gone":         "",
		"opaque/sub":          "",
		"opaque/fresh":        "fresh",
		"dir-becomes-file":    "now a file",
		"whole-dir":           "",
		"escape/planted":      "planted",
		"etc/.wh.deleted":     "",
		"opaque/.wh..wh..opq": "",
		"escape/.wh.victim":   "",
		"link":                "kept", // read through the symlink
	}
	for p, content := range want {
		data, err := os.ReadFile(filepath.Join(flat, p))
		switch {
		case content == "" && !os.IsNotExist(err):
			if _, statErr := os.Lstat(filepath.Join(flat, p)); statErr == nil {
				t.Errorf("%s should be gone", p)
			}
		case content != "" && string(data) != content:
			t.Errorf("%s = %q (%v), want %q", p, data, err, content)
		}
	}
	if target, err := os.Readlink(filepath.Join(flat, "link")); err != nil || target != "etc/kept" {
		t.Errorf("symlink not preserved: %q %v", target, err)
	}
	if fi, err := os.Stat(filepath.Join(flat, "escape")); err != nil || !fi.IsDir() {
		t.Errorf("escape should now be a real directory: %v", err)
	}
	if fi, err := os.Stat(filepath.Join(flat, "etc/kept")); err != nil || fi.Mode()&os.ModeSetuid == 0 || fi.Mode().Perm() != 0o755 {
		t.Errorf("mode not preserved: %v %v", fi.Mode(), err)
	}
	// Nothing outside the rootfs was touched.
	if data, err := os.ReadFile(filepath.Join(outside, "victim")); err != nil || string(data) != "must survive" {
		t.Errorf("whiteout escaped the rootfs: %q %v", data, err)
	}
	if _, err := os.Lstat(filepath.Join(outside, "planted")); err == nil {
		t.Error("file written through a lower layer's symlink")
	}
}

// The flat copy is private: writing to it leaves the layer unchanged, and a
// second call reuses it instead of copying again.
func TestFlatRootfsIsACopyMadeOnce(t *testing.T) {
	s := newTestStore(t)
	img, err := s.Resolve("hostbox")
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	flat, err := s.FlatRootfs(img)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("flat copy of %d bytes in %v", img.Size, time.Since(start))
	if err := os.WriteFile(filepath.Join(flat, "etc/hostname"), []byte("changed\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if data, _ := os.ReadFile(filepath.Join(img.Layers[0], "etc/hostname")); string(data) != "hostbox\n" {
		t.Errorf("layer changed through the flat copy: %q", data)
	}
	again, err := s.FlatRootfs(img)
	if err != nil || again != flat {
		t.Fatalf("second FlatRootfs: %s %v", again, err)
	}
	if data, _ := os.ReadFile(filepath.Join(flat, "etc/hostname")); string(data) != "changed\n" {
		t.Error("second FlatRootfs rebuilt the copy")
	}
	if _, err := resolveInRoot(flat, "/bin/sh"); err != nil {
		t.Errorf("flat rootfs has no /bin/sh: %v", err)
	}
	if fi, err := os.Stat(flat); err != nil || fi.Mode().Perm() != 0o755 {
		t.Errorf("flat root mode: %v %v", fi, err)
	}
	leftovers, _ := filepath.Glob(filepath.Join(s.flatDir(), ".tmp-*"))
	if len(leftovers) != 0 {
		t.Errorf("temporary dirs left: %v", leftovers)
	}
}

func TestFlatRootfsRejectsBadID(t *testing.T) {
	s := newTestStore(t)
	if _, err := s.FlatRootfs(&Image{ID: "sha256:../../etc"}); err == nil {
		t.Error("a malformed ID was accepted as a directory name")
	}
}
