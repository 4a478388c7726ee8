package fsutil

import (
	"encoding/binary"
	"path/filepath"
	"testing"

	"golang.org/x/sys/unix"
)

// dirent builds one linux_dirent64 record, padded to 8 bytes like the kernel.
func dirent(name string, typ uint8) []byte {
	reclen := (19 + len(name) + 1 + 7) &^ 7
	b := make([]byte, reclen)
	binary.NativeEndian.PutUint64(b[0:], 42)
	binary.NativeEndian.PutUint16(b[16:], uint16(reclen))
	b[18] = typ
	copy(b[19:], name)
	return b
}

func TestParseDirents(t *testing.T) {
	buf := append(dirent(".", unix.DT_DIR), dirent("dtype-probe", unix.DT_REG)...)
	buf = append(buf, dirent("old-xfs-file", unix.DT_UNKNOWN)...)
	got, err := ParseDirents(buf)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]uint8{".": unix.DT_DIR, "dtype-probe": unix.DT_REG, "old-xfs-file": unix.DT_UNKNOWN}
	for name, typ := range want {
		if got[name] != typ {
			t.Errorf("%s: type %d, want %d", name, got[name], typ)
		}
	}
	if _, err := ParseDirents(buf[:10]); err == nil {
		t.Error("a cut record parsed without error")
	}
}

// TestDirentTypesOnTempDir runs the real getdents probe. Every filesystem a
// test directory lives on today (ext4, tmpfs, btrfs, xfs with ftype=1)
// reports d_type, and the probe must leave nothing behind.
func TestDirentTypesOnTempDir(t *testing.T) {
	dir := t.TempDir()
	ok, err := DirentTypesWork(dir)
	if err != nil || !ok {
		t.Fatalf("DirentTypesWork(%s) = %v, %v; want true", dir, ok, err)
	}
	left, _ := filepath.Glob(filepath.Join(dir, "*"))
	if left2, _ := filepath.Glob(filepath.Join(dir, ".*")); len(left)+len(left2) > 0 {
		t.Errorf("probe left files behind: %v %v", left, left2)
	}
}
