// Package volume gives containers storage that outlives them: bind mounts
// of host directories (-v /host/dir:/data) and named volumes kept under
// DOCKLING_ROOT/volumes (-v web-data:/data), laid out as docker lays them.
package volume

import (
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
)

// Type says where a mount's files live on the host.
type Type string

const (
	// TypeBind shows a host path the user named.
	TypeBind Type = "bind"
	// TypeVolume shows a directory dockling manages: DOCKLING_ROOT/volumes/NAME/_data.
	TypeVolume Type = "volume"
)

// Spec is one -v flag, parsed.
type Spec struct {
	Type Type
	// Source is the host path (Bind) or the volume name (Volume). It is
	// empty for an anonymous volume (-v /data): a name is made at first use.
	Source      string
	Destination string // absolute, cleaned, never "/"
	ReadOnly    bool
}

// Anonymous tells whether the spec asks for a fresh volume with no name.
func (s Spec) Anonymous() bool { return s.Type == TypeVolume && s.Source == "" }

// Mode is what docker shows as a mount's Mode: "ro", or "" for read-write.
func (s Spec) Mode() string {
	if s.ReadOnly {
		return "ro"
	}
	return ""
}

// namePattern is docker's rule for volume names: a letter or digit first,
// then letters, digits, "_", "." or "-". So a name is never a path.
var namePattern = regexp.MustCompile(`^[a-zA-Z0-9][a-zA-Z0-9_.-]+$`)

// ValidName explains why name cannot be a volume name, or returns nil.
func ValidName(name string) error {
	if !namePattern.MatchString(name) {
		return fmt.Errorf("invalid volume name %q: use at least 2 letters, digits, '_', '.' or '-', starting with a letter or digit", name)
	}
	return nil
}

// ParseSpec reads a -v flag in one of docker's three forms:
//
//	/host/dir:/data[:ro|:rw]   bind mount of a host path (absolute)
//	web-data:/data[:ro|:rw]    named volume, created on first use
//	/data                      anonymous volume
//
// A relative host path is refused rather than guessed: docker reads a
// bare word as a volume name, and "./site" would mean a directory relative
// to wherever dockling happened to run.
func ParseSpec(spec string) (Spec, error) {
	parts := strings.Split(spec, ":")
	bad := func(format string, a ...any) (Spec, error) {
		return Spec{}, fmt.Errorf("-v %q: %s", spec, fmt.Sprintf(format, a...))
	}
	switch len(parts) {
	case 1:
		dst, err := containerPath(parts[0])
		if err != nil {
			return bad("%v", err)
		}
		return Spec{Type: TypeVolume, Destination: dst}, nil
	case 2, 3:
	default:
		return bad("too many ':'; use SOURCE:CONTAINER_PATH[:ro]")
	}
	src, dstText := parts[0], parts[1]
	var s Spec
	if len(parts) == 3 {
		switch parts[2] {
		case "ro":
			s.ReadOnly = true
		case "rw":
		default:
			return bad("unknown mode %q; use ro (read-only) or rw (the default)", parts[2])
		}
	}
	dst, err := containerPath(dstText)
	if err != nil {
		if (dstText == "ro" || dstText == "rw") && strings.HasPrefix(src, "/") {
			return bad("an anonymous volume takes no mode; use %s, or name it: NAME:%s:%s", src, src, dstText)
		}
		return bad("%v", err)
	}
	s.Destination = dst
	switch {
	case src == "":
		return bad("the source before ':' is empty; give a host path or a volume name")
	case strings.HasPrefix(src, "/"):
		s.Type, s.Source = TypeBind, filepath.Clean(src)
	case strings.HasPrefix(src, ".") || strings.HasPrefix(src, "~") || strings.Contains(src, "/"):
		abs := "$(pwd)/" + strings.TrimPrefix(filepath.Clean(src), "./")
		if rest, ok := strings.CutPrefix(src, "~"); ok && (rest == "" || rest[0] == '/') {
			abs = "$HOME" + rest // the shell expands ~ only at the start of a word
		}
		return bad("host path %q is relative; give it as an absolute path, e.g. \"%s:%s\"", src, abs, dstText)
	default:
		if err := ValidName(src); err != nil {
			return bad("%v", err)
		}
		s.Type, s.Source = TypeVolume, src
	}
	return s, nil
}

// containerPath checks the path inside the container: absolute, and not
// "/" itself (a volume over the whole root would hide the image).
func containerPath(p string) (string, error) {
	if p == "" {
		return "", fmt.Errorf("the container path is empty; use an absolute path such as /data")
	}
	if !strings.HasPrefix(p, "/") {
		return "", fmt.Errorf("container path %q is not absolute; use a path such as /%s", p, strings.TrimLeft(p, "./"))
	}
	c := filepath.Clean(p)
	if c == "/" {
		return "", fmt.Errorf("cannot mount over the container's / ; pick a directory such as /data")
	}
	return c, nil
}
