package image

import (
	"archive/tar"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// A container's writable layer is overlayfs's "upper" directory: every file
// the container created or changed, copied up whole, plus overlayfs's own
// marks for what it deleted. Those marks are not what a layer tar holds:
//
//	in upper (overlayfs)                    in a layer tar (OCI)
//	NAME: character device 0/0              .wh.NAME   (an empty file)
//	DIR with xattr trusted.overlay.opaque=y DIR/ and DIR/.wh..wh..opq
//
// treeWriter walks a directory into a tar, translating the left column into
// the right one, so that `dockling commit` can turn upper into an ordinary
// layer that a registry, `docker load` or another host understands. It also
// writes the flattened root filesystem for `dockling export`, where there
// are no marks left to translate.
//
// Unlike writeTree (which packs hostbox with everything owned by root at
// time 0), it keeps what the files really have: owner, mode, mtime, hard
// links and extended attributes. A committed layer should hold the files
// exactly as the container left them.
type treeWriter struct {
	tw *tar.Writer
	// whiteouts turns overlayfs's marks into OCI ones. Off for export, where
	// a 0/0 device cannot be a deletion mark: it would be a real device.
	whiteouts bool
	links     map[fileKey]string // first name of each file with st_nlink > 1
	size      int64              // bytes of regular-file content written
	skip      map[string]bool    // paths (relative, slash-separated) left out
}

// runtimeMountTargets are the files the runtime bind-mounts over every
// container's own (create_net.go). What upper holds under these names is
// the empty mount point the runtime made where the image had none, never
// the container's writes (those went to the mounted file), so a commit
// leaves them out, as docker's separate "init" layer does.
var runtimeMountTargets = map[string]bool{"etc/hostname": true, "etc/hosts": true, "etc/resolv.conf": true}

// overlayXattrPrefix is overlayfs's private bookkeeping in upper: opaque
// (translated above), origin and impure (index hints, meaningless once the
// layer leaves this host), redirect and metacopy (refused below).
const overlayXattrPrefix = "trusted.overlay."

// writeUpper writes the container's upper dir as a layer tar.
func writeUpper(tw *tar.Writer, upper string) (int64, error) {
	w := &treeWriter{tw: tw, whiteouts: true, links: map[fileKey]string{}, skip: runtimeMountTargets}
	err := w.walk(upper)
	return w.size, err
}

// writeFlat writes an ordinary directory (a flattened rootfs) as a tar.
func writeFlat(tw *tar.Writer, dir string) (int64, error) {
	w := &treeWriter{tw: tw, links: map[fileKey]string{}}
	err := w.walk(dir)
	return w.size, err
}

// walk visits dir in lexical order (WalkDir's), so the same files always
// make the same tar and so the same diffid.
func (w *treeWriter) walk(dir string) error {
	return filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(dir, path)
		if err != nil || rel == "." {
			return err
		}
		if w.skip[filepath.ToSlash(rel)] && d.Type().IsRegular() { // a mount point, never a whiteout
			return nil
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		return w.entry(path, filepath.ToSlash(rel), fi)
	})
}

