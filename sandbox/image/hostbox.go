package image

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
)

// hostbox is an image made offline from the host's own binaries, so every
// lesson works without a registry. It has one layer, built like this:
//
//  1. find each tool in the standard bin directories
//  2. copy it, its ELF interpreter and every shared library it needs
//     (found from the ELF headers: see elfdeps.go), keeping host paths
//  3. add /bin/probe and the skeleton of a root filesystem
//  4. tar the directory (-> diffid), gzip it (-> blob), write config,
//     manifest and index entry: an ordinary OCI image from then on

// hostboxTools must be present; hostboxOptional are added when the host has them.
var (
	hostboxTools = []string{
		"sh", "ls", "cat", "echo", "true", "false", "ps", "hostname", "mount", "umount",
		"id", "sleep", "env", "readlink", "ln", "grep", "head", "wc", "tr", "tty", "stty",
		"touch", "mkdir", "rmdir", "rm", "cp", "mv", "uname", "chroot", "pivot_root",
	}
	hostboxOptional = []string{"bash", "ip", "ping", "date", "tail", "sort", "find", "stat", "df", "nsenter", "unshare"}
)

// hostBinDirs is where tools are looked for: a fixed list, not $PATH, so the
// image does not depend on who runs dockling or how.
var hostBinDirs = []string{"/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"}

// mergedUsrLinks are the top-level directories that a merged-/usr host
// makes symlinks into /usr; the image copies whichever the host has.
var mergedUsrLinks = []string{"bin", "sbin", "lib", "lib32", "lib64", "libx32"}

const hostboxPATH = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

// findHostTool returns the first executable named name in hostBinDirs.
func findHostTool(name string) (string, bool) {
	for _, d := range hostBinDirs {
		p := filepath.Join(d, name)
		if isExecutableFile(p) == nil {
			return p, true
		}
	}
	return "", false
}

// hostboxPrograms lists the host paths of the tools going into hostbox.
func hostboxPrograms() ([]string, error) {
	var paths []string
	for _, name := range hostboxTools {
		p, ok := findHostTool(name)
		if !ok {
			return nil, fmt.Errorf("cannot build hostbox: %q not found in %s; install it on this host", name, strings.Join(hostBinDirs, " "))
		}
		paths = append(paths, p)
	}
	for _, name := range hostboxOptional {
		if p, ok := findHostTool(name); ok {
			paths = append(paths, p)
		}
	}
	return paths, nil
}

// buildHostbox builds the image and tags it ref. Callers hold s.lock().
func (s *Store) buildHostbox(ref string) (*Image, error) {
	probe, err := ProbePath()
	if err != nil {
		return nil, err
	}
	programs, err := hostboxPrograms()
	if err != nil {
		return nil, err
	}
	tmp, err := os.MkdirTemp(s.layersDir(), ".tmp-")
	if err != nil {
		return nil, fmt.Errorf("build hostbox: %w", err)
	}
	defer os.RemoveAll(tmp) // a no-op once the layer is installed
	if err := os.Chmod(tmp, 0o755); err != nil {
		return nil, fmt.Errorf("build hostbox: %w", err)
	}
	if err := fillHostboxLayer(tmp, programs, probe); err != nil {
		return nil, fmt.Errorf("build hostbox: %w", err)
	}
	layer, err := s.packLayer(tmp)
	if err != nil {
		return nil, fmt.Errorf("build hostbox: %w", err)
	}
	if err := s.installLayer(tmp, layer.DiffID); err != nil {
		return nil, fmt.Errorf("build hostbox: %w", err)
	}
	return s.commitImage(ref, "built-in", hostboxConfig(time.Now().UTC()), []storedLayer{layer})
}

// fillHostboxLayer puts the programs, their libraries, probe and the
// skeleton into dir.
func fillHostboxLayer(dir string, programs []string, probe string) error {
	b := newLayerBuilder(dir)
	for _, name := range mergedUsrLinks {
		if fi, err := os.Lstat("/" + name); err == nil && fi.Mode()&os.ModeSymlink != 0 {
			if _, err := b.mirror("/" + name); err != nil {
				return err
			}
		}
	}
	libs := newLibResolver()
	for _, p := range programs {
		if err := b.addWithLibraries(p, libs); err != nil {
			return err
		}
	}
	if err := b.addProbe(probe, libs); err != nil {
		return err
	}
	return writeSkeleton(dir)
}

// addWithLibraries copies a program and everything the loader will load
// for it: its interpreter and, recursively, its DT_NEEDED libraries.
func (b *layerBuilder) addWithLibraries(hostPath string, libs *libResolver) error {
	queue := []string{hostPath}
	for len(queue) > 0 {
		p := queue[0]
		queue = queue[1:]
		alreadyCopied := false
		if real, err := filepath.EvalSymlinks(p); err == nil {
			alreadyCopied = b.copied[real]
		}
		real, err := b.mirror(p) // also recreates the name p, if it is a link
		if err != nil {
			return err
		}
		if alreadyCopied {
			continue // its dependencies are queued already
		}
		more, err := dependencies(real, libs)
		if err != nil {
			return err
		}
		queue = append(queue, more...)
	}
	return nil
}

// dependencies returns the host paths of the interpreter and libraries
// that the ELF file at path asks for; nothing for non-ELF files.
func dependencies(path string, libs *libResolver) ([]string, error) {
	info, err := readELF(path)
	if err != nil || info == nil {
		return nil, err
	}
	var deps []string
	if info.interp != "" {
		deps = append(deps, info.interp)
	}
	for _, soname := range info.needed {
		lib, err := libs.find(soname, info)
		if err != nil {
			return nil, fmt.Errorf("%s needs %w", path, err)
		}
		deps = append(deps, lib)
	}
	return deps, nil
}

// addProbe copies the probe helper to /bin/probe. /bin is mirrored first,
// so on a merged-/usr host the file lands in usr/bin behind the bin link.
func (b *layerBuilder) addProbe(probe string, libs *libResolver) error {
	binDir := "/bin"
	if _, err := os.Lstat(binDir); err == nil {
		if binDir, err = b.mirror(binDir); err != nil {
			return err
		}
	} else if err := b.mkdir(binDir, 0o755); err != nil {
		return err
	}
	fi, err := os.Stat(probe)
	if err != nil {
		return fmt.Errorf("probe helper: %w", err)
	}
	if err := copyRegular(probe, b.inLayer(filepath.Join(binDir, "probe")), fi.Mode()|0o555); err != nil {
		return fmt.Errorf("add probe helper: %w", err)
	}
	// probe is meant to be static; if someone built it dynamic, bring its
	// libraries too rather than ship a binary that cannot start.
	deps, err := dependencies(probe, libs)
	if err != nil {
		return err
	}
	for _, d := range deps {
		if err := b.addWithLibraries(d, libs); err != nil {
			return err
		}
	}
	return nil
}

// hostboxConfig is the image config: how a container of hostbox starts.
func hostboxConfig(created time.Time) v1.ConfigFile {
	return v1.ConfigFile{
		Architecture: runtime.GOARCH,
		OS:           "linux",
		Created:      v1.Time{Time: created},
		Config: v1.Config{
			Env:        []string{hostboxPATH},
			Cmd:        []string{"sh"},
			WorkingDir: "/",
		},
		History: []v1.History{{
			Created:   v1.Time{Time: created},
			CreatedBy: "created by dockling hostbox builder",
			Comment:   "programs and shared libraries copied from this host",
		}},
	}
}
