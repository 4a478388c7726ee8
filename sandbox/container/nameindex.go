package container

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// The name index: R/container-names/<name> is a symbolic link whose target
// is the id of the container with that name. It sits beside containers/,
// not in it, where every directory is a container. Without it, making a
// container or finding one by name read every record in the store: with 50
// exited containers that cost a `dockling run` 1.6 ms and a `dockling
// inspect` 2.4 ms. A link is made and removed with one system call each,
// and symlink(2) fails when the name is taken, so the file system itself
// keeps names unique; Create still holds the store's lock so that a stale
// link can be told from one being made.
//
// The order of the steps makes every crash safe: Create links the name
// before it writes the record, and Remove unlinks it after the directory
// is gone. A link whose record is missing is stale, and Create reclaims it.
const namesDir = "container-names"

func (s *Store) namesPath() string { return filepath.Join(filepath.Dir(s.dir), namesDir) }

func (s *Store) nameLink(name string) string { return filepath.Join(s.namesPath(), name) }

// ensureNameIndex builds the index from the records once, for a state root
// made by a dockling older than the index. The caller holds lockAll.
func (s *Store) ensureNameIndex() error {
	if _, err := os.Lstat(s.namesPath()); err == nil {
		return nil
	}
	all, err := s.scan()
	if err != nil {
		return err
	}
	// Built aside and renamed into place, so a reader sees no index or a
	// whole one.
	tmp, err := os.MkdirTemp(filepath.Dir(s.dir), namesDir+"-new-")
	if err != nil {
		return fmt.Errorf("build the container name index: %w", err)
	}
	defer os.RemoveAll(tmp) // nothing left after a successful rename
	for _, c := range all {
		if err := os.Symlink(c.ID, filepath.Join(tmp, c.Name)); err != nil && !errors.Is(err, os.ErrExist) {
			return fmt.Errorf("build the container name index: %w", err)
		}
	}
	if err := os.Rename(tmp, s.namesPath()); err != nil {
		return fmt.Errorf("build the container name index: %w", err)
	}
	return nil
}

// indexed reads the id the index gives for name ("" if none).
func (s *Store) indexed(name string) string {
	id, err := os.Readlink(s.nameLink(name))
	if err != nil || !isID(id) {
		return ""
	}
	return id
}

// reserveName links name to id, reclaiming a stale link. The caller holds
// lockAll. It returns the id of a live container that has the name, or ""
// when the name is now id's.
func (s *Store) reserveName(name, id string) (taken string, err error) {
	for attempt := 0; attempt < 2; attempt++ {
		err := os.Symlink(id, s.nameLink(name))
		if err == nil {
			return "", nil
		}
		if !errors.Is(err, os.ErrExist) {
			return "", fmt.Errorf("reserve container name %q: %w", name, err)
		}
		owner := s.indexed(name)
		if owner != "" {
			if _, err := os.Stat(s.recordPath(owner)); err == nil {
				return owner, nil
			}
		}
		// Its container is gone (a crash between removing its
		// directory and its link): the name is free again.
		if err := os.Remove(s.nameLink(name)); err != nil && !os.IsNotExist(err) {
			return "", fmt.Errorf("reclaim container name %q: %w", name, err)
		}
	}
	return "", fmt.Errorf("reserve container name %q: the link keeps coming back", name)
}

// releaseName removes name's link if it still names id.
func (s *Store) releaseName(name, id string) {
	if name != "" && s.indexed(name) == id {
		_ = os.Remove(s.nameLink(name))
	}
}

// isID tells a container id (64 lowercase hex digits) from anything else.
func isID(s string) bool {
	return len(s) == 64 && strings.Trim(s, "0123456789abcdef") == ""
}