// entry writes one file, directory, link or whiteout.
func (w *treeWriter) entry(path, rel string, fi fs.FileInfo) error {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return fmt.Errorf("%s: no stat information", rel)
	}
	// Checked before hard links: overlayfs may make every whiteout a link
	// to one shared 0/0 device, and each is its own deletion.
	if w.whiteouts && fi.Mode()&fs.ModeCharDevice != 0 && st.Rdev == 0 {
		return w.marker(pathJoin(pathDir(rel), whiteoutPrefix+pathBase(rel)))
	}
	hdr := &tar.Header{
		Name:    rel,
		Mode:    tarMode(fi.Mode()),
		Uid:     int(st.Uid),
		Gid:     int(st.Gid),
		ModTime: fi.ModTime().Truncate(time.Second), // whole seconds need no PAX record
		Format:  tar.FormatPAX,
	}
	xattrs, err := readXattrs(path)
	if err != nil {
		return fmt.Errorf("%s: %w", rel, err)
	}
	opaque := false
	for k, v := range xattrs {
		switch {
		case !strings.HasPrefix(k, overlayXattrPrefix):
			if hdr.PAXRecords == nil {
				hdr.PAXRecords = map[string]string{}
			}
			hdr.PAXRecords["SCHILY.xattr."+k] = v
		case !w.whiteouts:
		case k == overlayOpaqueXattr:
			opaque = v == "y"
		case k == overlayXattrPrefix+"redirect" || k == overlayXattrPrefix+"metacopy":
			// With redirect_dir or metacopy on, upper holds pointers into the
			// lower layers instead of whole files: not a layer on its own.
			return fmt.Errorf("%s has overlayfs %s set; mount overlay with redirect_dir=off,metacopy=off to commit", rel, strings.TrimPrefix(k, overlayXattrPrefix))
		}
	}
	mode := fi.Mode()
	switch {
	case mode.IsDir():
		hdr.Typeflag, hdr.Name = tar.TypeDir, rel+"/"
	case mode.IsRegular():
		hdr.Typeflag, hdr.Size = tar.TypeReg, fi.Size()
		if st.Nlink > 1 {
			key := fileKey{uint64(st.Dev), st.Ino}
			if first, seen := w.links[key]; seen {
				hdr.Typeflag, hdr.Size, hdr.Linkname = tar.TypeLink, 0, first
			} else {
				w.links[key] = rel
			}
		}
	case mode&fs.ModeSymlink != 0:
		hdr.Typeflag = tar.TypeSymlink
		if hdr.Linkname, err = os.Readlink(path); err != nil {
			return err
		}
	case mode&fs.ModeNamedPipe != 0:
		hdr.Typeflag = tar.TypeFifo
	case mode&fs.ModeDevice != 0:
		hdr.Typeflag = tar.TypeBlock
		if mode&fs.ModeCharDevice != 0 {
			hdr.Typeflag = tar.TypeChar
		}
		hdr.Devmajor, hdr.Devminor = int64(unix.Major(st.Rdev)), int64(unix.Minor(st.Rdev))
	case mode&fs.ModeSocket != 0:
		return nil // tar has no socket type (GNU tar skips them too): a socket lives only while its server does
	default:
		return fmt.Errorf("%s: unsupported file type %s", rel, mode.Type())
	}
	if err := w.tw.WriteHeader(hdr); err != nil {
		return err
	}
	if opaque {
		// Right after its directory, so an extractor has the directory to mark.
		if err := w.marker(rel + "/" + whiteoutOpaque); err != nil {
			return err
		}
	}
	if hdr.Typeflag != tar.TypeReg {
		return nil
	}
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	n, err := io.Copy(w.tw, f)
	w.size += n
	if err == nil && n != hdr.Size {
		err = fmt.Errorf("%s changed size while being read (the container is writing it); stop the container and try again", rel)
	}
	return err
}

// marker writes an empty whiteout file: a name that means "deleted".
func (w *treeWriter) marker(name string) error {
	return w.tw.WriteHeader(&tar.Header{Name: name, Typeflag: tar.TypeReg, Mode: 0o600, ModTime: layerEpoch, Format: tar.FormatPAX})
}

// readXattrs returns path's extended attributes (not following a symlink).
// A file system without xattrs just has none.
func readXattrs(path string) (map[string]string, error) {
	size, err := unix.Llistxattr(path, nil)
	if errors.Is(err, unix.ENOTSUP) || size == 0 {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("list xattrs: %w", err)
	}
	buf := make([]byte, size)
	if size, err = unix.Llistxattr(path, buf); err != nil {
		return nil, fmt.Errorf("list xattrs: %w", err)
	}
	out := map[string]string{}
	for _, name := range strings.Split(strings.TrimRight(string(buf[:size]), "\x00"), "\x00") {
		val := make([]byte, 256)
		n, err := unix.Lgetxattr(path, name, val)
		if errors.Is(err, unix.ERANGE) { // longer than our guess: ask its size
			if n, err = unix.Lgetxattr(path, name, nil); err == nil {
				val = make([]byte, n)
				n, err = unix.Lgetxattr(path, name, val)
			}
		}
		if errors.Is(err, unix.ENODATA) || errors.Is(err, unix.EPERM) {
			continue // removed meanwhile, or trusted.* read without root
		}
		if err != nil {
			return nil, fmt.Errorf("read xattr %s: %w", name, err)
		}
		out[name] = string(val[:n])
	}
	return out, nil
}

// Tar names always use "/", whatever the host's separator.
func pathDir(rel string) string {
	if i := strings.LastIndex(rel, "/"); i >= 0 {
		return rel[:i]
	}
	return ""
}

func pathBase(rel string) string { return rel[strings.LastIndex(rel, "/")+1:] }

func pathJoin(dir, name string) string {
	if dir == "" {
		return name
	}
	return dir + "/" + name
}
