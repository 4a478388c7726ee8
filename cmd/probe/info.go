package main

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// unavailable is printed for a value the process cannot see. Inside a bare
// chroot there is no /proc, so everything read from it is unavailable; that
// is itself a lesson (step 1 adds a root, not a /proc).
const unavailable = "unavailable"

// namespaceKinds are the namespaces info reports, in the order printed.
// Two processes share a namespace exactly when these links name the same
// inode, which is how tests check isolation from the kernel's side.
var namespaceKinds = []string{"uts", "pid", "mnt", "ipc", "net", "cgroup", "user"}

// field is one "key: value" line of probe info. A key may repeat (cgroup).
type field struct{ key, value string }

// runInfo implements `probe info [KEY]`.
func runInfo(args []string, stdout, stderr io.Writer) int {
	if len(args) > 1 {
		return usageError(stderr, "info", "takes at most one KEY, got %d arguments", len(args))
	}
	fields := collectInfo("/proc")
	if len(args) == 0 {
		writeFields(stdout, fields)
		return exitOK
	}
	values := lookup(fields, args[0])
	if len(values) == 0 {
		return usageError(stderr, "info", "unknown key %q; known keys: %s", args[0], strings.Join(keys(fields), " "))
	}
	for _, v := range values {
		fmt.Fprintln(stdout, v)
	}
	return exitOK
}

// collectInfo gathers what this process can see about itself. proc is the
// procfs mount to read (a parameter so tests can point it at a fake tree).
func collectInfo(proc string) []field {
	self := filepath.Join(proc, "self")
	fs := []field{
		{"pid", strconv.Itoa(os.Getpid())},
		{"ppid", strconv.Itoa(os.Getppid())},
		{"hostname", hostname()},
		{"uid", strconv.Itoa(os.Getuid())},
		{"gid", strconv.Itoa(os.Getgid())},
		{"root", rootID()},
		{"cwd", cwd()},
	}
	for _, kind := range namespaceKinds {
		link, err := os.Readlink(filepath.Join(self, "ns", kind))
		if err != nil {
			link = unavailable
		}
		fs = append(fs, field{"ns." + kind, link})
	}
	for _, line := range cgroupLines(filepath.Join(self, "cgroup")) {
		fs = append(fs, field{"cgroup", line})
	}
	fs = append(fs,
		field{"capeff", statusValue(filepath.Join(self, "status"), "CapEff")},
		field{"mounts", mountCount(filepath.Join(self, "mountinfo"))},
	)
	return fs
}

func writeFields(w io.Writer, fs []field) {
	for _, f := range fs {
		fmt.Fprintf(w, "%s: %s\n", f.key, f.value)
	}
}

// lookup returns every value stored under key, in order.
func lookup(fs []field, key string) []string {
	var vs []string
	for _, f := range fs {
		if f.key == key {
			vs = append(vs, f.value)
		}
	}
	return vs
}

// keys lists the distinct keys, in order, for the unknown-key message.
func keys(fs []field) []string {
	var ks []string
	for i, f := range fs {
		if i == 0 || fs[i-1].key != f.key {
			ks = append(ks, f.key)
		}
	}
	return ks
}

func hostname() string {
	// os.Hostname asks uname(2) first, so it works without /proc.
	h, err := os.Hostname()
	if err != nil {
		return unavailable
	}
	return h
}

// fileID is what identifies a directory to the kernel: the device its file
// system lives on and its inode number there. Two paths that print the same
// fileID are the same directory, whatever their names say.
type fileID struct {
	Dev uint64
	Ino uint64
}

func (id fileID) String() string {
	return fmt.Sprintf("dev=%d:%d inode=%d", unix.Major(id.Dev), unix.Minor(id.Dev), id.Ino)
}

func statID(path string) (fileID, error) {
	var st unix.Stat_t
	if err := unix.Stat(path, &st); err != nil {
		return fileID{}, fmt.Errorf("stat %s: %w", path, err)
	}
	return fileID{Dev: st.Dev, Ino: st.Ino}, nil
}

func rootID() string {
	id, err := statID("/")
	if err != nil {
		return unavailable
	}
	return id.String()
}

func cwd() string {
	d, err := os.Getwd()
	if err != nil {
		return unavailable
	}
	return d
}

// cgroupLines returns /proc/self/cgroup one line per entry, e.g.
// "4:memory:/dockling/abc" on v1 or "0::/dockling/abc" on v2.
func cgroupLines(path string) []string {
	data, err := os.ReadFile(path)
	if err != nil {
		return []string{unavailable}
	}
	var lines []string
	for _, l := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		if l != "" {
			lines = append(lines, l)
		}
	}
	if len(lines) == 0 {
		return []string{unavailable}
	}
	return lines
}

// statusValue returns one field of /proc/self/status, such as CapEff: the
// effective capability set as a hex bit mask (capsh --decode=... spells it).
func statusValue(path, name string) string {
	f, err := os.Open(path)
	if err != nil {
		return unavailable
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if k, v, ok := strings.Cut(sc.Text(), ":"); ok && k == name {
			return strings.TrimSpace(v)
		}
	}
	return unavailable
}

// mountCount counts the mounts this process's mount namespace has. A fresh
// container shows a handful; the host shows dozens.
func mountCount(path string) string {
	data, err := os.ReadFile(path)
	if err != nil {
		return unavailable
	}
	return strconv.Itoa(bytes.Count(data, []byte("\n")))
}
