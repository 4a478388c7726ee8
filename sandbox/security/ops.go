package security

import (
	"errors"
	"fmt"
	"strings"

	"github.com/dockling/dockling/sandbox/explain"
	"golang.org/x/sys/unix"
)

// maskedDirs are the default masked paths that are directories: they get an
// empty read-only tmpfs, the files get /dev/null. The plan is written
// before anything runs, so the text follows this table; at run time each
// path is looked at, and what is really there decides.
var maskedDirs = map[string]bool{
	"/proc/asound": true, "/proc/acpi": true, "/proc/scsi": true,
	"/sys/firmware": true, "/sys/devices/virtual/powercap": true,
}

// PathOps masks and write-protects parts of /proc and /sys. They run inside
// the new root, after pivot_root, so every path is the container's own;
// paths this kernel does not have are skipped.
//
// None of them follows a symlink: each path is opened with
// O_PATH|O_NOFOLLOW and the mount goes onto /proc/self/fd/N, which names
// exactly the file that was opened. A symlink planted at one of these
// places would otherwise turn "hide /proc/kcore" into "mount over whatever
// the link points to".
func PathOps(s *Spec) []explain.Op {
	if s == nil || s.Privileged {
		return nil
	}
	var ops []explain.Op
	for _, p := range s.MaskedPaths {
		ops = append(ops, maskOp(p, maskedDirs[p]))
	}
	for _, p := range s.ReadonlyPaths {
		ops = append(ops, readonlyOp(p)...)
	}
	return ops
}

func maskOp(path string, dir bool) explain.Op {
	op := explain.Op{
		Call:  fmt.Sprintf(`mount("/dev/null", %q, "", MS_BIND, "")`, path),
		Shell: "mount --bind /dev/null " + explain.Quote(path),
		Why:   "hide a host file: reading it now reads /dev/null",
	}
	if dir {
		op.Call = fmt.Sprintf(`mount("tmpfs", %q, "tmpfs", MS_RDONLY, "")`, path)
		op.Shell = "mount -t tmpfs -o ro tmpfs " + explain.Quote(path)
		op.Why = "hide a host directory under an empty read-only tmpfs"
	}
	op.Do = func() error {
		return withPath(path, func(target string, isDir bool) error {
			if isDir {
				return unix.Mount("tmpfs", target, "tmpfs", unix.MS_RDONLY, "")
			}
			return unix.Mount("/dev/null", target, "", unix.MS_BIND, "")
		})
	}
	return op
}

// readonlyOp binds a path onto itself and makes that bind read-only (a bind
// ignores MS_RDONLY at first: the second, remount call sets it). nosuid,
// nodev and noexec are kept, as /proc has them.
func readonlyOp(path string) []explain.Op {
	const flags = unix.MS_REMOUNT | unix.MS_BIND | unix.MS_RDONLY | unix.MS_NOSUID | unix.MS_NODEV | unix.MS_NOEXEC
	return []explain.Op{
		{
			Call:  fmt.Sprintf(`mount(%q, %q, "", MS_BIND|MS_REC, "")`, path, path),
			Shell: fmt.Sprintf("mount --rbind %s %s", explain.Quote(path), explain.Quote(path)),
			Why:   "readable but not writable: writing here would change the whole host",
			Do: func() error {
				return withPath(path, func(target string, _ bool) error {
					return unix.Mount(target, target, "", unix.MS_BIND|unix.MS_REC, "")
				})
			},
		},
		{
			Call:  fmt.Sprintf(`mount("", %q, "", MS_REMOUNT|MS_BIND|MS_RDONLY|MS_NOSUID|MS_NODEV|MS_NOEXEC, "")`, path),
			Shell: "mount -o remount,bind,ro,nosuid,nodev,noexec " + explain.Quote(path),
			Do: func() error {
				// Opened again: the new bind mount is on top now, and
				// the descriptor must name it, not the file below.
				return withPath(path, func(target string, _ bool) error {
					return unix.Mount("", target, "", flags, "")
				})
			},
		},
	}
}

// withPath opens path without following a symlink in its last part and
// hands do the /proc/self/fd/N name of what was opened. A missing path is
// skipped: not every kernel has /proc/timer_stats or /proc/asound.
func withPath(path string, do func(target string, isDir bool) error) error {
	fd, err := unix.Open(path, unix.O_PATH|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
	if errors.Is(err, unix.ENOENT) {
		return nil
	}
	if err != nil {
		return err
	}
	defer unix.Close(fd)
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		return err
	}
	if st.Mode&unix.S_IFMT == unix.S_IFLNK {
		return fmt.Errorf("%s is a symlink; refusing to mount over what it points to", path)
	}
	return do(fmt.Sprintf("/proc/self/fd/%d", fd), st.Mode&unix.S_IFMT == unix.S_IFDIR)
}

