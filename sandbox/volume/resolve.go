package volume

import (
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/dockling/dockling/sandbox/rootfs"
)

// Mount is a Spec with its host side decided: the directory (or file)
// that will appear at Destination inside the container.
type Mount struct {
	Type        Type
	Name        string // the volume's name (made up for an anonymous one); empty for a bind
	Source      string // absolute host path
	Destination string
	ReadOnly    bool
}

// Bind is the mount as the child's plan takes it.
func (m Mount) Bind() rootfs.BindMount {
	return rootfs.BindMount{Source: m.Source, Destination: m.Destination, ReadOnly: m.ReadOnly}
}

// ParseSpecs parses every -v flag and refuses two mounts on one container
// path, as docker does: the second would silently hide the first.
func ParseSpecs(flags []string) ([]Spec, error) {
	seen := map[string]string{}
	var out []Spec
	for _, f := range flags {
		s, err := ParseSpec(f)
		if err != nil {
			return nil, err
		}
		if prev, dup := seen[s.Destination]; dup {
			return nil, fmt.Errorf("-v %q and -v %q both mount on %s; give each container path once", prev, f, s.Destination)
		}
		seen[s.Destination] = f
		out = append(out, s)
	}
	return out, nil
}

// Resolve finds (or makes) the host side of sp, in the parent, before the
// container starts:
//
//   - a bind's host path is created as a directory when missing, as docker
//     does, so `-v /srv/new:/data` just works;
//   - a named volume is created on first use and its _data is mounted;
//   - an anonymous volume gets a fresh 64-hex name.
func (s *Store) Resolve(sp Spec) (Mount, error) {
	m := Mount{Type: sp.Type, Destination: sp.Destination, ReadOnly: sp.ReadOnly}
	switch {
	case sp.Type == TypeBind:
		if _, err := os.Stat(sp.Source); errors.Is(err, fs.ErrNotExist) {
			if err := os.MkdirAll(sp.Source, 0o755); err != nil {
				return Mount{}, fmt.Errorf("create host directory %s for -v: %w", sp.Source, err)
			}
		} else if err != nil {
			return Mount{}, fmt.Errorf("host path %s for -v: %w", sp.Source, err)
		}
		m.Source = sp.Source
	case sp.Anonymous():
		v, err := s.NewAnonymous()
		if err != nil {
			return Mount{}, err
		}
		m.Name, m.Source = v.Name, v.Mountpoint
	case sp.Type == TypeVolume:
		v, err := s.Create(sp.Source, nil)
		if err != nil {
			return Mount{}, err
		}
		m.Name, m.Source = v.Name, v.Mountpoint
	default:
		return Mount{}, fmt.Errorf("mount type %q is not bind or volume", sp.Type)
	}
	return m, nil
}
