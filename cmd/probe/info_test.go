package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// fakeProc builds a tiny /proc/self with some files present and the rest
// missing, as a chroot without /proc or an odd kernel would show.
func fakeProc(t *testing.T) string {
	t.Helper()
	proc := t.TempDir()
	self := filepath.Join(proc, "self")
	if err := os.MkdirAll(filepath.Join(self, "ns"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("uts:[4026532000]", filepath.Join(self, "ns", "uts")); err != nil {
		t.Fatal(err)
	}
	files := map[string]string{
		"cgroup":    "4:memory:/dockling/abc\n0::/dockling/abc\n",
		"status":    "Name:\tprobe\nCapInh:\t0000000000000000\nCapEff:\t00000000a80425fb\n",
		"mountinfo": "1 0 0:1 / / rw - overlay overlay rw\n2 1 0:2 / /proc rw - proc proc rw\n3 1 0:3 / /dev rw - tmpfs tmpfs rw\n",
	}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(self, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return proc
}

func TestCollectInfoFromFakeProc(t *testing.T) {
	fields := collectInfo(fakeProc(t))
	want := map[string][]string{
		"pid":     {strconv.Itoa(os.Getpid())},
		"uid":     {strconv.Itoa(os.Getuid())},
		"ns.uts":  {"uts:[4026532000]"},
		"ns.pid":  {unavailable},
		"ns.user": {unavailable},
		"cgroup":  {"4:memory:/dockling/abc", "0::/dockling/abc"},
		"capeff":  {"00000000a80425fb"},
		"mounts":  {"3"},
		"ppid":    {strconv.Itoa(os.Getppid())},
		"gid":     {strconv.Itoa(os.Getgid())},
	}
	for key, values := range want {
		if got := lookup(fields, key); strings.Join(got, "|") != strings.Join(values, "|") {
			t.Errorf("%s: got %q, want %q", key, got, values)
		}
	}
	order := strings.Join(keys(fields), " ")
	if wantOrder := "pid ppid hostname uid gid root cwd ns.uts ns.pid ns.mnt ns.ipc ns.net ns.cgroup ns.user cgroup capeff mounts"; order != wantOrder {
		t.Errorf("keys in order:\n got %s\nwant %s", order, wantOrder)
	}
}

func TestCollectInfoWithoutProc(t *testing.T) {
	fields := collectInfo(filepath.Join(t.TempDir(), "no-proc"))
	for _, key := range []string{"ns.net", "cgroup", "capeff", "mounts"} {
		if got := lookup(fields, key); len(got) != 1 || got[0] != unavailable {
			t.Errorf("%s without /proc: got %q, want [%s]", key, got, unavailable)
		}
	}
	// What comes from system calls rather than /proc is still there.
	if got := lookup(fields, "root"); len(got) != 1 || !strings.HasPrefix(got[0], "dev=") {
		t.Errorf("root: got %q, want dev=MAJOR:MINOR inode=N", got)
	}
}

// Every line must be "key: value" with a non-empty value, because tests in
// other packages parse probe info that way.
func TestInfoOutputIsKeyValueLines(t *testing.T) {
	code, stdout, _ := runProbe("info")
	if code != exitOK {
		t.Fatalf("probe info: exit %d", code)
	}
	line := regexp.MustCompile(`^[a-z]+(\.[a-z]+)?: \S.*$`)
	lines := strings.Split(strings.TrimSuffix(stdout, "\n"), "\n")
	if len(lines) < 17 {
		t.Fatalf("probe info printed %d lines, want at least 17:\n%s", len(lines), stdout)
	}
	for _, l := range lines {
		if !line.MatchString(l) {
			t.Errorf("not a key: value line: %q", l)
		}
	}
}

func TestInfoSingleKey(t *testing.T) {
	code, stdout, _ := runProbe("info", "pid")
	if code != exitOK || strings.TrimSpace(stdout) != strconv.Itoa(os.Getpid()) {
		t.Errorf("probe info pid: exit %d, output %q, want %d", code, stdout, os.Getpid())
	}
	code, _, stderr := runProbe("info", "colour")
	if code != exitUsage || !strings.Contains(stderr, "known keys") {
		t.Errorf("probe info colour: exit %d, stderr %q; want %d and the list of known keys", code, stderr, exitUsage)
	}
}
