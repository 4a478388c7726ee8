package container

import (
	"archive/tar"
	"errors"
	"fmt"
	"io"
	"path"
	"sort"
	"strings"
	"time"

	"golang.org/x/sys/unix"
)

// cp moves files as a tar stream, as docker's does: the side that reads
// writes a tar (Archive), the side that writes unpacks it (Extract). So
// `cp CONTAINER:SRC -` and `cp - CONTAINER:DEST` are not special cases,
// they just show the stream itself.

// Archive writes p (inside r) to w as a tar. The top entry is called name
// ("" or "." puts a directory's contents at the top, as "SRC/." asks).
// follow says whether p itself, when it is a symlink, is followed (-L) or
// copied as a link. Symlinks further down are always copied as links.
func (r *Root) Archive(w io.Writer, p, name string, follow bool) error {
	flags := unix.O_PATH
	if !follow {
		flags |= unix.O_NOFOLLOW
	}
	fd, err := r.open(p, flags, 0)
	if err != nil {
		return err
	}
	defer unix.Close(fd)
	tw := tar.NewWriter(w)
	a := &archiver{tw: tw, shown: p}
	if err := a.entry(fd, strings.Trim(name, "/")); err != nil {
		return err
	}
	return tw.Close()
}

type archiver struct {
	tw    *tar.Writer
	shown string // the path as the user typed it, for errors
}

// entry writes the file behind the O_PATH descriptor fd under name, and a
// directory's contents below it. Every child is opened relative to its
// directory's descriptor with O_NOFOLLOW: a symlink is read as text, never
// walked through, so the tree we archive cannot lead anywhere else.
func (a *archiver) entry(fd int, name string) error {
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		return err
	}
	hdr := &tar.Header{
		Name:    name,
		Mode:    int64(st.Mode & 0o7777),
		Uid:     int(st.Uid),
		Gid:     int(st.Gid),
		ModTime: time.Unix(st.Mtim.Unix()),
	}
	if hdr.Name == "" {
		hdr.Name = "."
	}
	switch st.Mode & unix.S_IFMT {
	case unix.S_IFREG:
		hdr.Typeflag, hdr.Size = tar.TypeReg, st.Size
		f, err := reopen(fd, unix.O_RDONLY)
		if err != nil {
			return fmt.Errorf("read %s: %w", a.where(name), err)
		}
		defer f.Close()
		if err := a.tw.WriteHeader(hdr); err != nil {
			return err
		}
		// A file that shrinks while we copy would leave the tar short:
		// CopyN reports it instead of writing a broken archive.
		if _, err := io.CopyN(a.tw, f, st.Size); err != nil {
			return fmt.Errorf("read %s: %w", a.where(name), err)
		}
		return nil
	case unix.S_IFLNK:
		target, err := readlinkFd(fd)
		if err != nil {
			return fmt.Errorf("read link %s: %w", a.where(name), err)
		}
		hdr.Typeflag, hdr.Linkname = tar.TypeSymlink, target
		return a.tw.WriteHeader(hdr)
	case unix.S_IFDIR:
		hdr.Typeflag = tar.TypeDir
		if hdr.Name != "." {
			hdr.Name += "/"
			if err := a.tw.WriteHeader(hdr); err != nil {
				return err
			}
		}
		return a.children(fd, name)
	case unix.S_IFIFO:
		hdr.Typeflag = tar.TypeFifo
	case unix.S_IFCHR, unix.S_IFBLK:
		hdr.Typeflag = tar.TypeChar
		if st.Mode&unix.S_IFMT == unix.S_IFBLK {
			hdr.Typeflag = tar.TypeBlock
		}
		hdr.Devmajor, hdr.Devminor = int64(unix.Major(st.Rdev)), int64(unix.Minor(st.Rdev))
	default:
		return nil // a socket: nothing a tar can hold
	}
	return a.tw.WriteHeader(hdr)
}

// pseudoFS are filesystems whose files are the kernel talking, not data:
// a running container's /proc, /sys and friends. Their directories are
// archived empty, as docker's (which never mounts them) shows them.
var pseudoFS = map[int64]bool{
	unix.PROC_SUPER_MAGIC: true, unix.SYSFS_MAGIC: true, unix.CGROUP_SUPER_MAGIC: true,
	unix.CGROUP2_SUPER_MAGIC: true, unix.DEVPTS_SUPER_MAGIC: true, mqueueMagic: true,
	unix.DEBUGFS_MAGIC: true, unix.SECURITYFS_MAGIC: true, unix.TRACEFS_MAGIC: true,
}

// mqueueMagic is the POSIX message queue filesystem's (not in x/sys/unix).
const mqueueMagic = 0x19800202

func (a *archiver) children(fd int, name string) error {
	var fs unix.Statfs_t
	if err := unix.Fstatfs(fd, &fs); err == nil && pseudoFS[int64(fs.Type)] {
		return nil
	}
	dir, err := reopen(fd, unix.O_RDONLY|unix.O_DIRECTORY)
	if err != nil {
		return fmt.Errorf("list %s: %w", a.where(name), err)
	}
	defer dir.Close()
	names, err := dir.Readdirnames(-1)
	if err != nil {
		return fmt.Errorf("list %s: %w", a.where(name), err)
	}
	sort.Strings(names) // the same tree gives the same tar
	for _, n := range names {
		cfd, err := unix.Openat(int(dir.Fd()), n, unix.O_PATH|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
		if errors.Is(err, unix.ENOENT) {
			continue // removed while we were listing
		}
		if err != nil {
			return fmt.Errorf("open %s: %w", a.where(path.Join(name, n)), err)
		}
		err = a.entry(cfd, path.Join(name, n))
		unix.Close(cfd)
		if err != nil {
			return err
		}
	}
	return nil
}

func (a *archiver) where(name string) string {
	if name == "" || name == "." {
		return a.shown
	}
	return a.shown + " (" + name + ")"
}

// readlinkFd reads the target of the symlink an O_PATH|O_NOFOLLOW
// descriptor holds: readlinkat with an empty name means "this fd itself".
func readlinkFd(fd int) (string, error) {
	for size := 256; ; size *= 2 {
		buf := make([]byte, size)
		n, err := unix.Readlinkat(fd, "", buf)
		if err != nil {
			return "", err
		}
		if n < size {
			return string(buf[:n]), nil
		}
	}
}
