package rootfs

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/dockling/dockling/sandbox/explain"
	"golang.org/x/sys/unix"
)

// device is a character device every program expects to find in /dev.
type device struct {
	name         string
	major, minor uint32
}

// minimalDevices is the short list docker also gives a container: harmless
// sources and sinks of bytes plus the terminal. No disks, no /dev/mem.
var minimalDevices = []device{
	{"null", 1, 3}, {"zero", 1, 5}, {"full", 1, 7},
	{"random", 1, 8}, {"urandom", 1, 9}, {"tty", 5, 0},
}

// MountDev gives the container a fresh, nearly empty /dev on a tmpfs instead
// of the host's, which holds every disk and device of the machine.
func MountDev(root string) []explain.Op {
	dev := filepath.Join(root, "dev")
	ops := []explain.Op{
		mountOp("tmpfs", dev, "tmpfs", unix.MS_NOSUID|unix.MS_STRICTATIME, "mode=755,size=65536k",
			"MS_NOSUID|MS_STRICTATIME", "an empty /dev of our own, not the host's"),
	}
	for _, d := range minimalDevices {
		ops = append(ops, mknod(filepath.Join(dev, d.name), d.major, d.minor))
	}
	ops = append(ops,
		mkdir(filepath.Join(dev, "pts")),
		mountOp("devpts", filepath.Join(dev, "pts"), "devpts", unix.MS_NOSUID|unix.MS_NOEXEC,
			"newinstance,ptmxmode=0666,mode=0620,gid=5", "MS_NOSUID|MS_NOEXEC",
			"a private set of pseudo-terminals, not the host's /dev/pts"),
		symlink("pts/ptmx", filepath.Join(dev, "ptmx")),
		mkdir(filepath.Join(dev, "shm")),
		mountOp("shm", filepath.Join(dev, "shm"), "tmpfs", unix.MS_NOSUID|unix.MS_NODEV|unix.MS_NOEXEC,
			"mode=1777,size=65536k", "MS_NOSUID|MS_NODEV|MS_NOEXEC", "shared memory for this IPC namespace"),
		symlink("/proc/self/fd", filepath.Join(dev, "fd")),
		symlink("/proc/self/fd/0", filepath.Join(dev, "stdin")),
		symlink("/proc/self/fd/1", filepath.Join(dev, "stdout")),
		symlink("/proc/self/fd/2", filepath.Join(dev, "stderr")),
	)
	return ops
}

func mknod(path string, major, minor uint32) explain.Op {
	return explain.Op{
		Call:  fmt.Sprintf(`mknod(%q, S_IFCHR|0666, makedev(%d, %d))`, path, major, minor),
		Shell: fmt.Sprintf("mknod -m 666 %s c %d %d", q(path), major, minor),
		Do: func() error {
			if err := unix.Mknod(path, unix.S_IFCHR|0o666, int(unix.Mkdev(major, minor))); err != nil {
				return err
			}
			// mknod applies the umask; set the mode we promised.
			return unix.Chmod(path, 0o666)
		},
	}
}

func mkdir(path string) explain.Op {
	return explain.Op{
		Call:  fmt.Sprintf(`mkdir(%q, 0755)`, path),
		Shell: "mkdir -p " + q(path),
		Do:    func() error { return os.MkdirAll(path, 0o755) },
	}
}

func symlink(target, path string) explain.Op {
	return explain.Op{
		Call:  fmt.Sprintf(`symlink(%q, %q)`, target, path),
		Shell: fmt.Sprintf("ln -s %s %s", q(target), q(path)),
		Do:    func() error { return os.Symlink(target, path) },
	}
}
