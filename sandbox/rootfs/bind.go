package rootfs

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/dockling/dockling/sandbox/explain"
	"golang.org/x/sys/unix"
)

// BindMount is one host directory (or file) shown inside the container: a
// -v bind mount, or a named volume's _data directory.
type BindMount struct {
	Source      string `json:"source"`      // absolute host path; must exist
	Destination string `json:"destination"` // absolute path inside the container
	ReadOnly    bool   `json:"readOnly,omitempty"`
}

// BindMounts plans the volumes of a container rooted at root. It runs in the
// child's private mount namespace after the root filesystem is mounted and
// before pivot_root, while the host's paths (the sources) are still visible.
//
// Parents go before children (/data before /data/logs), whatever the order
// on the command line: mounting /data second would hide /data/logs.
func BindMounts(root string, mounts []BindMount) []explain.Op {
	sorted := append([]BindMount(nil), mounts...)
	sort.SliceStable(sorted, func(i, j int) bool {
		return depth(sorted[i].Destination) < depth(sorted[j].Destination)
	})
	var ops []explain.Op
	for _, m := range sorted {
		ops = append(ops, bindOps(root, m)...)
	}
	return ops
}

// depth counts the parts of a cleaned absolute path: "/" 0, "/a/b" 2.
func depth(p string) int {
	p = filepath.Clean("/" + p)
	if p == "/" {
		return 0
	}
	return strings.Count(p, "/")
}

// bindOps is one mount: make the mount point, bind, and for :ro make the
// bind read-only. The mount point is only known at run time: the root is
// mounted by then, and its symlinks are resolved inside it (SecureJoin).
// The Call and Shell text shows the path as written.
func bindOps(root string, m BindMount) []explain.Op {
	shown := filepath.Join(root, m.Destination)
	target := "" // set by the first op, used by the others
	ops := []explain.Op{
		{
			Call: fmt.Sprintf(`mkdir(%q, 0755) or open(%q, O_CREAT) if the source is a file`, shown, shown),
			Shell: fmt.Sprintf(`if [ -d %s ]; then mkdir -p %s; else mkdir -p %s && touch %s; fi`,
				q(m.Source), q(shown), q(filepath.Dir(shown)), q(shown)),
			Why: "the mount point, found inside the root: an image's symlink cannot point it at the host",
			Do: func() error {
				t, err := prepareTarget(root, m)
				target = t
				return err
			},
		},
		{
			Call:  fmt.Sprintf(`mount(%q, %q, "", MS_BIND|MS_REC, "")`, m.Source, shown),
			Shell: fmt.Sprintf("mount --rbind %s %s", q(m.Source), q(shown)),
			Why:   "the same host files, seen at a second place; writes go straight to the host",
			Do: func() error {
				if err := unix.Mount(m.Source, target, "", unix.MS_BIND|unix.MS_REC, ""); err != nil {
					return fmt.Errorf("bind %s on %s: %w", m.Source, target, err)
				}
				return nil
			},
		},
	}
	if m.ReadOnly {
		// A bind mount ignores MS_RDONLY: the first mount(2) only attaches
		// the existing files at a new place, and flags of the mount itself
		// can only be changed by a remount of that new mount point. So a
		// read-only bind takes two calls. The remount covers this mount
		// only: mounts below the source (if any) stay writable.
		ops = append(ops, explain.Op{
			Call:  fmt.Sprintf(`mount("", %q, "", MS_REMOUNT|MS_BIND|MS_RDONLY, "")`, shown),
			Shell: "mount -o remount,bind,ro " + q(shown),
			Why:   "a bind mount ignores ro at first; only a remount makes it read-only",
			Do: func() error {
				if err := unix.Mount("", target, "", unix.MS_REMOUNT|unix.MS_BIND|unix.MS_RDONLY, ""); err != nil {
					return fmt.Errorf("make %s read-only: %w", target, err)
				}
				return nil
			},
		})
	}
	return ops
}

// prepareTarget resolves m.Destination inside root and creates the mount
// point: a directory for a directory, an empty file for a file (a bind
// mount needs a target of the same kind as its source).
func prepareTarget(root string, m BindMount) (string, error) {
	target, err := SecureJoin(root, m.Destination)
	if err != nil {
		return "", err
	}
	if filepath.Clean(target) == filepath.Clean(root) {
		return "", fmt.Errorf("volume %s resolves to the container's / itself (a symlink in the image?); pick another container path", m.Destination)
	}
	fi, err := os.Stat(m.Source)
	if err != nil {
		return "", fmt.Errorf("volume source %s: %w", m.Source, err)
	}
	if fi.IsDir() {
		if err := os.MkdirAll(target, 0o755); err != nil {
			return "", fmt.Errorf("create mount point %s: %w", target, err)
		}
		return target, nil
	}
	if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
		return "", fmt.Errorf("create mount point %s: %w", target, err)
	}
	// An existing file is mount point enough. Opening it for writing would
	// make overlayfs copy it up into the container's writable layer, and a
	// commit would carry the image's own file as if the container wrote it.
	if st, err := os.Lstat(target); err == nil && st.Mode().IsRegular() {
		return target, nil
	}
	// O_NOFOLLOW: SecureJoin never returns a symlink, and this keeps it so.
	f, err := os.OpenFile(target, os.O_CREATE|os.O_WRONLY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0o644)
	if errors.Is(err, unix.EISDIR) {
		return "", fmt.Errorf("volume source %s is a file but %s is a directory in the image; mount a directory there", m.Source, m.Destination)
	}
	if err != nil {
		return "", fmt.Errorf("create mount point %s: %w", target, err)
	}
	return target, f.Close()
}
