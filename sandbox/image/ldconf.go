package image

import (
	"bufio"
	"os"
	"path/filepath"
	"runtime"
	"strings"
)

// multiarchTriplet is Debian's name for this architecture's library
// directory (/lib/x86_64-linux-gnu).
var multiarchTriplet = map[string]string{
	"amd64":   "x86_64-linux-gnu",
	"arm64":   "aarch64-linux-gnu",
	"386":     "i386-linux-gnu",
	"arm":     "arm-linux-gnueabihf",
	"ppc64le": "powerpc64le-linux-gnu",
	"s390x":   "s390x-linux-gnu",
	"riscv64": "riscv64-linux-gnu",
}

// librarySearchDirs lists where the loader looks for libraries on this
// host: its built-in directories first, so that libraries land where the
// image's loader finds them without an ld.so.cache, then the directories
// configured in /etc/ld.so.conf (which the host's loader knows through
// its cache).
func librarySearchDirs() []string {
	var dirs []string
	if t, ok := multiarchTriplet[runtime.GOARCH]; ok {
		dirs = append(dirs, "/lib/"+t, "/usr/lib/"+t)
	}
	dirs = append(dirs, "/lib64", "/usr/lib64", "/lib", "/usr/lib")
	dirs = append(dirs, readLdSoConf("/etc/ld.so.conf", map[string]bool{})...)
	return uniqueStrings(dirs)
}

// readLdSoConf returns the directories listed in an ld.so.conf file and the
// files it includes ("include /etc/ld.so.conf.d/*.conf"). A missing or
// unreadable file contributes nothing: the defaults still apply.
func readLdSoConf(path string, seen map[string]bool) []string {
	if seen[path] {
		return nil // an include loop
	}
	seen[path] = true
	f, err := os.Open(path)
	if err != nil {
		return nil
	}
	defer f.Close()
	var dirs []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if i := strings.IndexByte(line, '#'); i >= 0 {
			line = line[:i]
		}
		fields := strings.Fields(line)
		switch {
		case len(fields) == 0:
		case fields[0] == "include":
			for _, pattern := range fields[1:] {
				if !filepath.IsAbs(pattern) {
					pattern = filepath.Join(filepath.Dir(path), pattern)
				}
				matches, _ := filepath.Glob(pattern) // sorted, like ldconfig
				for _, m := range matches {
					dirs = append(dirs, readLdSoConf(m, seen)...)
				}
			}
		case fields[0] == "hwcap":
			// obsolete directive, ignored by modern ldconfig
		default:
			for _, d := range fields {
				// libc5-era entries may carry a "=TYPE" suffix.
				d, _, _ = strings.Cut(d, "=")
				if filepath.IsAbs(d) {
					dirs = append(dirs, filepath.Clean(d))
				}
			}
		}
	}
	return dirs
}

func uniqueStrings(in []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range in {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}
