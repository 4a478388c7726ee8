// Package rootfs builds the container's view of the filesystem: which
// directory is "/", and the special filesystems (/proc, /dev, /sys) inside it.
//
// Every function returns a plan (explain.Op values) rather than acting at
// once, so the same code is shown by --explain and printed by --script.
package rootfs

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/dockling/dockling/sandbox/explain"
	"golang.org/x/sys/unix"
)

var q = explain.Quote

// MakePrivate stops mount events crossing between the new mount namespace and
// the host. systemd marks "/" shared, so without this every mount the
// container makes would appear on the host too, and pivot_root refuses to
// work on a shared parent mount.
func MakePrivate() explain.Op {
	return explain.Op{
		Call:  `mount("", "/", "", MS_REC|MS_PRIVATE, "")`,
		Shell: "mount --make-rprivate /",
		Why:   "mounts made from now on stay in this namespace (systemd made / shared)",
		Do:    func() error { return unix.Mount("", "/", "", unix.MS_REC|unix.MS_PRIVATE, "") },
	}
}

// BindSelf turns dir into a mount point of its own, which pivot_root needs:
// the new root must be a mount, not just a directory.
func BindSelf(dir string) explain.Op {
	return explain.Op{
		Call:  fmt.Sprintf(`mount(%q, %q, "", MS_BIND|MS_REC, "")`, dir, dir),
		Shell: fmt.Sprintf("mount --rbind %s %s", q(dir), q(dir)),
		Why:   "pivot_root needs the new root to be a mount point",
		Do:    func() error { return unix.Mount(dir, dir, "", unix.MS_BIND|unix.MS_REC, "") },
	}
}

// mountOp mounts a filesystem of type fstype on target, creating target.
func mountOp(source, target, fstype string, flags uintptr, data, flagNames, why string) explain.Op {
	shell := fmt.Sprintf("mount -t %s", fstype)
	if opts := optionList(flags, data); opts != "" {
		shell += " -o " + opts
	}
	shell += fmt.Sprintf(" %s %s", source, q(target))
	call := fmt.Sprintf(`mount(%q, %q, %q, %s, %q)`, source, target, fstype, flagNames, data)
	return explain.Op{
		Call: call, Shell: shell, Why: why,
		Do: func() error {
			if err := os.MkdirAll(target, 0o755); err != nil {
				return err
			}
			return unix.Mount(source, target, fstype, flags, data)
		},
	}
}

// optionList spells mount flags the way mount(8) -o takes them.
func optionList(flags uintptr, data string) string {
	var opts []string
	for _, f := range []struct {
		bit  uintptr
		name string
	}{{unix.MS_RDONLY, "ro"}, {unix.MS_NOSUID, "nosuid"}, {unix.MS_NODEV, "nodev"}, {unix.MS_NOEXEC, "noexec"}} {
		if flags&f.bit != 0 {
			opts = append(opts, f.name)
		}
	}
	if data != "" {
		opts = append(opts, data)
	}
	return join(opts, ",")
}

func join(s []string, sep string) string {
	out := ""
	for i, x := range s {
		if i > 0 {
			out += sep
		}
		out += x
	}
	return out
}

// MountProc mounts a fresh procfs. Mounted from inside a new PID namespace it
// shows only that namespace's processes: the host's are simply not listed.
func MountProc(root string) explain.Op {
	return mountOp("proc", filepath.Join(root, "proc"), "proc", unix.MS_NOSUID|unix.MS_NODEV|unix.MS_NOEXEC, "",
		"MS_NOSUID|MS_NODEV|MS_NOEXEC", "a /proc that lists only this PID namespace's processes")
}

// MountSys mounts sysfs read-only. In a new network namespace it lists only
// that namespace's network devices.
func MountSys(root string) explain.Op {
	return mountOp("sysfs", filepath.Join(root, "sys"), "sysfs", unix.MS_RDONLY|unix.MS_NOSUID|unix.MS_NODEV|unix.MS_NOEXEC, "",
		"MS_RDONLY|MS_NOSUID|MS_NODEV|MS_NOEXEC", "a read-only /sys: look, don't touch")
}
