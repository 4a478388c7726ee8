package container

import (
	"errors"
	"fmt"
	"os"
	"path"
	"strings"
	"sync"

	"github.com/dockling/dockling/sandbox/rootfs"
	"golang.org/x/sys/unix"
)

// `dockling cp` reads and writes files of a container from the host. That
// is where two real docker CVEs lived (CVE-2018-15664, CVE-2019-14271): the
// host followed a path the container controls, and a symlink such as
//
//	/evil -> /etc            (absolute: the host's /etc if followed on the host)
//	/evil -> ../../../../etc (climbs past the container's root)
//	/evil -> /proc/self/root (a "magic link": the root of whoever opens it)
//
// sent the copy to the host's own files. The cure is to resolve every
// container path as if the container's root were "/", and to hold on to
// file descriptors, not path strings, once a file is found, so that a
// process in the container cannot swap a directory for a symlink between
// our check and our use (a TOCTOU race: time of check to time of use).

// Root is a directory tree opened for copying: a container's root, or the
// host's "/". Every path given to its methods is resolved inside it.
type Root struct {
	fd   int    // O_PATH descriptor of the root directory
	path string // its host path, for messages and for the fallback
	// pinned marks a root that exists only in the mount namespace of the
	// calling goroutine's thread (a stopped container's, see WithRoot):
	// the fallback's path strings must be walked from that thread.
	pinned bool
}

// OpenRoot opens dir as a Root. For a running container dir is
// /proc/PID/root: opening that magic link on purpose gives us the
// container's root directory as the kernel sees it from inside.
func OpenRoot(dir string) (*Root, error) {
	fd, err := unix.Open(dir, unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, fmt.Errorf("open root %s: %w", dir, err)
	}
	return &Root{fd: fd, path: dir}, nil
}

// Close releases the root's descriptor.
func (r *Root) Close() error { return unix.Close(r.fd) }

// Path is the host path the root was opened from.
func (r *Root) Path() string { return r.path }

// useOpenat2 tells whether this kernel has openat2(2) (Linux 5.6+). CentOS
// 7's 3.10 kernel does not; there we fall back to SecureJoin. Tests set
// forceFallback, and DOCKLING_NO_OPENAT2=1 in the environment does the
// same for the whole command, to watch the fallback on a modern kernel.
var (
	forceFallback = os.Getenv("DOCKLING_NO_OPENAT2") != ""
	haveOpenat2   = sync.OnceValue(func() bool {
		fd, err := unix.Openat2(unix.AT_FDCWD, "/", &unix.OpenHow{Flags: unix.O_PATH | unix.O_CLOEXEC})
		if err != nil {
			// ENOSYS: too old; EPERM: a seccomp filter that does not know it.
			return false
		}
		unix.Close(fd)
		return true
	})
)

func useOpenat2() bool { return !forceFallback && haveOpenat2() }

// envFallback is the fallback setting the environment asked for.
var envFallback = forceFallback

// inRoot is a container path relative to the root: "/a/../b/" → "b", "/"
// → ".". ".." cannot climb above the root here: path.Clean of an absolute
// path stops at "/", just as the kernel does at a process's root.
func inRoot(p string) string {
	p = strings.TrimPrefix(path.Clean("/"+p), "/")
	if p == "" {
		return "."
	}
	return p
}

// open opens p inside the root with flags (O_PATH, O_RDONLY, ...), following
// symlinks as if the root were "/". The last component is followed too,
// unless flags holds O_NOFOLLOW (then a symlink there is opened as itself,
// which only O_PATH allows).
//
// With openat2, one system call does the whole walk in the kernel:
// RESOLVE_IN_ROOT treats our descriptor as "/" for every absolute symlink
// and every "..", and RESOLVE_NO_MAGICLINKS refuses /proc/self/root and
// friends, whose target is not text but "whatever that process has". The
// kernel also retries (EAGAIN) if a rename raced with the walk, so the
// answer is always inside the root.
func (r *Root) open(p string, flags int, mode uint32) (int, error) {
	rel := inRoot(p)
	if useOpenat2() {
		how := &unix.OpenHow{
			Flags:   uint64(flags | unix.O_CLOEXEC),
			Mode:    uint64(mode),
			Resolve: unix.RESOLVE_IN_ROOT | unix.RESOLVE_NO_MAGICLINKS,
		}
		for {
			fd, err := unix.Openat2(r.fd, rel, how)
			if errors.Is(err, unix.EAGAIN) {
				continue // a rename somewhere in the tree raced with the walk
			}
			if err != nil {
				return -1, r.pathError(p, err)
			}
			return fd, nil
		}
	}
	return r.openFallback(p, rel, flags, mode)
}

