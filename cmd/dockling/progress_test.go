package main

import (
	"os"
	"os/user"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

func TestProgressDirectory(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("SUDO_UID", "")
	t.Setenv("SUDO_GID", "")

	t.Setenv("XDG_STATE_HOME", "/srv/state")
	if p, err := openProgress(); err != nil || p.dir != "/srv/state/dockling" {
		t.Errorf("XDG_STATE_HOME=/srv/state: dir %q, %v", p.dir, err)
	}
	// The XDG spec says a relative path is invalid and to be ignored.
	t.Setenv("XDG_STATE_HOME", "relative/state")
	if p, _ := openProgress(); p.dir != filepath.Join(home, ".local/state/dockling") {
		t.Errorf("relative XDG_STATE_HOME: dir %q, want under HOME", p.dir)
	}
	t.Setenv("XDG_STATE_HOME", "")
	if p, _ := openProgress(); p.dir != filepath.Join(home, ".local/state/dockling") || p.uid != -1 {
		t.Errorf("no XDG_STATE_HOME: dir %q uid %d, want ~/.local/state/dockling and no owner change", p.dir, p.uid)
	}
}

// Under sudo, progress belongs to the user who typed sudo: their home,
// and files they own. Only root can be under sudo, so without root the
// same variables must change nothing.
func TestProgressUnderSudoIsTheInvokingUsers(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("XDG_STATE_HOME", "")
	nobody, err := user.Lookup("nobody")
	if err != nil {
		t.Fatalf("this test needs the nobody user: %v", err)
	}
	t.Setenv("SUDO_UID", nobody.Uid)
	t.Setenv("SUDO_GID", nobody.Gid)
	p, err := openProgress()
	if err != nil {
		t.Fatal(err)
	}
	if os.Geteuid() != 0 {
		if p.dir != filepath.Join(home, ".local/state/dockling") || p.uid != -1 {
			t.Errorf("not root, SUDO_UID set: dir %q uid %d, want the own home and no owner change", p.dir, p.uid)
		}
		return
	}
	if want := filepath.Join(nobody.HomeDir, ".local/state/dockling"); p.dir != want {
		t.Errorf("under sudo: dir %q, want SUDO_UID's home %q", p.dir, want)
	}

	// What is created is handed to that user, directories included.
	state := t.TempDir()
	t.Setenv("XDG_STATE_HOME", filepath.Join(state, "new"))
	if p, err = openProgress(); err != nil {
		t.Fatal(err)
	}
	if err := p.markRead("chroot"); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{filepath.Join(state, "new"), p.dir, filepath.Join(p.dir, lessonsReadFile)} {
		st, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if uid := st.Sys().(*syscall.Stat_t).Uid; int(uid) != p.uid {
			t.Errorf("%s is owned by uid %d, want %d (SUDO_UID)", path, uid, p.uid)
		}
	}
	if st, _ := os.Stat(state); st.Sys().(*syscall.Stat_t).Uid != 0 {
		t.Errorf("%s existed before and must keep its owner", state)
	}
}

func TestProgressRecords(t *testing.T) {
	dir := isolateProgress(t)
	p, err := openProgress()
	if err != nil {
		t.Fatal(err)
	}
	if read, err := p.lessonsRead(); err != nil || len(read) != 0 {
		t.Errorf("before anything is read: %v, %v", read, err)
	}
	if _, ok := p.tourStep(); ok {
		t.Error("a tour step is recorded before any tour")
	}
	for _, name := range []string{"overlay", "chroot", "overlay"} {
		if err := p.markRead(name); err != nil {
			t.Fatal(err)
		}
	}
	if data, _ := os.ReadFile(filepath.Join(dir, lessonsReadFile)); string(data) != "chroot\noverlay\n" {
		t.Errorf("lessons file %q, want each name once, sorted", data)
	}
	if err := p.setTourStep(4); err != nil {
		t.Fatal(err)
	}
	if n, ok := p.tourStep(); !ok || n != 4 {
		t.Errorf("tour step %d, %v; want 4", n, ok)
	}
	// No temporary files are left beside the records.
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".") {
			t.Errorf("left behind: %s", e.Name())
		}
	}
	for _, bad := range []string{"99\n", "-1\n", "four\n"} {
		if err := os.WriteFile(filepath.Join(dir, tourStepFile), []byte(bad), 0o644); err != nil {
			t.Fatal(err)
		}
		if n, ok := p.tourStep(); ok {
			t.Errorf("tour file %q read as step %d; want it ignored", bad, n)
		}
	}
	if err := p.forgetLessons(); err != nil {
		t.Fatal(err)
	}
	if read, _ := p.lessonsRead(); len(read) != 0 {
		t.Errorf("after forgetting: %v", read)
	}
	if err := p.forgetLessons(); err != nil {
		t.Errorf("forgetting twice: %v", err)
	}
}

// A progress openProgress could not place refuses politely and never
// falls back to a relative path in the working directory.
func TestProgressWithNowhereToKeepIt(t *testing.T) {
	t.Chdir(t.TempDir())
	if err := os.WriteFile(tourStepFile, []byte("3\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	var p progress // as openProgress returns it with its error
	if _, ok := p.tourStep(); ok {
		t.Error("read a tour step from the working directory")
	}
	if _, err := p.lessonsRead(); err != errNowhere {
		t.Errorf("lessonsRead: %v, want errNowhere", err)
	}
	if err := p.markRead("chroot"); err != errNowhere {
		t.Errorf("markRead: %v, want errNowhere", err)
	}
	if err := p.setTourStep(2); err != errNowhere {
		t.Errorf("setTourStep: %v", err)
	}
	if entries, _ := os.ReadDir("."); len(entries) != 1 {
		t.Errorf("files appeared in the working directory: %v", entries)
	}
}
