package container

import (
	"archive/tar"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"
	"time"

	"golang.org/x/sys/unix"
)

// ExtractOptions changes how Extract unpacks.
type ExtractOptions struct {
	// KeepOwner gives each file the owner the tar names (cp -a). Without
	// it files belong to whoever copies, root, as in docker.
	KeepOwner bool
}

// Extract unpacks the tar read from rd into the directory dest inside the
// root. The tar is hostile input (with `cp - CONTAINER:DIR` it is whatever
// the user piped in, and otherwise it holds a container's files), so:
//
//   - dest itself is resolved inside the root, following symlinks as the
//     container would (cp file web:/evil/x with /evil -> /etc writes the
//     container's /etc/x, never the host's);
//   - below dest nothing is followed: an entry named absolutely or with
//     ".." is refused, and a symlink on the way to an entry (one the tar
//     just made, or one already there) stops the copy; dockling never
//     writes through a symlink;
//   - every file is created and changed through descriptors opened with
//     O_NOFOLLOW, so a racing process cannot swap in a link at the last
//     moment.
//
// These are the rules of the image unpacker (sandbox/image/extractpath.go),
// done with descriptors because here the tree may be live.
func (r *Root) Extract(rd io.Reader, dest string, opts ExtractOptions) error {
	dfd, err := r.open(dest, unix.O_PATH|unix.O_DIRECTORY, 0)
	if errors.Is(err, unix.ENOTDIR) {
		return fmt.Errorf("%s is not a directory", dest)
	}
	if err != nil {
		return err
	}
	defer unix.Close(dfd)
	x := &extractor{root: dfd, dest: dest, opts: opts}
	tr := tar.NewReader(rd)
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return fmt.Errorf("read tar stream: %w", err)
		}
		if err := x.entry(hdr, tr); err != nil {
			return err
		}
	}
	x.finishDirs()
	return nil
}

type extractor struct {
	root int    // descriptor of the destination directory
	dest string // as typed, for messages
	opts ExtractOptions
	dirs []dirTime // directories whose times are set last
}

type dirTime struct {
	rel   string
	mtime time.Time
}

// CleanTarName checks a tar entry's name and returns it relative to the
// destination, without "./" or a trailing "/"; "" is the destination
// itself. Absolute names and any ".." are refused outright, even a ".."
// that would stay inside: no honest archiver writes them.
func CleanTarName(name string) (string, error) {
	if strings.HasPrefix(name, "/") {
		return "", fmt.Errorf("tar entry %q has an absolute name; dockling refuses to unpack it", name)
	}
	if strings.ContainsRune(name, 0) {
		return "", fmt.Errorf("tar entry %q has a NUL byte in its name", name)
	}
	var parts []string
	for _, p := range strings.Split(name, "/") {
		switch p {
		case "", ".":
			continue
		case "..":
			return "", fmt.Errorf("tar entry %q climbs out with \"..\"; dockling refuses to unpack it", name)
		}
		parts = append(parts, p)
	}
	return strings.Join(parts, "/"), nil
}