// openFallback is open without openat2: SecureJoin resolves the path in
// user space, reading each symlink's text and restarting absolute ones at
// the root, and the final open uses O_NOFOLLOW so a symlink there is never
// followed by the kernel.
//
// The caveat (TOCTOU): SecureJoin returns a path string, and the kernel
// walks that string again when we open it. A process in a running
// container that replaces one of the directories on the way by a symlink
// in between wins the race: the kernel follows the new symlink, and an
// absolute one starts at OUR root, the host's, whatever directory the
// walk began in. O_NOFOLLOW
// protects only the last component. A stopped container has no process to
// race with, so there the fallback is sound; on a running container it is
// a best effort, which is why we use openat2 wherever the kernel has it.
func (r *Root) openFallback(p, rel string, flags int, mode uint32) (int, error) {
	var host string
	var err error
	if flags&unix.O_NOFOLLOW != 0 && rel != "." {
		// Resolve the directory, keep the last name as it is.
		dir, base := path.Split(rel)
		if host, err = rootfs.SecureJoin(r.path, dir); err == nil {
			host += "/" + base
		}
	} else {
		host, err = rootfs.SecureJoin(r.path, rel)
	}
	if err != nil {
		return -1, r.pathError(p, err)
	}
	// Open what SecureJoin found relative to our descriptor of the root,
	// not by the whole host path: the root itself (/proc/PID/root) is a
	// link that O_NOFOLLOW would refuse, and our descriptor keeps meaning
	// the root we checked even if that PID is gone.
	below := strings.TrimPrefix(strings.TrimPrefix(host, r.path), "/")
	if below == "" {
		below = "."
	}
	fd, err := unix.Openat(r.fd, below, flags|unix.O_NOFOLLOW|unix.O_CLOEXEC, mode)
	if err != nil {
		return -1, r.pathError(p, err)
	}
	return fd, nil
}

// pathError names the path as the user typed it, and explains the two
// refusals a hostile container can provoke.
func (r *Root) pathError(p string, err error) error {
	switch {
	case errors.Is(err, unix.ELOOP) && useOpenat2():
		return fmt.Errorf("%s: a symlink on the way is a loop or a magic link such as /proc/self/root, which dockling does not follow: %w", p, unix.ELOOP)
	case errors.Is(err, unix.EXDEV):
		return fmt.Errorf("%s: the path leads out of the container's root: %w", p, err)
	}
	return &os.PathError{Op: "open", Path: p, Err: err}
}

// Stat reports what p is inside the root; follow says whether a symlink as
// the last component is followed (inside the root) or described itself.
func (r *Root) Stat(p string, follow bool) (unix.Stat_t, error) {
	var st unix.Stat_t
	flags := unix.O_PATH
	if !follow {
		flags |= unix.O_NOFOLLOW
	}
	fd, err := r.open(p, flags, 0)
	if err != nil {
		return st, err
	}
	defer unix.Close(fd)
	if err := unix.Fstat(fd, &st); err != nil {
		return st, r.pathError(p, err)
	}
	return st, nil
}

// openBeneath opens rel below the directory dirfd without following any
// symlink at all, not even one that stays inside: it is how a tar is
// unpacked, where every entry's parents must be real directories. A
// symlink anywhere on the way fails with ELOOP.
//
// openat2 does it in one call (RESOLVE_BENEATH refuses ".." and absolute
// names, RESOLVE_NO_SYMLINKS refuses every symlink). Without openat2 the
// same walk is done one component at a time with openat(O_NOFOLLOW), each
// step relative to the descriptor of the step before. That walk has no
// TOCTOU gap: nothing is ever looked up again by a path string.
func openBeneath(dirfd int, rel string, flags int, mode uint32) (int, error) {
	if rel == "" || rel == "." {
		return unix.Openat(dirfd, ".", flags|unix.O_CLOEXEC, mode)
	}
	if useOpenat2() {
		how := &unix.OpenHow{
			Flags:   uint64(flags | unix.O_NOFOLLOW | unix.O_CLOEXEC),
			Mode:    uint64(mode),
			Resolve: unix.RESOLVE_BENEATH | unix.RESOLVE_NO_SYMLINKS | unix.RESOLVE_NO_MAGICLINKS,
		}
		for {
			fd, err := unix.Openat2(dirfd, rel, how)
			if !errors.Is(err, unix.EAGAIN) {
				return fd, err
			}
		}
	}
	parts := strings.Split(rel, "/")
	cur := dirfd
	defer func() {
		if cur != dirfd {
			unix.Close(cur)
		}
	}()
	for _, part := range parts[:len(parts)-1] {
		if part == ".." {
			return -1, unix.EXDEV // callers clean names first; never climb
		}
		next, err := unix.Openat(cur, part, unix.O_PATH|unix.O_DIRECTORY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
		if err != nil {
			return -1, err
		}
		if cur != dirfd {
			unix.Close(cur)
		}
		cur = next
	}
	return unix.Openat(cur, parts[len(parts)-1], flags|unix.O_NOFOLLOW|unix.O_CLOEXEC, mode)
}

// reopen turns an O_PATH descriptor into a real one (for reading a file or
// listing a directory). Going through /proc/self/fd reopens the very inode
// we hold; no path is walked, so nothing can be swapped in.
func reopen(fd int, flags int) (*os.File, error) {
	nfd, err := unix.Open(fmt.Sprintf("/proc/self/fd/%d", fd), flags|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, err
	}
	return os.NewFile(uintptr(nfd), fmt.Sprintf("fd %d", nfd)), nil
}
