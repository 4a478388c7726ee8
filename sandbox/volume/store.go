package volume

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"time"

	"github.com/dockling/dockling/sandbox/fsutil"
)

// ErrNotFound and ErrInUse let callers (rm -f, prune) tell the usual
// refusals from real failures.
var (
	ErrNotFound = errors.New("no such volume")
	ErrInUse    = errors.New("volume is in use")
)

// Volume is one named (or anonymous) volume.
type Volume struct {
	Name       string
	Mountpoint string // the host directory containers see: .../volumes/NAME/_data
	CreatedAt  time.Time
	Anonymous  bool // made for a bare -v /path; a 64-hex name
	Labels     map[string]string
}

// meta is what volumes/NAME/volume.json keeps. The name and the mount
// point are not stored: they follow from where the file is.
type meta struct {
	CreatedAt time.Time         `json:"CreatedAt"`
	Anonymous bool              `json:"Anonymous,omitempty"`
	Labels    map[string]string `json:"Labels,omitempty"`
}

const (
	dataDir  = "_data" // docker's name for the directory that gets mounted
	metaFile = "volume.json"
)

// Store is DOCKLING_ROOT/volumes: one directory per volume holding _data
// (the files) and volume.json (when it was made, and its labels).
type Store struct {
	dir string
	// InUse tells whether any container (running or not) still names the
	// volume; such a volume is never removed. Nil means none does.
	InUse func(name string) bool
}

// Open returns the volume store under the state root, creating it.
func Open(root string) (*Store, error) {
	dir := filepath.Join(root, "volumes")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("create volume store %s: %w", dir, err)
	}
	return &Store{dir: dir}, nil
}

// Dir is where volume name keeps everything.
func (s *Store) Dir(name string) string { return filepath.Join(s.dir, name) }

// lock serialises changes to the set of volumes: a create racing a remove
// of the same name must see one whole volume or none.
func (s *Store) lock() (*fsutil.Lock, error) {
	return fsutil.LockFile(filepath.Join(s.dir, ".lock"))
}

func (s *Store) inUse(name string) bool { return s.InUse != nil && s.InUse(name) }

// Create makes volume name, or returns it as it is if it exists (docker's
// `volume create` is idempotent too). An empty name gets a random one, as
// `docker volume create` with no name does. labels may be nil.
func (s *Store) Create(name string, labels map[string]string) (Volume, error) {
	if name == "" {
		var err error
		if name, err = randomName(); err != nil {
			return Volume{}, err
		}
	}
	if err := ValidName(name); err != nil {
		return Volume{}, err
	}
	l, err := s.lock()
	if err != nil {
		return Volume{}, err
	}
	defer l.Unlock()
	return s.create(name, meta{Labels: labels})
}

// create does Create's work; the caller holds the lock.
func (s *Store) create(name string, m meta) (Volume, error) {
	if v, err := s.get(name); err == nil {
		return v, nil
	} else if !errors.Is(err, ErrNotFound) {
		return Volume{}, err
	}
	// _data first, the record last: a crash in between leaves a directory
	// without a record, which nothing lists and the next create completes.
	if err := os.MkdirAll(filepath.Join(s.Dir(name), dataDir), 0o755); err != nil {
		return Volume{}, fmt.Errorf("create volume %s: %w", name, err)
	}
	m.CreatedAt = time.Now().UTC().Truncate(time.Second)
	if err := fsutil.WriteJSON(filepath.Join(s.Dir(name), metaFile), m); err != nil {
		return Volume{}, fmt.Errorf("create volume %s: %w", name, err)
	}
	return s.volume(name, m), nil
}

// NewAnonymous makes a volume for a bare `-v /path`, named like docker's:
// 64 random hex digits, which no typed name is likely to meet.
func (s *Store) NewAnonymous() (Volume, error) {
	name, err := randomName()
	if err != nil {
		return Volume{}, err
	}
	l, err := s.lock()
	if err != nil {
		return Volume{}, err
	}
	defer l.Unlock()
	return s.create(name, meta{Anonymous: true})
}

