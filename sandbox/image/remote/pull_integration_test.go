//go:build integration

package remote

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"
)

// As root, a pulled layer holds overlayfs's own whiteouts, and the proof
// is the kernel's: overlayfs stacks the three layers read-only (no upper
// dir) and the merged view has the deleted file gone and the opaque
// directory showing only the top layer's file.
func TestIntegrationPullMakesOverlayWhiteouts(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Fatal("integration tests run as root: mknod 0/0 and trusted.* xattrs need it")
	}
	host := startRegistry(t)
	ref := host + "/test/img:v1"
	pushTestImage(t, openStore(t), ref)
	img, err := Pull(openStore(t), ref, testOptions(nil))
	if err != nil {
		t.Fatal(err)
	}
	deleted := filepath.Join(img.Layers[1], "etc/hostname")
	var st syscall.Stat_t
	if err := syscall.Lstat(deleted, &st); err != nil {
		t.Fatalf("whiteout for etc/hostname: %v", err)
	}
	if st.Mode&syscall.S_IFMT != syscall.S_IFCHR || st.Rdev != 0 {
		t.Errorf("etc/hostname in layer 2: mode %o rdev %d, want a char device 0/0", st.Mode, st.Rdev)
	}
	buf := make([]byte, 8)
	n, err := unix.Getxattr(filepath.Join(img.Layers[2], "data"), "trusted.overlay.opaque", buf)
	if err != nil || string(buf[:n]) != "y" {
		t.Errorf("data in layer 3: trusted.overlay.opaque = %q, %v; want y", buf[:n], err)
	}
	for _, marker := range []string{"etc/.wh.hostname", "data/.wh..wh..opq"} {
		for _, l := range img.Layers {
			if _, err := os.Lstat(filepath.Join(l, marker)); err == nil {
				t.Errorf("marker %s left in %s; overlayfs would show it as a file", marker, l)
			}
		}
	}

	merged := t.TempDir()
	// lowerdir lists the top layer first.
	lower := strings.Join([]string{img.Layers[2], img.Layers[1], img.Layers[0]}, ":")
	if err := unix.Mount("overlay", merged, "overlay", unix.MS_RDONLY, "lowerdir="+lower); err != nil {
		t.Fatalf("mount overlay: %v", err)
	}
	defer unix.Unmount(merged, unix.MNT_DETACH)
	if _, err := os.Lstat(filepath.Join(merged, "etc/hostname")); !os.IsNotExist(err) {
		t.Errorf("overlay shows etc/hostname despite its whiteout: %v", err)
	}
	entries, _ := os.ReadDir(filepath.Join(merged, "data"))
	if len(entries) != 1 || entries[0].Name() != "c" {
		t.Errorf("overlay shows data = %v, want only c", entries)
	}
	if _, err := os.Stat(filepath.Join(merged, "etc/passwd")); err != nil {
		t.Errorf("overlay lost hostbox's etc/passwd: %v", err)
	}
}
