package container

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/dockling/dockling/sandbox/fsutil"
)

// Store is the directory of containers: R/containers/<id>/ each holding
// container.json (what to run and what became of it) and the container's
// writable layer, log and runtime files.
type Store struct{ dir string }

// Open returns the store under the state root, creating it if needed.
func Open(root string) (*Store, error) {
	dir := filepath.Join(root, "containers")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("create %s: %w", dir, err)
	}
	return &Store{dir: dir}, nil
}

// Dir is where container id keeps its files.
func (s *Store) Dir(id string) string { return filepath.Join(s.dir, id) }

func (s *Store) recordPath(id string) string { return filepath.Join(s.dir, id, "container.json") }

// lockAll serialises changes to the set of containers (names must stay
// unique even when two `dockling run --name web` race).
func (s *Store) lockAll() (*fsutil.Lock, error) {
	return fsutil.LockFile(filepath.Join(s.dir, ".lock"))
}

// Lock serialises changes to one container's record.
func (s *Store) Lock(id string) (*fsutil.Lock, error) {
	return fsutil.LockFile(filepath.Join(s.dir, id, ".lock"))
}

// Create reserves c.Name (a random one when empty) in the name index,
// gives c an id and writes its first record. Of two racing runs with the
// same --name exactly one wins: the file system refuses the second link.
func (s *Store) Create(c *Container) error {
	l, err := s.lockAll()
	if err != nil {
		return err
	}
	defer l.Unlock()
	if err := s.ensureNameIndex(); err != nil {
		return err
	}
	if c.Name != "" {
		if err := ValidName(c.Name); err != nil {
			return err
		}
	}
	c.ID = NewID()
	random := c.Name == ""
	for i := 0; ; i++ {
		if random {
			c.Name = RandomName()
		}
		taken, err := s.reserveName(c.Name, c.ID)
		if err != nil {
			return err
		}
		if taken == "" {
			break
		}
		if !random {
			return fmt.Errorf("the name %q is already used by container %s; remove it (dockling rm %s) or choose another --name", c.Name, ShortID(taken), c.Name)
		}
		if i == 100 {
			return errors.New("no free random container name after 100 tries; remove some containers (dockling container prune) or use --name")
		}
	}
	if c.Created.IsZero() {
		c.Created = time.Now().UTC()
	}
	if c.State.Status == "" {
		c.State.Status = Created
	}
	err = os.MkdirAll(s.Dir(c.ID), 0o700)
	if err == nil {
		err = s.Save(c)
	}
	if err != nil {
		_ = os.RemoveAll(s.Dir(c.ID))
		s.releaseName(c.Name, c.ID)
		return fmt.Errorf("create container record: %w", err)
	}
	return nil
}

// ValidName accepts docker's container names: [a-zA-Z0-9][a-zA-Z0-9_.-]*.
func ValidName(name string) error {
	for i, r := range name {
		ok := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || i > 0 && strings.ContainsRune("_.-", r)
		if !ok {
			return fmt.Errorf("invalid container name %q: use letters, digits, '_', '.' or '-', starting with a letter or digit", name)
		}
	}
	if name == "" {
		return errors.New("empty container name")
	}
	return nil
}

// Save writes c's record atomically.
func (s *Store) Save(c *Container) error { return fsutil.WriteJSON(s.recordPath(c.ID), c) }

// Load reads the record of container id.
func (s *Store) Load(id string) (*Container, error) {
	var c Container
	if err := fsutil.ReadJSON(s.recordPath(id), &c); err != nil {
		return nil, err
	}
	c.refresh()
	return &c, nil
}

// List returns every container, newest first, as `ps -a` shows them.
func (s *Store) List() ([]*Container, error) { return s.scan() }

// scan reads every record.
func (s *Store) scan() ([]*Container, error) {
	entries, err := os.ReadDir(s.dir)
	if err != nil {
		return nil, err
	}
	var out []*Container
	for _, e := range entries {
		if !e.IsDir() || !isID(e.Name()) {
			continue
		}
		c, err := s.Load(e.Name())
		if err != nil {
			continue // a directory being created or removed right now
		}
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Created.After(out[j].Created) })
	return out, nil
}

// Find resolves what a user typed: a name, a full id, or an unambiguous
// prefix of an id, as docker does. Names come from the name index and ids
// from the directory names, so only the record found is read.
func (s *Store) Find(ref string) (*Container, error) {
	if id := s.indexed(ref); id != "" {
		if c, err := s.Load(id); err == nil && c.Name == ref {
			return c, nil
		}
	}
	if isID(ref) {
		if c, err := s.Load(ref); err == nil {
			return c, nil
		}
	}
	if ref != "" && strings.Trim(ref, "0123456789abcdef") == "" {
		entries, err := os.ReadDir(s.dir)
		if err != nil {
			return nil, err
		}
		var ids []string
		for _, e := range entries {
			if e.IsDir() && isID(e.Name()) && strings.HasPrefix(e.Name(), ref) {
				ids = append(ids, e.Name())
			}
		}
		if len(ids) == 1 {
			if c, err := s.Load(ids[0]); err == nil {
				return c, nil
			}
		}
	}
	// Not found that way, or ambiguous: read every record, which also
	// finds a container made by a dockling older than the name index.
	return s.findByScan(ref)
}

func (s *Store) findByScan(ref string) (*Container, error) {
	all, err := s.scan()
	if err != nil {
		return nil, err
	}
	var prefixed []*Container
	for _, c := range all {
		if c.Name == ref || c.ID == ref {
			return c, nil
		}
		if ref != "" && strings.HasPrefix(c.ID, ref) {
			prefixed = append(prefixed, c)
		}
	}
	switch len(prefixed) {
	case 1:
		return prefixed[0], nil
	case 0:
		return nil, fmt.Errorf("no such container: %s; list them with \"dockling ps -a\"", ref)
	}
	var ids []string
	for _, c := range prefixed {
		ids = append(ids, ShortID(c.ID)+" ("+c.Name+")")
	}
	return nil, fmt.Errorf("%q matches several containers: %s; type more of the id", ref, strings.Join(ids, ", "))
}

// Remove deletes container id's directory: its record, writable layer and
// log, and then its name. The caller has already stopped it and undone its
// mounts and links.
func (s *Store) Remove(id string) error {
	name := ""
	if c, err := s.Load(id); err == nil {
		name = c.Name
	}
	if err := os.RemoveAll(s.Dir(id)); err != nil {
		return fmt.Errorf("remove container %s: %w", ShortID(id), err)
	}
	s.releaseName(name, id)
	return nil
}
