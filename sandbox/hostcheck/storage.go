package hostcheck

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"golang.org/x/sys/unix"
)

// fsNames names the filesystems the doctor has something to say about, by
// the magic number statfs(2) returns in f_type.
var fsNames = map[int64]string{
	unix.EXT4_SUPER_MAGIC:      "ext4",
	unix.XFS_SUPER_MAGIC:       "xfs",
	unix.BTRFS_SUPER_MAGIC:     "btrfs",
	unix.TMPFS_MAGIC:           "tmpfs",
	unix.OVERLAYFS_SUPER_MAGIC: "overlay",
	unix.RAMFS_MAGIC:           "ramfs",
	unix.NFS_SUPER_MAGIC:       "nfs",
	unix.F2FS_SUPER_MAGIC:      "f2fs",
}

// fsName is the filesystem's name, or its magic in hex when unknown.
func fsName(magic int64) string {
	if n, ok := fsNames[magic]; ok {
		return n
	}
	return fmt.Sprintf("fs magic %#x", magic)
}

// statfsType is the default Host.FSType.
func statfsType(path string) (int64, error) {
	var st unix.Statfs_t
	if err := unix.Statfs(path, &st); err != nil {
		return 0, fmt.Errorf("statfs %s: %w", path, err)
	}
	return int64(st.Type), nil
}

// checkStorage: containers' writable layers (overlay "upper" directories)
// live in the state directory. overlayfs needs the filesystem under them to
// report each entry's type in readdir (d_type); XFS made with ftype=0, as
// early CentOS 7 installs made it, does not, and overlay then misbehaves.
// Nor can an upper directory sit on overlayfs itself (dockling inside docker).
func checkStorage(f facts) Result {
	r := Result{Name: "storage"}
	dir := nearestExisting(f.host.StateDir)
	where := dir
	if dir != f.host.StateDir {
		where = fmt.Sprintf("%s (not created yet; checked %s)", f.host.StateDir, dir)
	}
	magic, err := f.host.FSType(dir)
	if err != nil {
		r.Status = Warn
		r.Detail = fmt.Sprintf("%s: %v", where, err)
		return r
	}
	name := fsName(magic)
	r.Detail = fmt.Sprintf("%s on %s", where, name)
	if magic == unix.OVERLAYFS_SUPER_MAGIC {
		r.Status = Warn
		r.Detail += ": overlay cannot stack on overlay, so dockling will copy images"
		r.Fix = "point DOCKLING_ROOT at a directory on a real disk, or a tmpfs, or a volume mounted into this container"
		return r
	}

	works, err := f.host.DirentTypes(dir)
	switch {
	case err != nil && (magic == unix.EXT4_SUPER_MAGIC || magic == unix.BTRFS_SUPER_MAGIC || magic == unix.TMPFS_MAGIC):
		// These always fill in d_type; not being able to test is no news.
		r.Detail += " (d_type not tested: " + shortReason(err) + ")"
	case err != nil:
		r.Status = Warn
		r.Detail += "; cannot test d_type: " + shortReason(err)
		r.Fix = "run as root so the doctor can create a test file there"
		if magic == unix.XFS_SUPER_MAGIC {
			r.Fix += "; or check by hand: xfs_info " + dir + " | grep ftype (needs ftype=1)"
		}
	case works && magic == unix.XFS_SUPER_MAGIC:
		r.Detail += ", d_type works (ftype=1)"
	case works:
		r.Detail += ", d_type works"
	default:
		r.Status = Warn
		r.Detail += ": no d_type in directory entries, so overlay cannot be used; dockling copies the rootfs instead (slower)"
		if magic == unix.XFS_SUPER_MAGIC {
			r.Detail = fmt.Sprintf("%s on xfs with ftype=0: overlay needs d_type; dockling copies the rootfs instead (slower)", where)
			r.Fix = "make a new volume with mkfs.xfs -n ftype=1 and mount it at " + f.host.StateDir +
				" (ftype cannot be changed in place; xfs_info shows it; CentOS 7 root volumes are often ftype=0)"
		} else {
			r.Fix = "put " + f.host.StateDir + " on ext4, or on xfs made with mkfs.xfs -n ftype=1"
		}
	}
	return r
}

// nearestExisting walks up from dir to the first directory that exists: the
// state directory may not be made yet, and it will live on its parent's
// filesystem.
func nearestExisting(dir string) string {
	for {
		if fi, err := os.Stat(dir); err == nil && fi.IsDir() {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return dir
		}
		dir = parent
	}
}

// shortReason keeps the report on one line: "no permission to write there"
// rather than the full mkdir error, which only adds a random file name.
func shortReason(err error) string {
	if errors.Is(err, os.ErrPermission) {
		return "no permission to write there"
	}
	return err.Error()
}
