package rootfs

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/dockling/dockling/sandbox/explain"
	"golang.org/x/sys/unix"
)

// oldRoot is where pivot_root parks the host's root until we detach it.
const oldRoot = ".oldroot"

// PivotRoot makes root the root of this mount namespace and then detaches the
// host's old root entirely. Unlike chroot, nothing is left above the new "/"
// to climb back to: the old root is not hidden, it is gone from this
// namespace. Must run in a private mount namespace, after BindSelf(root).
func PivotRoot(root string) []explain.Op {
	put := filepath.Join(root, oldRoot)
	return []explain.Op{
		{
			Call: fmt.Sprintf(`chdir(%q)`, root), Shell: "cd " + q(root),
			Do: func() error { return unix.Chdir(root) },
		},
		{
			Call: fmt.Sprintf(`mkdir(%q, 0700)`, put), Shell: "mkdir -p " + oldRoot,
			Do: func() error { return os.MkdirAll(put, 0o700) },
		},
		{
			Call:  fmt.Sprintf(`pivot_root(".", %q)`, oldRoot),
			Shell: "pivot_root . " + oldRoot,
			Why:   "the image becomes / ; the host's root moves to /" + oldRoot,
			Do:    func() error { return unix.PivotRoot(".", oldRoot) },
		},
		{
			Call: `chdir("/")`, Shell: "cd /",
			Do: func() error { return unix.Chdir("/") },
		},
		{
			Call:  fmt.Sprintf(`umount2("/%s", MNT_DETACH)`, oldRoot),
			Shell: "umount -l /" + oldRoot,
			Why:   "detach the host's root: from here on it is unreachable",
			Do:    func() error { return unix.Unmount("/"+oldRoot, unix.MNT_DETACH) },
		},
		{
			Call: fmt.Sprintf(`rmdir("/%s")`, oldRoot), Shell: "rmdir /" + oldRoot,
			Do: func() error {
				// Another run of the same rootfs may still have its own old
				// root parked here; that is harmless, so busy is not an error.
				if err := unix.Rmdir("/" + oldRoot); err != nil && !errors.Is(err, unix.EBUSY) && !errors.Is(err, unix.ENOENT) {
					return err
				}
				return nil
			},
		},
	}
}

// Chroot changes only where path lookup starts. The process keeps every
// namespace of the host, and a root process can walk back out (see
// `dockling step 1 --escape`). It is step 1, and nothing more.
func Chroot(root string) []explain.Op {
	return []explain.Op{
		{
			Call: fmt.Sprintf(`chdir(%q)`, root),
			Do:   func() error { return unix.Chdir(root) },
		},
		{
			Call:  `chroot(".")`,
			Shell: "", // chroot(8) must run a command, so the script joins it to the exec
			Why:   `"/" now means the image's directory, for this process and its children`,
			Do:    func() error { return unix.Chroot(".") },
		},
	}
}
