package rootfs

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"

	"golang.org/x/sys/unix"
)

// maxSymlinkHops bounds how many symlinks one path may pass through, as the
// kernel's own limit (40 per lookup) does: without it, a -> b, b -> a would
// spin forever. 255 matches what other runtimes allow for image paths.
const maxSymlinkHops = 255

// SecureJoin returns the host path that unsafePath names inside root, with
// every symlink on the way followed as if root were "/":
//
//   - an absolute target ("/etc") starts again at root, not at the host's /;
//   - ".." stops at root, however many there are ("../../../../etc");
//   - links are read, never opened, so a magic link such as /proc/self/root
//     is just the text "/" here and also lands back at root.
//
// The result is always root itself or below it. That is what makes
// `-v /host/dir:/data` safe against an image whose /data is a symlink to
// /etc: without this, mount(2) would follow the link on the host and cover
// the host's /etc.
//
// Parts that do not exist (yet) are joined as they are; since they are not
// symlinks, nothing can lead them out of root. The check holds while nobody
// swaps a directory for a symlink between this call and the mount; in
// dockling nothing of the container runs yet at that point.
func SecureJoin(root, unsafePath string) (string, error) {
	root = filepath.Clean(root)
	// done is the part resolved so far, relative to root, free of symlinks
	// and of "..": "" (root itself) or "a/b".
	done := ""
	todo := unsafePath
	hops := 0
	for todo != "" {
		var part string
		part, todo, _ = strings.Cut(todo, "/")
		switch part {
		case "", ".":
			continue
		case "..":
			// done holds no symlinks, so its parent is a plain string
			// operation; at root, ".." is root, as it is at "/".
			done = parentOf(done)
			continue
		}
		next := path.Join(done, part)
		fi, err := os.Lstat(filepath.Join(root, next))
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) || errors.Is(err, unix.ENOTDIR) {
				// Missing, or under a file: not a symlink, so safe to keep
				// walking by name. The mount itself will report ENOTDIR.
				done = next
				continue
			}
			return "", fmt.Errorf("resolve %q in %s: %w", unsafePath, root, err)
		}
		if fi.Mode()&fs.ModeSymlink == 0 {
			done = next
			continue
		}
		hops++
		if hops > maxSymlinkHops {
			return "", fmt.Errorf("resolve %q in %s: more than %d symlinks (a loop?): %w", unsafePath, root, maxSymlinkHops, unix.ELOOP)
		}
		target, err := os.Readlink(filepath.Join(root, next))
		if err != nil {
			return "", fmt.Errorf("resolve %q in %s: %w", unsafePath, root, err)
		}
		if strings.HasPrefix(target, "/") {
			done = "" // absolute: start again at the container's "/"
		}
		// The link's text replaces the link; what was left comes after it.
		// A relative target is read from the link's directory, which is done.
		todo = target + "/" + todo
	}
	return filepath.Join(root, done), nil
}

// parentOf is path.Dir for done's form, where "" is the root.
func parentOf(done string) string {
	i := strings.LastIndexByte(done, '/')
	if i < 0 {
		return ""
	}
	return done[:i]
}
