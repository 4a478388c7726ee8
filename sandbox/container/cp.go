package container

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"strings"

	"golang.org/x/sys/unix"
)

// CopyOptions are cp's flags.
type CopyOptions struct {
	FollowLink bool // -L: copy what SRC_PATH points to, not the link
	Archive    bool // -a: keep the owners the source had
}

// Endpoint is one side of a copy: a path inside a root.
type Endpoint struct {
	Root *Root
	Path string // as typed: a trailing "/" or "/." matters
}

// Copy copies src to dst with docker's rules for where things land:
//
//	SRC is a file:      DEST missing → written as DEST (its parent must exist;
//	                    DEST ending in "/" must be an existing directory)
//	                    DEST is a file → overwritten
//	                    DEST is a directory → DEST/basename(SRC)
//	SRC is a directory: DEST missing → created, SRC's contents copied into it
//	                    DEST is a file → an error
//	                    DEST is a directory → DEST/basename(SRC), or with
//	                    SRC ending in "/." its contents go straight into DEST
//
// The two ends run at the same time, joined by a tar stream: the source
// archives (in the calling goroutine, which matters for a stopped
// container's thread, see WithRoot) and the destination unpacks. Both
// resolve their paths inside their own root.
func Copy(src, dst Endpoint, opts CopyOptions) error {
	follow := opts.FollowLink || strings.HasSuffix(src.Path, "/") || strings.HasSuffix(src.Path, "/.")
	sst, err := src.Root.Stat(src.Path, follow)
	if err != nil {
		return notFound(src.Path, err)
	}
	srcIsDir := sst.Mode&unix.S_IFMT == unix.S_IFDIR
	if strings.HasSuffix(src.Path, "/") && !srcIsDir {
		return fmt.Errorf("%s is not a directory (remove the trailing /)", src.Path)
	}
	destDir, name, err := Destination(src.Path, srcIsDir, dst.Root, dst.Path)
	if err != nil {
		return err
	}
	pr, pw := io.Pipe()
	archive := func() error {
		err := src.Root.Archive(pw, src.Path, name, follow)
		pw.CloseWithError(stopped(err)) // the unpacker sees the end, or that we failed
		return err
	}
	extract := func() error {
		err := dst.Root.Extract(pr, destDir, ExtractOptions{KeepOwner: opts.Archive})
		if err == nil {
			_, _ = io.Copy(io.Discard, pr) // the tar's end padding, if any
		}
		pr.CloseWithError(stopped(err)) // stop the archiver too if unpacking failed
		return err
	}
	// One end runs here, the other in a goroutine. A stopped container's
	// root exists only on the calling goroutine's thread, so that end
	// must be the one that runs here.
	here, there := archive, extract
	if dst.Root.pinned {
		here, there = extract, archive
	}
	done := make(chan error, 1)
	go func() { done <- there() }()
	errs := []error{here(), <-done}
	// When one end fails, the other fails with errOtherEnd: report the cause.
	for _, err := range errs {
		if err != nil && !errors.Is(err, errOtherEnd) {
			return err
		}
	}
	return errors.Join(errs...)
}

// errOtherEnd is what one end of a copy sees when the other has failed.
var errOtherEnd = errors.New("the other end of the copy failed")

func stopped(err error) error {
	if err != nil {
		return errOtherEnd
	}
	return nil
}

// Destination applies docker's rules (see Copy): the directory to unpack
// into and the name the top entry gets there ("." for "contents of SRC").
func Destination(srcPath string, srcIsDir bool, dst *Root, dstPath string) (dir, name string, err error) {
	dst1, err := dst.Stat(dstPath, true)
	switch {
	case err == nil && dst1.Mode&unix.S_IFMT == unix.S_IFDIR:
		if srcIsDir && (strings.HasSuffix(srcPath, "/.") || srcPath == ".") {
			return dstPath, ".", nil
		}
		base := path.Base(path.Clean("/" + srcPath))
		if base == "/" {
			base = "." // the whole root: its contents
		}
		return dstPath, base, nil
	case err == nil:
		if srcIsDir {
			return "", "", fmt.Errorf("cannot copy a directory to the file %s; name a directory or a new path", dstPath)
		}
		if strings.HasSuffix(dstPath, "/") {
			return "", "", fmt.Errorf("%s is not a directory", dstPath)
		}
		return parentOf(dstPath), path.Base(dstPath), nil
	case errors.Is(err, fs.ErrNotExist):
		if strings.HasSuffix(dstPath, "/") && !srcIsDir {
			return "", "", fmt.Errorf("destination directory %s does not exist; create it first", dstPath)
		}
		parent := parentOf(dstPath)
		if pst, perr := dst.Stat(parent, true); perr != nil || pst.Mode&unix.S_IFMT != unix.S_IFDIR {
			return "", "", fmt.Errorf("the directory %s for %s does not exist; create it first", parent, dstPath)
		}
		return parent, path.Base(path.Clean(dstPath)), nil
	}
	return "", "", err
}

// parentOf is the directory a path names its last part in: "a/b/" → "a".
func parentOf(p string) string {
	d := path.Dir(strings.TrimRight(p, "/"))
	if strings.HasPrefix(p, "/") && d == "." {
		return "/"
	}
	return d
}

// notFound words a missing source the way docker does.
func notFound(p string, err error) error {
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("could not find the file %s: no such file or directory", p)
	}
	return err
}

// ExtractTo unpacks a tar stream (cp - CONTAINER:DEST) into dst, which must
// be an existing directory, as in docker.
func ExtractTo(rd io.Reader, dst Endpoint, opts CopyOptions) error {
	st, err := dst.Root.Stat(dst.Path, true)
	if err != nil {
		return notFound(dst.Path, err)
	}
	if st.Mode&unix.S_IFMT != unix.S_IFDIR {
		return fmt.Errorf("destination %s must be a directory when copying from stdin", dst.Path)
	}
	return dst.Root.Extract(rd, dst.Path, ExtractOptions{KeepOwner: opts.Archive})
}

// ArchiveTo writes src as a tar stream to w (cp CONTAINER:SRC -). The top
// entry is named after SRC, as docker names it.
func ArchiveTo(w io.Writer, src Endpoint, opts CopyOptions) error {
	follow := opts.FollowLink || strings.HasSuffix(src.Path, "/") || strings.HasSuffix(src.Path, "/.")
	if _, err := src.Root.Stat(src.Path, follow); err != nil {
		return notFound(src.Path, err)
	}
	name := path.Base(path.Clean("/" + src.Path))
	if name == "/" || strings.HasSuffix(src.Path, "/.") {
		name = "."
	}
	return src.Root.Archive(w, src.Path, name, follow)
}
