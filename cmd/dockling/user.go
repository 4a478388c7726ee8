package main

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/dockling/dockling/sandbox"
)

// lookupUser turns -u into numeric ids the way docker does: numbers are
// taken as they are; names are looked up in the image's own /etc/passwd and
// /etc/group (never the host's: a name means what the image says it means).
func lookupUser(layers []string, spec string) (*sandbox.User, error) {
	name, group, hasGroup := strings.Cut(spec, ":")
	u := &sandbox.User{}
	if n, err := strconv.Atoi(name); err == nil && n >= 0 {
		// A bare uid takes its group from the image's passwd if listed
		// there, else group 0, as docker does.
		u.UID = n
		if f, ok := findPasswd(layers, func(fields []string) bool { return fields[2] == name }); ok {
			u.GID, _ = strconv.Atoi(f[3])
		}
	} else {
		f, ok := findPasswd(layers, func(fields []string) bool { return fields[0] == name })
		if !ok {
			return nil, fmt.Errorf("unknown user %q: not in the image's /etc/passwd; use a number (e.g. -u 1000)", name)
		}
		u.UID, _ = strconv.Atoi(f[2])
		u.GID, _ = strconv.Atoi(f[3])
	}
	if hasGroup {
		if n, err := strconv.Atoi(group); err == nil && n >= 0 {
			u.GID = n
		} else {
			f, ok := findLine(layers, "etc/group", 3, func(fields []string) bool { return fields[0] == group })
			if !ok {
				return nil, fmt.Errorf("unknown group %q: not in the image's /etc/group; use a number (e.g. -u 1000:1000)", group)
			}
			u.GID, _ = strconv.Atoi(f[2])
		}
	}
	return u, nil
}

func findPasswd(layers []string, match func([]string) bool) ([]string, bool) {
	return findLine(layers, "etc/passwd", 4, match)
}

// findLine reads file from the topmost layer that has it.
func findLine(layers []string, file string, minFields int, match func([]string) bool) ([]string, bool) {
	for i := len(layers) - 1; i >= 0; i-- {
		f, err := os.Open(filepath.Join(layers[i], file))
		if err != nil {
			continue
		}
		defer f.Close()
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			fields := strings.Split(sc.Text(), ":")
			if len(fields) >= minFields && match(fields) {
				return fields, true
			}
		}
		return nil, false
	}
	return nil, false
}