func (x *extractor) entry(hdr *tar.Header, content io.Reader) error {
	rel, err := CleanTarName(hdr.Name)
	if err != nil {
		return err
	}
	switch hdr.Typeflag {
	case tar.TypeXGlobalHeader, tar.TypeXHeader, tar.TypeGNULongName, tar.TypeGNULongLink:
		return nil // archive/tar folds these into the next header
	}
	if rel == "" {
		if hdr.Typeflag != tar.TypeDir {
			return fmt.Errorf("tar entry %q is not a directory but names %s itself", hdr.Name, x.dest)
		}
		return nil // the destination exists already; leave it as it is
	}
	dir, base := path.Split(rel)
	pfd, err := x.parent(strings.TrimSuffix(dir, "/"), rel)
	if err != nil {
		return err
	}
	defer func() {
		if pfd != x.root {
			unix.Close(pfd)
		}
	}()
	where := path.Join(x.dest, rel)

	switch hdr.Typeflag {
	case tar.TypeDir:
		err := unix.Mkdirat(pfd, base, 0o700)
		if errors.Is(err, unix.EEXIST) {
			err = x.clear(pfd, base, where, true)
			if err == nil {
				err = unix.Mkdirat(pfd, base, 0o700)
				if errors.Is(err, unix.EEXIST) {
					err = nil // a real directory, kept: we unpack into it
				}
			}
		}
		if err != nil {
			return fmt.Errorf("create directory %s: %w", where, err)
		}
		fd, err := unix.Openat(pfd, base, unix.O_PATH|unix.O_DIRECTORY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
		if err != nil {
			return fmt.Errorf("open directory %s: %w", where, err)
		}
		defer unix.Close(fd)
		x.dirs = append(x.dirs, dirTime{rel, hdr.ModTime})
		return x.meta(fd, hdr, where, false)

	case tar.TypeReg, tar.TypeRegA:
		if err := x.clear(pfd, base, where, false); err != nil {
			return err
		}
		// O_EXCL with O_NOFOLLOW: we create this file, or fail; we never
		// open one that a link (or a racing process) put there.
		fd, err := unix.Openat(pfd, base, unix.O_WRONLY|unix.O_CREAT|unix.O_EXCL|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0o600)
		if err != nil {
			return fmt.Errorf("create %s: %w", where, err)
		}
		defer unix.Close(fd)
		if _, err := io.Copy(fdWriter(fd), content); err != nil {
			return fmt.Errorf("write %s: %w", where, err)
		}
		return x.meta(fd, hdr, where, false)

	case tar.TypeSymlink:
		if err := x.clear(pfd, base, where, false); err != nil {
			return err
		}
		// The link is made, never followed: its target is only text here.
		if err := unix.Symlinkat(hdr.Linkname, pfd, base); err != nil {
			return fmt.Errorf("create symlink %s: %w", where, err)
		}
		fd, err := unix.Openat(pfd, base, unix.O_PATH|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
		if err != nil {
			return fmt.Errorf("open symlink %s: %w", where, err)
		}
		defer unix.Close(fd)
		return x.meta(fd, hdr, where, true)

	case tar.TypeLink:
		// A hard link must point at a file of this same unpacking, found
		// by the same rules; linkat with flags 0 does not follow a symlink.
		target, err := CleanTarName(hdr.Linkname)
		if err != nil || target == "" {
			return fmt.Errorf("tar entry %q: hard link to %q refused", hdr.Name, hdr.Linkname)
		}
		tdir, tbase := path.Split(target)
		tfd, err := openBeneath(x.root, strings.TrimSuffix(tdir, "/"), unix.O_PATH|unix.O_DIRECTORY, 0)
		if err != nil {
			return fmt.Errorf("hard link %s: its target %s: %w", where, hdr.Linkname, err)
		}
		defer unix.Close(tfd)
		if err := x.clear(pfd, base, where, false); err != nil {
			return err
		}
		if err := unix.Linkat(tfd, tbase, pfd, base, 0); err != nil {
			return fmt.Errorf("hard link %s to %s: %w", where, hdr.Linkname, err)
		}
		return nil

	case tar.TypeChar, tar.TypeBlock, tar.TypeFifo:
		if err := x.clear(pfd, base, where, false); err != nil {
			return err
		}
		mode := map[byte]uint32{tar.TypeChar: unix.S_IFCHR, tar.TypeBlock: unix.S_IFBLK, tar.TypeFifo: unix.S_IFIFO}[hdr.Typeflag]
		dev := unix.Mkdev(uint32(hdr.Devmajor), uint32(hdr.Devminor))
		if err := unix.Mknodat(pfd, base, mode|0o600, int(dev)); err != nil {
			return fmt.Errorf("create %s: %w", where, err)
		}
		fd, err := unix.Openat(pfd, base, unix.O_PATH|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
		if err != nil {
			return fmt.Errorf("open %s: %w", where, err)
		}
		defer unix.Close(fd)
		return x.meta(fd, hdr, where, false)
	}
	return nil // sparse files and other rarities: not something cp makes
}

// parent opens the directory dir (relative to the destination) that entry
// rel goes into, creating missing directories the tar did not list. A
// symlink on the way is refused, wherever it came from.
func (x *extractor) parent(dir, rel string) (int, error) {
	if dir == "" {
		return x.root, nil
	}
	fd, err := openBeneath(x.root, dir, unix.O_PATH|unix.O_DIRECTORY, 0)
	if errors.Is(err, unix.ENOENT) {
		fd, err = x.mkdirAll(dir)
	}
	// O_DIRECTORY|O_NOFOLLOW on a symlink fails with ENOTDIR, as on a file;
	// RESOLVE_NO_SYMLINKS on one further up fails with ELOOP.
	switch {
	case errors.Is(err, unix.ELOOP), errors.Is(err, unix.EXDEV), errors.Is(err, unix.ENOTDIR):
		return -1, fmt.Errorf("refusing to unpack %s: %s (or a directory above it) is a symlink or a file; dockling never writes through a symlink", path.Join(x.dest, rel), path.Join(x.dest, dir))
	case err != nil:
		return -1, fmt.Errorf("open %s: %w", path.Join(x.dest, dir), err)
	}
	return fd, nil
}

// mkdirAll makes each missing directory of dir, one component at a time,
// each relative to the descriptor of the one above, never following links.
func (x *extractor) mkdirAll(dir string) (int, error) {
	cur := x.root
	for _, part := range strings.Split(dir, "/") {
		next, err := unix.Openat(cur, part, unix.O_PATH|unix.O_DIRECTORY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
		if errors.Is(err, unix.ENOENT) {
			if err = unix.Mkdirat(cur, part, 0o755); err == nil || errors.Is(err, unix.EEXIST) {
				next, err = unix.Openat(cur, part, unix.O_PATH|unix.O_DIRECTORY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
			}
		}
		if cur != x.root {
			unix.Close(cur)
		}
		if err != nil {
			return -1, err
		}
		cur = next
	}
	return cur, nil
}

// clear makes room for a new entry called base: whatever non-directory is
// there goes (a symlink is removed, not written through, as tar does). An
// existing directory stays when a directory is coming and is an error
// otherwise: docker refuses too, rather than deleting a whole tree.
func (x *extractor) clear(pfd int, base, where string, wantDir bool) error {
	var st unix.Stat_t
	err := unix.Fstatat(pfd, base, &st, unix.AT_SYMLINK_NOFOLLOW)
	if errors.Is(err, unix.ENOENT) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("look at %s: %w", where, err)
	}
	if st.Mode&unix.S_IFMT == unix.S_IFDIR {
		if wantDir {
			return nil
		}
		return fmt.Errorf("cannot overwrite directory %s with a non-directory", where)
	}
	if err := unix.Unlinkat(pfd, base, 0); err != nil && !errors.Is(err, unix.ENOENT) {
		return fmt.Errorf("replace %s: %w", where, err)
	}
	return nil
}

// meta gives the new file its owner (with -a), mode and time, all through
// the descriptor: chown via AT_EMPTY_PATH, chmod and utimes via
// /proc/self/fd/N, which names exactly the inode we hold (chmod has no
// "don't follow" flag, so a path walk here could be redirected).
func (x *extractor) meta(fd int, hdr *tar.Header, where string, isLink bool) error {
	if x.opts.KeepOwner {
		if err := unix.Fchownat(fd, "", hdr.Uid, hdr.Gid, unix.AT_EMPTY_PATH|unix.AT_SYMLINK_NOFOLLOW); err != nil {
			return fmt.Errorf("chown %s: %w", where, err)
		}
	}
	if isLink {
		return nil // a symlink's mode means nothing on Linux; its time is not worth a race
	}
	self := fmt.Sprintf("/proc/self/fd/%d", fd)
	// After chown: chown clears the setuid and setgid bits.
	if err := unix.Chmod(self, uint32(hdr.Mode&0o7777)); err != nil {
		return fmt.Errorf("chmod %s: %w", where, err)
	}
	if hdr.Typeflag != tar.TypeDir && !hdr.ModTime.IsZero() {
		ts := unix.NsecToTimespec(hdr.ModTime.UnixNano())
		_ = unix.UtimesNanoAt(unix.AT_FDCWD, self, []unix.Timespec{ts, ts}, 0)
	}
	return nil
}

// finishDirs sets directory times last, deepest first: every file made
// inside a directory changes its time again.
func (x *extractor) finishDirs() {
	for i := len(x.dirs) - 1; i >= 0; i-- {
		d := x.dirs[i]
		if d.mtime.IsZero() {
			continue
		}
		fd, err := openBeneath(x.root, d.rel, unix.O_PATH|unix.O_DIRECTORY, 0)
		if err != nil {
			continue
		}
		ts := unix.NsecToTimespec(d.mtime.UnixNano())
		_ = unix.UtimesNanoAt(unix.AT_FDCWD, fmt.Sprintf("/proc/self/fd/%d", fd), []unix.Timespec{ts, ts}, 0)
		unix.Close(fd)
	}
}

// fdWriter writes to a raw descriptor.
type fdWriter int

func (w fdWriter) Write(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		m, err := unix.Write(int(w), p[n:])
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return n, err
		}
		n += m
	}
	return n, nil
}
