package image

import (
	"bytes"
	"debug/elf"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// A dynamically linked program is not complete on its own. Its ELF headers
// name the rest, and the kernel and the dynamic loader read exactly these:
//
//	PT_INTERP   the loader itself ("/lib64/ld-linux-x86-64.so.2"); the kernel
//	            maps it and runs it instead of the program
//	DT_NEEDED   each shared library to load ("libc.so.6"), by soname
//	DT_RUNPATH  extra directories to search for this object's libraries
//	DT_RPATH    older form of the same
//
// `ldd` would tell us too, but ldd runs the loader on the binary; reading
// the headers ourselves is what a container image builder must do anyway
// for binaries of another architecture, and it shows what ldd hides.

// elfInfo is what the loader reads from one ELF file.
type elfInfo struct {
	class   elf.Class
	machine elf.Machine
	interp  string
	needed  []string
	runpath []string
	rpath   []string
}

var elfMagic = []byte("\x7fELF")

// readELF returns the dynamic-linking facts of path, or nil if the file is
// not ELF at all (a shell script, say), which then needs nothing more.
func readELF(path string) (*elfInfo, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	magic := make([]byte, 4)
	if _, err := io.ReadFull(f, magic); err != nil || !bytes.Equal(magic, elfMagic) {
		return nil, nil
	}
	ef, err := elf.NewFile(f)
	if err != nil {
		return nil, fmt.Errorf("read ELF headers of %s: %w", path, err)
	}
	info := &elfInfo{class: ef.Class, machine: ef.Machine}
	for _, p := range ef.Progs {
		if p.Type != elf.PT_INTERP {
			continue
		}
		raw, err := io.ReadAll(p.Open())
		if err != nil {
			return nil, fmt.Errorf("read PT_INTERP of %s: %w", path, err)
		}
		info.interp = string(bytes.TrimRight(raw, "\x00"))
	}
	// A static binary has no dynamic section; DynString then returns nothing.
	if info.needed, err = ef.DynString(elf.DT_NEEDED); err != nil {
		return nil, fmt.Errorf("read DT_NEEDED of %s: %w", path, err)
	}
	origin := filepath.Dir(path)
	for _, tag := range []elf.DynTag{elf.DT_RUNPATH, elf.DT_RPATH} {
		vals, err := ef.DynString(tag)
		if err != nil {
			return nil, fmt.Errorf("read %s of %s: %w", tag, path, err)
		}
		dirs := expandSearchPath(vals, origin)
		if tag == elf.DT_RUNPATH {
			info.runpath = dirs
		} else {
			info.rpath = dirs
		}
	}
	return info, nil
}

// expandSearchPath splits colon lists and substitutes $ORIGIN (the
// directory of the object itself). Entries using $LIB or $PLATFORM depend
// on the loader's build and are skipped rather than guessed.
func expandSearchPath(vals []string, origin string) []string {
	var dirs []string
	for _, v := range vals {
		for _, d := range strings.Split(v, ":") {
			d = strings.ReplaceAll(d, "${ORIGIN}", origin)
			d = strings.ReplaceAll(d, "$ORIGIN", origin)
			if d == "" || strings.Contains(d, "$") {
				continue
			}
			dirs = append(dirs, d)
		}
	}
	return dirs
}

// libResolver finds a soname on the host's disk in the loader's order.
type libResolver struct {
	systemDirs []string            // loader defaults, then ld.so.conf
	compatible map[string]*elfInfo // cache: candidate path -> its headers
	rejected   map[string]bool     // cache: candidates of another class/arch
}

func newLibResolver() *libResolver {
	return &libResolver{
		systemDirs: librarySearchDirs(),
		compatible: map[string]*elfInfo{},
		rejected:   map[string]bool{},
	}
}

// find returns the host path of the library soname as loaded by an object
// with headers from. The order follows ld.so(8): DT_RPATH (only when there
// is no DT_RUNPATH), DT_RUNPATH, then the system directories. (The real
// loader also inherits DT_RPATH from the objects that loaded this one; the
// programs in hostbox do not need that.)
func (r *libResolver) find(soname string, from *elfInfo) (string, error) {
	if strings.Contains(soname, "/") {
		return soname, nil // a path, used as is
	}
	var dirs []string
	if len(from.runpath) == 0 {
		dirs = append(dirs, from.rpath...)
	}
	dirs = append(dirs, from.runpath...)
	dirs = append(dirs, r.systemDirs...)
	for _, d := range dirs {
		cand := filepath.Join(d, soname)
		if r.matches(cand, from) {
			return cand, nil
		}
	}
	return "", fmt.Errorf("shared library %s not found in %s", soname, strings.Join(dirs, ":"))
}

// matches says whether cand exists and is ELF of the same class and machine
// as from: /usr/lib may hold a 32-bit libc.so.6 that a 64-bit ls cannot use,
// and the loader skips such files too.
func (r *libResolver) matches(cand string, from *elfInfo) bool {
	if r.rejected[cand] {
		return false
	}
	info, ok := r.compatible[cand]
	if !ok {
		var err error
		info, err = readELF(cand)
		if err != nil || info == nil {
			r.rejected[cand] = true
			return false
		}
		r.compatible[cand] = info
	}
	return info.class == from.class && info.machine == from.machine
}
