package image

import (
	"archive/tar"
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"golang.org/x/sys/unix"
)

// ExtractOptions say how a layer tar becomes a directory.
type ExtractOptions struct {
	// Overlay turns OCI whiteout files into what overlayfs reads: ".wh.NAME"
	// becomes a character device 0/0 named NAME, and ".wh..wh..opq" becomes
	// the xattr trusted.overlay.opaque=y on its directory. Both need root
	// (CAP_MKNOD, CAP_SYS_ADMIN). Without Overlay the whiteout files are kept
	// as they are in the tar; FlatRootfs understands both forms.
	Overlay bool
	// AllowDevices lets block and character devices through. Off by
	// default: a layer has no business creating /dev/sda for a container.
	AllowDevices bool
}

// ExtractStats is what one extraction did.
type ExtractStats struct {
	Entries int   // tar entries applied
	Size    int64 // bytes of regular-file content written
}

// Extract unpacks the uncompressed layer tar r into dir, which must exist
// and be empty (a fresh temporary directory: see Store.ImportLayer). It
// never writes outside dir, whatever r holds; the first bad entry stops it
// with an error and the caller throws dir away.
func Extract(dir string, r io.Reader, opts ExtractOptions) (ExtractStats, error) {
	x := &extractor{root: dir, opts: opts, known: map[string]bool{}, asRoot: os.Geteuid() == 0}
	// Buffered: tar reads each 512-byte header on its own, one read(2) per
	// file on an unbuffered *os.File. Reading ahead is harmless: whoever
	// hashes r hashes what we consume, and ImportLayer drains the rest.
	tr := tar.NewReader(bufio.NewReaderSize(r, 256<<10))
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return x.stats, fmt.Errorf("read layer tar: %w", err)
		}
		if err := x.entry(hdr, tr); err != nil {
			return x.stats, err
		}
		x.stats.Entries++
	}
	return x.stats, x.finishDirs()
}

type extractor struct {
	root   string
	opts   ExtractOptions
	known  map[string]bool // real directories checked so far (see safeParents)
	asRoot bool
	dirs   []dirTimes // directory mtimes, set last: adding children changes them
	stats  ExtractStats
}

type dirTimes struct {
	rel   string
	mtime time.Time
}

// entry applies one tar header (and its content, for a regular file).
func (x *extractor) entry(hdr *tar.Header, content io.Reader) error {
	rel, err := cleanEntryName(hdr.Name)
	if err != nil {
		return err
	}
	if rel == "" {
		return nil // "./" itself: the layer root is ours, not the tar's
	}
	if err := safeParents(x.root, rel, x.known); err != nil {
		return err
	}
	base := filepath.Base(rel)
	if strings.HasPrefix(base, whiteoutPrefix) {
		return x.whiteout(rel, base)
	}
	if err := x.clearFor(rel, hdr.Typeflag == tar.TypeDir); err != nil {
		return err
	}
	path := filepath.Join(x.root, rel)
	switch hdr.Typeflag {
	case tar.TypeDir:
		if err := os.Mkdir(path, 0o700); err != nil && !os.IsExist(err) {
			return fmt.Errorf("entry %q: %w", rel, err)
		}
		x.known[rel] = true
		x.dirs = append(x.dirs, dirTimes{rel, hdr.ModTime})
	case tar.TypeReg, tar.TypeRegA:
		if err := x.writeFile(path, rel, content); err != nil {
			return err
		}
	case tar.TypeSymlink:
		// Any target text is allowed: a symlink is only ever followed inside
		// the container's root, never by us (see safeParents).
		if err := os.Symlink(hdr.Linkname, path); err != nil {
			return fmt.Errorf("entry %q: %w", rel, err)
		}
	case tar.TypeLink:
		if err := x.hardlink(path, rel, hdr.Linkname); err != nil {
			return err
		}
	case tar.TypeFifo:
		if err := unix.Mkfifo(path, 0o600); err != nil {
			return fmt.Errorf("entry %q: %w", rel, err)
		}
	case tar.TypeChar, tar.TypeBlock:
		if !x.opts.AllowDevices {
			return fmt.Errorf("entry %q is a device node; layers may not create devices", rel)
		}
		mode := uint32(unix.S_IFCHR)
		if hdr.Typeflag == tar.TypeBlock {
			mode = unix.S_IFBLK
		}
		dev := unix.Mkdev(uint32(hdr.Devmajor), uint32(hdr.Devminor))
		if err := unix.Mknod(path, mode|0o600, int(dev)); err != nil {
			return fmt.Errorf("entry %q: %w", rel, err)
		}
	case tar.TypeXGlobalHeader:
		return nil // PAX metadata for the whole archive, not a file
	default:
		return fmt.Errorf("entry %q has unsupported tar type %q", rel, hdr.Typeflag)
	}
	return x.metadata(path, rel, hdr)
}