// BoundingOp removes every capability not in the set from the bounding
// set, the ceiling of what this process and anything it ever execs can
// have. It needs CAP_SETPCAP, so it runs while the child is still full
// root, after all the mounts (which need CAP_SYS_ADMIN) and before the
// switch to -u's user. Taking a capability out of the bounding set does not
// take it out of the effective set: setuid(2) and setgroups(2) still work
// afterwards, CapsOps lowers the rest.
func BoundingOp(s *Spec) []explain.Op {
	if s == nil || s.Privileged {
		return nil
	}
	keep := Mask(s.Capabilities)
	return []explain.Op{{
		Call:  fmt.Sprintf("prctl(PR_CAPBSET_DROP, cap) for every cap not in %#x", keep),
		Shell: "setpriv --bounding-set " + setprivList(s.Capabilities) + " -- COMMAND",
		Why:   "the ceiling of capabilities for this process and all it execs; no exec can raise it",
		Do: func() error {
			// Up to the first EINVAL: the kernel's last capability
			// (cap_last_cap) may be lower or higher than our table's.
			for c := 0; c < 64; c++ {
				if keep&(1<<uint(c)) != 0 {
					continue
				}
				if err := unix.Prctl(unix.PR_CAPBSET_DROP, uintptr(c), 0, 0, 0); err != nil {
					if errors.Is(err, unix.EINVAL) {
						return nil
					}
					return fmt.Errorf("drop capability %d: %w", c, err)
				}
			}
			return nil
		},
	}}
}

// CapsOps run after the user switch, just before the exec: capset(2) to the
// set (nothing for a non-root user, as docker: setuid(2) away from root has
// already emptied its sets, and it stays empty), the ambient set cleared,
// and no_new_privs.
//
// All of this is per thread in the kernel, and execve keeps the calling
// thread's: nsinit locks itself to one OS thread so these land on the
// thread that execs.
func CapsOps(s *Spec, nonRoot bool) []explain.Op {
	if s == nil || s.Privileged {
		return nil
	}
	caps := s.Capabilities
	who := "root in the container keeps only these"
	if nonRoot {
		caps = nil
		who = "a non-root user gets no capabilities at all"
	}
	mask := Mask(caps)
	ops := []explain.Op{
		{
			Call:  fmt.Sprintf("capset({_LINUX_CAPABILITY_VERSION_3, 0}, {effective=permitted=%#x, inheritable=0})", mask),
			Shell: "setpriv --inh-caps -all -- COMMAND",
			Why:   who,
			Do:    func() error { return capset(mask) },
		},
		{
			Call:  "prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0)",
			Shell: "setpriv --ambient-caps -all -- COMMAND",
			Why:   "ambient capabilities would survive the exec even for a non-root user",
			Do: func() error {
				err := unix.Prctl(unix.PR_CAP_AMBIENT, unix.PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0)
				if errors.Is(err, unix.EINVAL) {
					return nil // before Linux 4.3 (CentOS 7) there is no ambient set to clear
				}
				return err
			},
		},
	}
	if s.NoNewPrivs {
		ops = append(ops, explain.Op{
			Call:  "prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)",
			Shell: "setpriv --no-new-privs -- COMMAND",
			Why:   "from here on no exec gains privilege: setuid bits and file capabilities are ignored",
			Do:    func() error { return unix.Prctl(unix.PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) },
		})
	}
	return ops
}

// capset sets this thread's effective and permitted sets to mask and
// empties the inheritable set. Version 3 of the interface takes two 32-bit
// words for each set, low capabilities first.
func capset(mask uint64) error {
	hdr := unix.CapUserHeader{Version: unix.LINUX_CAPABILITY_VERSION_3}
	var data [2]unix.CapUserData
	for i := range data {
		word := uint32(mask >> (32 * uint(i)))
		data[i] = unix.CapUserData{Effective: word, Permitted: word}
	}
	return unix.Capset(&hdr, &data[0])
}

// setprivList is a setpriv(1) capability list: "-all,+chown,+kill".
func setprivList(caps []string) string {
	parts := []string{"-all"}
	for _, c := range lower(caps) {
		parts = append(parts, "+"+c)
	}
	return strings.Join(parts, ",")
}
