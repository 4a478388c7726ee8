package image

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"syscall"

	"golang.org/x/sys/unix"
)

// copier copies single entries from a layer into a flat root filesystem,
// keeping type, mode, owner and mtime. It is a real copy, never a hard link
// to the layer: a container writing to its flat rootfs must not change the
// layer that other images and containers share.
type copier struct {
	// links remembers files that have several names in the source (st_nlink
	// > 1), so the copy has several names for one copy too, as `cp -a` does.
	links  map[fileKey]string
	asRoot bool // only root may chown and mknod
}

type fileKey struct{ dev, ino uint64 }

func newCopier() *copier {
	return &copier{links: map[fileKey]string{}, asRoot: os.Geteuid() == 0}
}

// copyEntry makes dst a copy of src (not following symlinks). Whatever is
// at dst is replaced, except that a directory over a directory merges:
// that is how an upper layer adds files to a lower layer's directory.
func (c *copier) copyEntry(src, dst string, fi fs.FileInfo) error {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return fmt.Errorf("copy %s: no stat information", src)
	}
	if old, err := os.Lstat(dst); err == nil && !(old.IsDir() && fi.IsDir()) {
		// A symlink left by a lower layer must go before we write: writing
		// through it could land outside the rootfs.
		if err := os.RemoveAll(dst); err != nil {
			return fmt.Errorf("replace %s: %w", dst, err)
		}
	}
	mode := fi.Mode()
	var err error
	switch {
	case mode.IsDir():
		err = os.Mkdir(dst, 0o700)
		if os.IsExist(err) {
			err = nil
		}
	case mode.IsRegular():
		err = c.copyFileOrLink(src, dst, st)
	case mode&fs.ModeSymlink != 0:
		var target string
		if target, err = os.Readlink(src); err == nil {
			err = os.Symlink(target, dst)
		}
	case mode&fs.ModeNamedPipe != 0:
		err = unix.Mkfifo(dst, 0o600)
	case mode&fs.ModeDevice != 0:
		err = unix.Mknod(dst, st.Mode, int(st.Rdev))
	case mode&fs.ModeSocket != 0:
		return nil // a socket is only meaningful to the process that bound it
	default:
		return fmt.Errorf("copy %s: unsupported file type %s", src, mode.Type())
	}
	if err != nil {
		return fmt.Errorf("copy %s: %w", src, err)
	}
	return c.copyMetadata(dst, fi, st)
}

func (c *copier) copyFileOrLink(src, dst string, st *syscall.Stat_t) error {
	key := fileKey{uint64(st.Dev), st.Ino}
	if st.Nlink > 1 {
		if first, ok := c.links[key]; ok {
			if err := os.Link(first, dst); err == nil {
				return nil
			} // the first name may have been whited out since: copy instead
		}
		c.links[key] = dst
	}
	return copyRegular(src, dst, 0o600)
}

// copyMetadata sets owner, then mode (chown clears set-uid bits), then the
// modification time.
func (c *copier) copyMetadata(dst string, fi fs.FileInfo, st *syscall.Stat_t) error {
	if c.asRoot {
		if err := os.Lchown(dst, int(st.Uid), int(st.Gid)); err != nil {
			return fmt.Errorf("chown %s: %w", dst, err)
		}
	}
	if fi.Mode()&fs.ModeSymlink == 0 {
		if err := os.Chmod(dst, fi.Mode()&(fs.ModePerm|fs.ModeSetuid|fs.ModeSetgid|fs.ModeSticky)); err != nil {
			return fmt.Errorf("chmod %s: %w", dst, err)
		}
	}
	if fi.IsDir() {
		return nil // adding children would change it again; not worth a second pass
	}
	ts := []unix.Timespec{unix.NsecToTimespec(fi.ModTime().UnixNano()), unix.NsecToTimespec(fi.ModTime().UnixNano())}
	if err := unix.UtimesNanoAt(unix.AT_FDCWD, dst, ts, unix.AT_SYMLINK_NOFOLLOW); err != nil {
		return fmt.Errorf("set mtime of %s: %w", dst, err)
	}
	return nil
}

func isNotEmpty(err error) bool { return errors.Is(err, syscall.ENOTEMPTY) }