// clearFor removes whatever an earlier entry left at rel, as tar does: a
// later entry with the same name wins. A directory over a directory merges.
func (x *extractor) clearFor(rel string, isDir bool) error {
	path := filepath.Join(x.root, rel)
	fi, err := os.Lstat(path)
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("entry %q: %w", rel, err)
	}
	if isDir && fi.IsDir() {
		return nil
	}
	forget(x.known, rel)
	if err := os.RemoveAll(path); err != nil {
		return fmt.Errorf("entry %q: replace: %w", rel, err)
	}
	return nil
}

// writeFile creates a regular file. O_EXCL|O_NOFOLLOW: clearFor removed
// what was there, so anything found now is a surprise, not a target.
func (x *extractor) writeFile(path, rel string, content io.Reader) error {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY|unix.O_NOFOLLOW, 0o600)
	if err != nil {
		return fmt.Errorf("entry %q: %w", rel, err)
	}
	// A 1 MiB buffer: io.Copy's 32 KiB means 32 write(2)s per MiB, and
	// syscalls are most of an extraction's CPU time.
	buf := copyBufs.Get().(*[]byte)
	n, err := io.CopyBuffer(writerOnly{f}, content, *buf)
	copyBufs.Put(buf)
	x.stats.Size += n
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("entry %q: write: %w", rel, err)
	}
	return nil
}

var copyBufs = sync.Pool{New: func() any { b := make([]byte, 1<<20); return &b }}

// writerOnly hides os.File's ReadFrom, which would ignore our buffer.
type writerOnly struct{ io.Writer }

// hardlink links rel to an earlier entry of this layer. The target name
// obeys the same rules as any entry name, must already exist, and must be
// reached through real directories only; link(2) does not follow a final
// symlink, so linking to a symlink links the symlink itself.
func (x *extractor) hardlink(path, rel, linkname string) error {
	target, err := cleanEntryName(linkname)
	if err != nil {
		return fmt.Errorf("hard link %q: target: %w", rel, err)
	}
	if target == "" {
		return fmt.Errorf("hard link %q points at the layer root", rel)
	}
	if !isRealDirUnder(x.root, filepath.Dir(target)) {
		return fmt.Errorf("hard link %q: target %q is not inside the layer", rel, linkname)
	}
	tpath := filepath.Join(x.root, target)
	fi, err := os.Lstat(tpath)
	if err != nil {
		return fmt.Errorf("hard link %q: target %q is not in the layer", rel, linkname)
	}
	if fi.IsDir() {
		return fmt.Errorf("hard link %q: target %q is a directory", rel, linkname)
	}
	if err := os.Link(tpath, path); err != nil {
		return fmt.Errorf("hard link %q: %w", rel, err)
	}
	return nil
}

