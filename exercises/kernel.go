package exercises

import (
	"fmt"
	"os"
	"strings"

	"golang.org/x/sys/unix"
)

// kernel is everything the checks read. The real one (hostKernel) asks
// this machine's kernel; unit tests hand the checks a fake one, so every
// pass and fail path is tested without root.
type kernel interface {
	// container is the record of the container with exactly this name, or
	// nil when there is none; the only thing taken from dockling's state.
	container(name string) (*record, error)
	readFile(path string) ([]byte, error)
	readlink(path string) (string, error)
	stat(path string) (fileID, error) // follows symbolic links
	exists(path string) (bool, error) // does not
	// hostname is the hostname in the UTS namespace of process pid.
	hostname(pid int) (string, error)
	// cgroup finds container id's cgroup (the memory controller's on v1)
	// and the processes in it.
	cgroup(id string) (dir string, procs []int, err error)
	// volumeDir is the host directory of named volume name, "" if none.
	volumeDir(name string) (string, error)
	layersDir() string
	// netOf reads eth0 in the network namespace of process pid: its IPv4
	// address and the index of its peer (iflink) in the host's namespace.
	netOf(pid int) (ip string, iflink int, err error)
	// link describes the host's link with this index.
	link(index int) (link, error)
	// natRules lists `iptables -t nat -S`; have is false on a host with no
	// iptables command.
	natRules() (rules []string, have bool, err error)
	dial(addr string) error
}

// record is what the checks take from a container's record: which process
// to look at.
type record struct {
	id     string
	pid    int
	alive  bool   // running, and the recorded process is still that process
	status string // as `dockling ps` words it: exited (137)
}

// fileID names a file by its device and inode: two paths with the same
// fileID are the same file, however they are reached.
type fileID struct{ dev, ino uint64 }

func (f fileID) String() string {
	return fmt.Sprintf("inode %d on device %d:%d", f.ino, unix.Major(f.dev), unix.Minor(f.dev))
}

func statID(path string, stat func(string, *unix.Stat_t) error) (fileID, error) {
	var st unix.Stat_t
	if err := stat(path, &st); err != nil {
		return fileID{}, &os.PathError{Op: "stat", Path: path, Err: err}
	}
	return fileID{dev: uint64(st.Dev), ino: st.Ino}, nil
}

// link is one network device on the host.
type link struct {
	name, kind string
	master     string // the bridge it is plugged into, "" if none
}

func (l link) String() string {
	if l.master == "" {
		return fmt.Sprintf("%s (%s) on no bridge", l.name, l.kind)
	}
	return fmt.Sprintf("%s (%s) on %s", l.name, l.kind, l.master)
}

// words is a process status as `dockling ps` puts it.
func words(status string, exitCode int) string {
	if status == "exited" {
		return fmt.Sprintf("exited (%d)", exitCode)
	}
	return strings.TrimSpace(status)
}
