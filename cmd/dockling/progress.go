package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/dockling/dockling/steps"
)

// progressHelp says where progress is kept; the lesson and tour commands
// both quote it in their help, so it is written once.
const progressHelp = `Progress is remembered per user in $XDG_STATE_HOME/dockling (by default
~/.local/state/dockling): "lessons" lists the lessons read, "tour" the
last tour step finished. Under sudo it is the invoking user's directory
(SUDO_USER's home), and the files stay that user's, so "sudo dockling tour"
and "dockling lesson" share one record.`

// progress is one learner's record on disk: which lessons they have read
// and the last tour step they finished. Both are small text files, written
// whole (temp file + rename), so a crash never leaves half a list.
type progress struct {
	dir string
	// uid and gid own what is created under sudo, so that the learner's
	// own, unprivileged runs can still write there; -1 to leave as is.
	uid, gid int
}

// errNowhere is what a progress that openProgress could not place says.
var errNowhere = errors.New("no place to keep your progress; set HOME or XDG_STATE_HOME")

const (
	lessonsReadFile = "lessons"
	tourStepFile    = "tour"
)

// openProgress finds the learner's state directory. It creates nothing:
// reading a list must not need a writable home.
//
// Under sudo the learner is SUDO_USER, not root: the tour needs root and
// the lessons do not, and one learner's progress should not be split in
// two. An explicit XDG_STATE_HOME still wins (sudo removes it by default,
// so if it is there, someone kept it on purpose).
func openProgress() (progress, error) {
	p := progress{uid: -1, gid: -1}
	sudoHome := ""
	if os.Geteuid() == 0 {
		uid, errU := strconv.Atoi(os.Getenv("SUDO_UID"))
		gid, errG := strconv.Atoi(os.Getenv("SUDO_GID"))
		if errU == nil && errG == nil && uid != 0 {
			p.uid, p.gid = uid, gid
			if u, err := user.LookupId(strconv.Itoa(uid)); err == nil && u.HomeDir != "" {
				sudoHome = u.HomeDir
			}
		}
	}
	switch state := os.Getenv("XDG_STATE_HOME"); {
	case filepath.IsAbs(state): // the spec ignores a relative one
		p.dir = filepath.Join(state, "dockling")
	case sudoHome != "":
		p.dir = filepath.Join(sudoHome, ".local", "state", "dockling")
	default:
		home, err := os.UserHomeDir()
		if err != nil {
			return p, fmt.Errorf("find where to keep your progress: %w; set HOME or XDG_STATE_HOME", err)
		}
		p.dir = filepath.Join(home, ".local", "state", "dockling")
	}
	return p, nil
}

// lessonsRead returns the names of the lessons read; none if the file is
// not there yet.
func (p progress) lessonsRead() (map[string]bool, error) {
	if p.dir == "" {
		return nil, errNowhere
	}
	data, err := os.ReadFile(filepath.Join(p.dir, lessonsReadFile))
	if errors.Is(err, fs.ErrNotExist) {
		return map[string]bool{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read your lesson progress: %w", err)
	}
	read := map[string]bool{}
	for _, name := range strings.Fields(string(data)) {
		read[name] = true
	}
	return read, nil
}

// markRead adds a lesson to the lessons read. Lessons are kept by name,
// not number, so the record survives a renumbered course.
func (p progress) markRead(name string) error {
	read, err := p.lessonsRead()
	if err != nil {
		return err
	}
	if read[name] {
		return nil
	}
	read[name] = true
	names := make([]string, 0, len(read))
	for n := range read {
		names = append(names, n)
	}
	sort.Strings(names)
	return p.write(lessonsReadFile, strings.Join(names, "\n")+"\n")
}

// forgetLessons clears the lessons read; the tour's step stays.
func (p progress) forgetLessons() error {
	if p.dir == "" {
		return errNowhere
	}
	err := os.Remove(filepath.Join(p.dir, lessonsReadFile))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("forget your lesson progress: %w", err)
	}
	return nil
}

// tourStep returns the last tour step finished, false if none is recorded
// or the record is not a step there is.
func (p progress) tourStep() (int, bool) {
	if p.dir == "" {
		return 0, false
	}
	data, err := os.ReadFile(filepath.Join(p.dir, tourStepFile))
	if err != nil {
		return 0, false
	}
	n, err := strconv.Atoi(strings.TrimSpace(string(data)))
	if err != nil || n < 0 || n >= len(steps.All) {
		return 0, false
	}
	return n, true
}

func (p progress) setTourStep(n int) error {
	return p.write(tourStepFile, strconv.Itoa(n)+"\n")
}

// write replaces dir/name with data atomically, creating the directory
// (and, under sudo, handing what it creates to the learner).
func (p progress) write(name, data string) error {
	if p.dir == "" {
		return errNowhere
	}
	if err := p.mkdirAll(p.dir); err != nil {
		return fmt.Errorf("create %s to keep your progress: %w", p.dir, err)
	}
	tmp, err := os.CreateTemp(p.dir, "."+name+".*")
	if err != nil {
		return fmt.Errorf("save your progress in %s: %w", p.dir, err)
	}
	defer os.Remove(tmp.Name()) // harmless after the rename
	if _, err := tmp.WriteString(data); err != nil {
		tmp.Close()
		return fmt.Errorf("save your progress in %s: %w", tmp.Name(), err)
	}
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return fmt.Errorf("save your progress in %s: %w", tmp.Name(), err)
	}
	if p.uid >= 0 {
		if err := tmp.Chown(p.uid, p.gid); err != nil {
			tmp.Close()
			return fmt.Errorf("give %s to uid %d: %w", tmp.Name(), p.uid, err)
		}
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("save your progress in %s: %w", tmp.Name(), err)
	}
	if err := os.Rename(tmp.Name(), filepath.Join(p.dir, name)); err != nil {
		return fmt.Errorf("save your progress: %w", err)
	}
	return nil
}

// mkdirAll is os.MkdirAll that also chowns each directory it creates, so
// that ~/.local/state made by "sudo dockling tour" is not left to root.
func (p progress) mkdirAll(dir string) error {
	if st, err := os.Stat(dir); err == nil {
		if !st.IsDir() {
			return fmt.Errorf("%s is not a directory", dir)
		}
		return nil
	}
	if parent := filepath.Dir(dir); parent != dir {
		if err := p.mkdirAll(parent); err != nil {
			return err
		}
	}
	if err := os.Mkdir(dir, 0o755); err != nil && !errors.Is(err, fs.ErrExist) {
		return err
	}
	if p.uid >= 0 {
		return os.Chown(dir, p.uid, p.gid)
	}
	return nil
}
