package fsutil

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"golang.org/x/sys/unix"
)

// probeName is the file DirentTypesWork creates and looks for.
const probeName = "dtype-probe"

// ErrNoProbeEntry means getdents did not return the file just created.
var ErrNoProbeEntry = errors.New("probe file not found by getdents")

// DirentTypesWork asks the filesystem
// the question overlayfs asks: when I list a directory, does each entry say
// whether it is a file or a directory? It makes a scratch directory in dir,
// puts one regular file in it and reads the entries with getdents64(2), the
// call behind readdir(3) and `ls`.
func DirentTypesWork(dir string) (bool, error) {
	scratch, err := os.MkdirTemp(dir, ".dockling-dtype-")
	if err != nil {
		return false, fmt.Errorf("make a scratch directory: %w", err)
	}
	defer os.RemoveAll(scratch)
	if err := os.WriteFile(filepath.Join(scratch, probeName), nil, 0o600); err != nil {
		return false, fmt.Errorf("make a probe file: %w", err)
	}

	fd, err := unix.Open(scratch, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return false, fmt.Errorf("open %s: %w", scratch, err)
	}
	defer unix.Close(fd)
	buf := make([]byte, 4096) // ".", ".." and the probe fit many times over
	n, err := unix.ReadDirent(fd, buf)
	if err != nil {
		return false, fmt.Errorf("getdents64 %s: %w", scratch, err)
	}
	types, err := ParseDirents(buf[:n])
	if err != nil {
		return false, err
	}
	t, ok := types[probeName]
	if !ok {
		return false, ErrNoProbeEntry
	}
	return t != unix.DT_UNKNOWN, nil
}

// ParseDirents decodes the records getdents64 fills the buffer with and maps
// each name to its d_type. Each record is a struct linux_dirent64:
//
//	offset  0: d_ino    uint64  inode number
//	offset  8: d_off    int64   where the next read continues
//	offset 16: d_reclen uint16  length of this record, padding included
//	offset 18: d_type   uint8   DT_REG, DT_DIR, ... or DT_UNKNOWN (0)
//	offset 19: d_name   NUL-terminated name
func ParseDirents(buf []byte) (map[string]uint8, error) {
	const nameOffset = 19
	out := map[string]uint8{}
	for len(buf) > 0 {
		if len(buf) < nameOffset {
			return nil, fmt.Errorf("getdents64: record header cut short (%d bytes left)", len(buf))
		}
		reclen := int(binary.NativeEndian.Uint16(buf[16:18]))
		if reclen < nameOffset || reclen > len(buf) {
			return nil, fmt.Errorf("getdents64: bad record length %d", reclen)
		}
		name := buf[nameOffset:reclen]
		if i := bytes.IndexByte(name, 0); i >= 0 {
			name = name[:i]
		}
		out[string(name)] = buf[18]
		buf = buf[reclen:]
	}
	return out, nil
}
