//go:build integration

package image

import (
	"archive/tar"
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/sys/unix"
)

// overlayWhiteout makes what overlayfs leaves in upper for a deleted file.
func overlayWhiteout(t *testing.T, path string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := unix.Mknod(path, unix.S_IFCHR, 0); err != nil {
		t.Fatal(err)
	}
}

// Two commits: the first adds /opt/old; the second's upper has overlayfs's
// marks for `rm /etc/hostname` and `rm -rf /opt; mkdir /opt; echo > /opt/new`
// (an opaque directory). The layer tar must say the same in OCI words, the
// unpacked layer must be overlay form again, and the image must show it.
func TestIntegrationCommitTranslatesWhiteouts(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Fatal("0/0 devices and trusted.* xattrs need root: run the integration tests as root")
	}
	s := newTestStore(t)
	base, err := s.Resolve("hostbox")
	if err != nil {
		t.Fatal(err)
	}
	first := t.TempDir()
	mustWrite(t, filepath.Join(first, "opt/old"), "old")
	one, err := s.CommitUpper(base.ID, first, CommitOptions{Ref: "step:1"})
	if err != nil {
		t.Fatal(err)
	}

	upper := t.TempDir()
	overlayWhiteout(t, filepath.Join(upper, "etc/hostname"))
	// overlayfs may make every whiteout a hard link to one shared device;
	// each name is still its own deletion, never a tar hard link.
	if err := os.Link(filepath.Join(upper, "etc/hostname"), filepath.Join(upper, "etc/hosts")); err != nil {
		t.Fatal(err)
	}
	mustWrite(t, filepath.Join(upper, "opt/new"), "new")
	if err := unix.Setxattr(filepath.Join(upper, "opt"), overlayOpaqueXattr, []byte("y"), 0); err != nil {
		t.Fatal(err)
	}
	two, err := s.CommitUpper(one.ID, upper, CommitOptions{Ref: "step:2"})
	if err != nil {
		t.Fatal(err)
	}
	st, err := s.Stored("step:2")
	if err != nil {
		t.Fatal(err)
	}
	entries := layerEntries(t, st, 2)
	for _, name := range []string{"etc/.wh.hostname", "etc/.wh.hosts", "opt/.wh..wh..opq", "opt/new"} {
		if hdr := entries[name]; hdr == nil || hdr.Typeflag != tar.TypeReg {
			t.Errorf("layer tar: %s missing or not a file: %+v (all: %v)", name, hdr, keys(entries))
		}
	}
	for _, name := range []string{"etc/hostname", "etc/hosts"} {
		if entries[name] != nil {
			t.Errorf("layer tar still has the device %s", name)
		}
	}

	top := two.Layers[2]
	var stat unix.Stat_t
	if err := unix.Lstat(filepath.Join(top, "etc/hostname"), &stat); err != nil || stat.Mode&unix.S_IFMT != unix.S_IFCHR || stat.Rdev != 0 {
		t.Errorf("unpacked layer: etc/hostname is not a 0/0 whiteout (%v, mode %o)", err, stat.Mode)
	}
	if !isOverlayOpaque(filepath.Join(top, "opt")) {
		t.Error("unpacked layer: opt is not marked opaque")
	}

	flat, err := s.FlatRootfs(two)
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(flat)
	for path, want := range map[string]bool{"etc/hostname": false, "etc/hosts": false, "etc/passwd": true, "opt/old": false, "opt/new": true} {
		if _, err := os.Lstat(filepath.Join(flat, path)); (err == nil) != want {
			t.Errorf("image step:2: %s present = %v, want %v", path, err == nil, want)
		}
	}
}
