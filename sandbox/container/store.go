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

// Create reserves c.Name (a random one when empty), gives c an id and
// writes its first record. The name check and the write happen under one
// lock, so of two racing runs with the same --name exactly one wins.
func (s *Store) Create(c *Container) error {
	l, err := s.lockAll()
	if err != nil {
		return err
	}
	defer l.Unlock()
	all, err := s.list()
	if err != nil {
		return err
	}
	taken := map[string]string{}
	for _, o := range all {
		taken[o.Name] = o.ID
	}
	if c.Name == "" {
		for i := 0; i < 100 && (c.Name == "" || taken[c.Name] != ""); i++ {
			c.Name = RandomName()
		}
	} else if err := ValidName(c.Name); err != nil {
		return err
	} else if id := taken[c.Name]; id != "" {
		return fmt.Errorf("the name %q is already used by container %s; remove it (dockling rm %s) or choose another --name", c.Name, ShortID(id), c.Name)
	}
	c.ID = NewID()
	if c.Created.IsZero() {
		c.Created = time.Now().UTC()
	}
	if c.State.Status == "" {
		c.State.Status = Created
	}
	if err := os.MkdirAll(s.Dir(c.ID), 0o700); err != nil {
		return fmt.Errorf("create container directory: %w", err)
	}
	return s.Save(c)
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
func (s *Store) List() ([]*Container, error) { return s.list() }

func (s *Store) list() ([]*Container, error) {
	entries, err := os.ReadDir(s.dir)
	if err != nil {
		return nil, err
	}
	var out []*Container
	for _, e := range entries {
		if !e.IsDir() {
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
// prefix of an id, as docker does.
func (s *Store) Find(ref string) (*Container, error) {
	all, err := s.list()
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
// log. The caller has already stopped it and undone its mounts and links.
func (s *Store) Remove(id string) error {
	if err := os.RemoveAll(s.Dir(id)); err != nil {
		return fmt.Errorf("remove container %s: %w", ShortID(id), err)
	}
	return nil
}