// randomName is 64 hex digits from 32 random bytes.
func randomName() (string, error) {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("make a volume name: %w", err)
	}
	return hex.EncodeToString(b[:]), nil
}

// Get returns volume name, or an error wrapping ErrNotFound.
func (s *Store) Get(name string) (Volume, error) {
	if err := ValidName(name); err != nil {
		return Volume{}, fmt.Errorf("%w: %v", ErrNotFound, err)
	}
	return s.get(name)
}

func (s *Store) get(name string) (Volume, error) {
	var m meta
	err := fsutil.ReadJSON(filepath.Join(s.Dir(name), metaFile), &m)
	if errors.Is(err, fs.ErrNotExist) {
		return Volume{}, fmt.Errorf("volume %q: %w; list them with \"dockling volume ls\"", name, ErrNotFound)
	}
	if err != nil {
		return Volume{}, fmt.Errorf("read volume %q: %w", name, err)
	}
	return s.volume(name, m), nil
}

func (s *Store) volume(name string, m meta) Volume {
	return Volume{
		Name: name, Mountpoint: filepath.Join(s.Dir(name), dataDir),
		CreatedAt: m.CreatedAt, Anonymous: m.Anonymous, Labels: m.Labels,
	}
}

// List returns every volume, by name.
func (s *Store) List() ([]Volume, error) {
	entries, err := os.ReadDir(s.dir)
	if err != nil {
		return nil, fmt.Errorf("list volumes: %w", err)
	}
	var out []Volume
	for _, e := range entries {
		if !e.IsDir() || ValidName(e.Name()) != nil {
			continue // the lock file, or a volume half removed
		}
		v, err := s.get(e.Name())
		if errors.Is(err, ErrNotFound) {
			continue // half created: no record yet
		}
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// Remove deletes volume name and its files. It refuses, with ErrInUse, while
// a container names it: the data is the whole point of a volume.
func (s *Store) Remove(name string) error {
	if _, err := s.Get(name); err != nil {
		return err
	}
	l, err := s.lock()
	if err != nil {
		return err
	}
	defer l.Unlock()
	return s.remove(name)
}

// remove does Remove's work; the caller holds the lock.
func (s *Store) remove(name string) error {
	if _, err := s.get(name); err != nil {
		return err
	}
	if s.inUse(name) {
		return fmt.Errorf("volume %q: %w by a container; remove the container first (dockling rm)", name, ErrInUse)
	}
	// Rename first, then delete: the volume vanishes from List in one step,
	// and a crash mid-delete leaves only a hidden directory, never half a
	// volume.
	trash := filepath.Join(s.dir, ".removing-"+name)
	if err := os.RemoveAll(trash); err != nil {
		return fmt.Errorf("remove volume %q: %w", name, err)
	}
	if err := os.Rename(s.Dir(name), trash); err != nil {
		return fmt.Errorf("remove volume %q: %w", name, err)
	}
	if err := os.RemoveAll(trash); err != nil {
		return fmt.Errorf("remove volume %q: %w", name, err)
	}
	return nil
}

// Prune removes the volumes no container names and returns their names:
// only anonymous ones unless all is set, as docker 23 and later do, because
// a named volume usually holds data someone meant to keep (a database) even
// while no container uses it.
func (s *Store) Prune(all bool) ([]string, error) {
	l, err := s.lock()
	if err != nil {
		return nil, err
	}
	defer l.Unlock()
	vols, err := s.List()
	if err != nil {
		return nil, err
	}
	var removed []string
	for _, v := range vols {
		if s.inUse(v.Name) || (!v.Anonymous && !all) {
			continue
		}
		if err := s.remove(v.Name); err != nil {
			return removed, err
		}
		removed = append(removed, v.Name)
	}
	return removed, nil
}