// whiteout applies ".wh.NAME" or ".wh..wh..opq" (see flatten.go).
func (x *extractor) whiteout(rel, base string) error {
	parent := filepath.Dir(rel)
	hidden := strings.TrimPrefix(base, whiteoutPrefix)
	if hidden == "" || hidden == "." || hidden == ".." {
		return fmt.Errorf("whiteout %q names no file", rel)
	}
	if !x.opts.Overlay {
		// Keep the marker file; FlatRootfs reads it by name.
		if err := x.clearFor(rel, false); err != nil {
			return err
		}
		return x.writeFile(filepath.Join(x.root, rel), rel, strings.NewReader(""))
	}
	if base == whiteoutOpaque {
		if err := unix.Setxattr(filepath.Join(x.root, parent), overlayOpaqueXattr, []byte("y"), 0); err != nil {
			return fmt.Errorf("opaque whiteout %q: set %s: %w (needs root)", rel, overlayOpaqueXattr, err)
		}
		return nil
	}
	if strings.HasPrefix(base, whiteoutPrefix+whiteoutPrefix) {
		return nil // other ".wh..wh." names are aufs bookkeeping, not deletions
	}
	hrel := filepath.Join(parent, hidden)
	if err := x.clearFor(hrel, false); err != nil {
		return err
	}
	// overlayfs's whiteout: a character device with device number 0/0.
	if err := unix.Mknod(filepath.Join(x.root, hrel), unix.S_IFCHR|0o000, 0); err != nil {
		return fmt.Errorf("whiteout %q: mknod 0/0: %w (needs root)", rel, err)
	}
	return nil
}

// overlayOpaqueXattr marks a directory whose lower-layer contents overlayfs
// must hide. trusted.* xattrs can only be set (and read) by root.
const overlayOpaqueXattr = "trusted.overlay.opaque"

// metadata sets owner, mode, xattrs and mtime, in that order: chown clears
// set-uid bits, so the mode comes after it.
func (x *extractor) metadata(path, rel string, hdr *tar.Header) error {
	if hdr.Typeflag == tar.TypeLink {
		return nil // a hard link shares its target's inode; a chown would clear its set-uid bit
	}
	if x.asRoot {
		if err := os.Lchown(path, hdr.Uid, hdr.Gid); err != nil {
			return fmt.Errorf("entry %q: chown: %w", rel, err)
		}
		if err := x.xattrs(path, rel, hdr); err != nil {
			return err
		}
	}
	if hdr.Typeflag == tar.TypeSymlink {
		return nil // a symlink has no mode of its own
	}
	if err := os.Chmod(path, hdr.FileInfo().Mode()&(os.ModePerm|os.ModeSetuid|os.ModeSetgid|os.ModeSticky)); err != nil {
		return fmt.Errorf("entry %q: chmod: %w", rel, err)
	}
	if hdr.Typeflag == tar.TypeDir {
		return nil // set in finishDirs
	}
	return setMtime(path, hdr.ModTime)
}

// xattrs applies extended attributes from PAX records (file capabilities,
// say: ping's cap_net_raw). trusted.* ones are dropped: a layer must not
// forge overlayfs's own markers (opaque, redirect) and so reshape what the
// layers below it show.
func (x *extractor) xattrs(path, rel string, hdr *tar.Header) error {
	const paxPrefix = "SCHILY.xattr."
	for k, v := range hdr.PAXRecords {
		name, ok := strings.CutPrefix(k, paxPrefix)
		if !ok || strings.HasPrefix(name, "trusted.") {
			continue
		}
		err := unix.Lsetxattr(path, name, []byte(v), 0)
		if err != nil && !errors.Is(err, unix.ENOTSUP) && !errors.Is(err, unix.EPERM) {
			return fmt.Errorf("entry %q: set xattr %s: %w", rel, name, err)
		}
	}
	return nil
}

// finishDirs sets directory mtimes once nothing more is added to them.
func (x *extractor) finishDirs() error {
	for i := len(x.dirs) - 1; i >= 0; i-- {
		d := x.dirs[i]
		path := filepath.Join(x.root, d.rel)
		if fi, err := os.Lstat(path); err != nil || !fi.IsDir() {
			continue // replaced by a later entry
		}
		if err := setMtime(path, d.mtime); err != nil {
			return fmt.Errorf("entry %q: %w", d.rel, err)
		}
	}
	return nil
}

func setMtime(path string, t time.Time) error {
	ts := []unix.Timespec{unix.NsecToTimespec(t.UnixNano()), unix.NsecToTimespec(t.UnixNano())}
	if err := unix.UtimesNanoAt(unix.AT_FDCWD, path, ts, unix.AT_SYMLINK_NOFOLLOW); err != nil {
		return fmt.Errorf("set mtime: %w", err)
	}
	return nil
}
