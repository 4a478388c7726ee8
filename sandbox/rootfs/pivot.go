package rootfs

import (
	"fmt"

	"github.com/dockling/dockling/sandbox/explain"
	"golang.org/x/sys/unix"
)

// PivotRoot makes root the root of this mount namespace and then detaches the
// host's old root entirely. Unlike chroot, nothing is left above the new "/"
// to climb back to: the old root is not hidden, it is gone from this
// namespace. Must run in a private mount namespace, after root was made a
// mount point (BindSelf or an overlay mount).
//
// pivot_root(".", ".") needs no spare directory: the old root is stacked on
// top of the new one at the same place, and the umount of "." right after
// takes it off again, leaving the image as the only thing at "/". Nothing is
// written into the image on the way.
func PivotRoot(root string) []explain.Op {
	return []explain.Op{
		{
			Call: fmt.Sprintf(`chdir(%q)`, root), Shell: "cd " + q(root),
			Do: func() error { return unix.Chdir(root) },
		},
		{
			Call:  `pivot_root(".", ".")`,
			Shell: "pivot_root . .",
			Why:   "the image becomes / ; the host's old root is stacked on top of it, for the moment",
			Do:    func() error { return unix.PivotRoot(".", ".") },
		},
		{
			Call:  `umount2(".", MNT_DETACH)`,
			Shell: "umount -l .",
			Why:   "detach the host's old root: from here on it is unreachable",
			Do:    func() error { return unix.Unmount(".", unix.MNT_DETACH) },
		},
		{
			Call: `chdir("/")`, Shell: "cd /",
			Do: func() error { return unix.Chdir("/") },
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
