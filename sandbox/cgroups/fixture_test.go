package cgroups

import (
	"bufio"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// fixtureHost copies testdata/<name> (a fake /proc and /sys/fs/cgroup) into
// a temporary directory and returns a host that works on the copy, with a
// fake kernel that fills new cgroups as kernel-new-cgroup.txt says.
func fixtureHost(t *testing.T, name string) *host {
	t.Helper()
	src := filepath.Join("testdata", name)
	dst := t.TempDir()
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), data, 0o644)
	})
	if err != nil {
		t.Fatalf("copy fixture %s: %v", name, err)
	}
	k := &fakeKernel{newFiles: map[string]map[string]string{}}
	f, err := os.Open(filepath.Join(src, "kernel-new-cgroup.txt"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		fields := strings.SplitN(line, " ", 3)
		if len(fields) != 3 {
			t.Fatalf("bad fixture line %q", line)
		}
		content, err := strconv.Unquote(fields[2])
		if err != nil {
			t.Fatalf("bad fixture content in %q: %v", line, err)
		}
		mount := dst + fields[0]
		if k.newFiles[mount] == nil {
			k.newFiles[mount] = map[string]string{}
		}
		k.newFiles[mount][fields[1]] = content
	}
	return &host{prefix: dst, fake: k}
}

// readFixture reads a file of the fake tree by its kernel path.
func readFixture(t *testing.T, h *host, path string) string {
	t.Helper()
	data, err := os.ReadFile(h.path(path))
	if err != nil {
		t.Fatalf("read %s: %v", path, err)
	}
	return strings.TrimSpace(string(data))
}

// writeFixture plays the kernel updating a counter.
func writeFixture(t *testing.T, h *host, path, content string) {
	t.Helper()
	if err := os.WriteFile(h.path(path), []byte(content), 0o644); err != nil {
		t.Fatalf("write %s: %v", path, err)
	}
}

// assertGone fails if a path of the fake tree still exists.
func assertGone(t *testing.T, h *host, path string) {
	t.Helper()
	if _, err := os.Stat(h.path(path)); !os.IsNotExist(err) {
		t.Errorf("%s still exists (err=%v)", path, err)
	}
}
