package cgroups

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"golang.org/x/sys/unix"
)

// cgroupRoot is where distributions mount the cgroup trees.
const cgroupRoot = "/sys/fs/cgroup"

// parentName is the cgroup every container cgroup lives under, in each tree:
// /sys/fs/cgroup/memory/dockling/<name> on v1, /sys/fs/cgroup/dockling/<name>
// on v2.
const parentName = "dockling"

// host is the machine the package works on. A real host reads the kernel's
// files; unit tests point prefix at a fake tree in a temporary directory so
// they can check every path and value without root.
type host struct {
	// prefix is put in front of every absolute path read or written
	// ("" on a real host).
	prefix string
	// fake, when set, plays the parts of cgroupfs that a normal directory
	// does not: filling a new cgroup with its interface files, and letting
	// rmdir remove a cgroup that still shows those files.
	fake *fakeKernel
}

// realHost is the machine the program runs on.
var realHost = &host{}

// path turns an absolute path as the kernel names it into one to open.
func (h *host) path(p string) string { return h.prefix + p }

// unprefix turns an opened path back into the kernel's name for it, for
// messages and for matching against mountinfo.
func (h *host) unprefix(p string) string { return strings.TrimPrefix(p, h.prefix) }

// hierarchies lists the cgroup mounts of this host, with mountpoints already
// prefixed so they can be opened.
func (h *host) hierarchies() ([]hierarchy, error) {
	hs, err := parseMountinfo(h.path("/proc/self/mountinfo"))
	if err != nil {
		return nil, err
	}
	for i := range hs {
		hs[i].Mountpoint = h.path(hs[i].Mountpoint)
	}
	return hs, nil
}

// mode tells v1, v2 or hybrid. A real host asks the kernel with statfs, as
// DESIGN.md prescribes; the mount table answers when /sys/fs/cgroup is
// missing and for fake trees, where statfs would just say "tmpfs".
func (h *host) mode(hs []hierarchy) (Mode, error) {
	if h.fake == nil {
		if m, err := DetectMode(cgroupRoot); err == nil {
			return m, nil
		}
	}
	return modeFromMounts(hs, h.path(cgroupRoot))
}

// mkdir creates one cgroup directory. On cgroupfs the kernel fills it with
// the controllers' interface files at once.
func (h *host) mkdir(dir string) error {
	if err := os.Mkdir(dir, 0o755); err != nil {
		return err
	}
	if h.fake != nil {
		return h.fake.populate(dir)
	}
	return nil
}

// rmdir removes one cgroup directory. On cgroupfs rmdir works although the
// directory still lists interface files: they are not real files. It fails
// with EBUSY while a process or a child cgroup is still inside.
func (h *host) rmdir(dir string) error {
	if h.fake != nil {
		return h.fake.remove(dir)
	}
	return os.Remove(dir)
}

// write puts value into an existing interface file with one write(2):
// cgroupfs parses each write as a whole value.
func (h *host) write(path, value string) error {
	if h.fake != nil {
		return h.fake.write(path, value)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_TRUNC, 0)
	if err != nil {
		return err
	}
	_, err = f.WriteString(value)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// fakeKernel stands in for cgroupfs in unit tests. newFiles maps a hierarchy
// mountpoint to the interface file names (with their initial contents) the
// kernel would create in a new cgroup there.
type fakeKernel struct {
	newFiles map[string]map[string]string
}

func (k *fakeKernel) populate(dir string) error {
	mount := ""
	for m := range k.newFiles {
		if strings.HasPrefix(dir, m+"/") && len(m) > len(mount) {
			mount = m // the innermost mount holds dir
		}
	}
	if mount == "" {
		return fmt.Errorf("fake kernel: no cgroup mount holds %s", dir)
	}
	for name, content := range k.newFiles[mount] {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			return err
		}
	}
	return nil
}

func (k *fakeKernel) remove(dir string) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if e.IsDir() {
			// A child cgroup keeps its parent busy, as on the kernel.
			return &os.PathError{Op: "rmdir", Path: dir, Err: unix.EBUSY}
		}
	}
	return os.RemoveAll(dir)
}

// write stores value, except that cgroup.subtree_control, like the kernel,
// applies "+name" and "-name" to the list it holds.
func (k *fakeKernel) write(path, value string) error {
	if _, err := os.Stat(path); err != nil {
		return err // the kernel creates interface files; writes never do
	}
	if filepath.Base(path) == "cgroup.subtree_control" {
		old, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		on := strings.Fields(string(old))
		for _, w := range strings.Fields(value) {
			name := w[1:]
			on = slices.DeleteFunc(on, func(s string) bool { return s == name })
			if w[0] == '+' {
				on = append(on, name)
			}
		}
		value = strings.Join(on, " ")
	}
	return os.WriteFile(path, []byte(value), 0o644)
}
