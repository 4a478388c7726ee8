package hostcheck

import (
	"bufio"
	"os"
	"strings"
)

// checkPivotRoot: step 2 swaps the container's root in with pivot_root(2),
// which refuses to move the initial "rootfs" of an initramfs (the kernel's
// own first mount can never be unmounted). Live and PXE-booted systems that
// run straight from the initramfs hit this as "pivot_root: invalid argument".
func checkPivotRoot(f facts) Result {
	r := Result{Name: "pivot_root"}
	fstype := rootMountType(f.host.proc("self/mountinfo"))
	if fstype == "" {
		// No mount table to read: statfs sees the initramfs as ramfs.
		if magic, err := f.host.FSType("/"); err == nil {
			fstype = fsName(magic)
		}
	}
	switch fstype {
	case "rootfs", "ramfs":
		r.Status = Warn
		r.Detail = "/ is the initramfs (" + fstype + "): pivot_root cannot move it"
		r.Fix = "boot from a disk, or first mount a tmpfs, copy the system into it and switch_root there" +
			" (runc's --no-pivot uses MS_MOVE and chroot instead, which can be escaped)"
	case "":
		r.Detail = "cannot tell what / is; assuming pivot_root works"
	default:
		r.Detail = "/ is " + fstype
	}
	return r
}

// rootMountType returns the filesystem type of the top mount at "/" in a
// mountinfo file, whose lines read
//
//	27 1 254:0 / / rw,relatime - ext4 /dev/vda rw
//
// (mount point in field 5, type after the " - " separator). Later lines
// stack on earlier ones, so the last "/" wins.
func rootMountType(path string) string {
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	fstype := ""
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		pre, post, ok := strings.Cut(sc.Text(), " - ")
		fields, tail := strings.Fields(pre), strings.Fields(post)
		if ok && len(fields) >= 5 && fields[4] == "/" && len(tail) > 0 {
			fstype = tail[0]
		}
	}
	return fstype
}
