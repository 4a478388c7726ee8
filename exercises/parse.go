package exercises

import (
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
)

// Readers of the kernel's text files, kept apart from the checks so unit
// tests can feed them what real kernels print.

// mount is one line of /proc/PID/mountinfo.
type mount struct {
	root, mountPoint string // root: the directory of the source mounted here
	fsType, source   string
	superOptions     string // e.g. lowerdir=...,upperdir=...,workdir=...
}

// parseMountinfo reads /proc/PID/mountinfo (proc(5)): ID, parent ID,
// major:minor, root, mount point, options, optional fields up to "-",
// then filesystem type, source and superblock options.
func parseMountinfo(data string) []mount {
	var out []mount
	for _, line := range strings.Split(data, "\n") {
		f := strings.Fields(line)
		sep := -1
		for i := 6; i < len(f); i++ {
			if f[i] == "-" {
				sep = i
				break
			}
		}
		if len(f) < 7 || sep < 0 || sep+2 >= len(f) {
			continue
		}
		m := mount{root: unescape(f[3]), mountPoint: unescape(f[4]), fsType: f[sep+1], source: unescape(f[sep+2])}
		if sep+3 < len(f) {
			m.superOptions = f[sep+3]
		}
		out = append(out, m)
	}
	return out
}

// unescape undoes the octal escapes mountinfo uses for space, tab, newline
// and backslash in paths ("\040" is a space).
func unescape(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+4 <= len(s) {
			if n, err := strconv.ParseUint(s[i+1:i+4], 8, 8); err == nil {
				b.WriteByte(byte(n))
				i += 3
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// mountAt is the mount a process sees at path: the last one listed there,
// since a later mount on the same point covers the earlier ones.
func mountAt(ms []mount, path string) (mount, bool) {
	for i := len(ms) - 1; i >= 0; i-- {
		if ms[i].mountPoint == path {
			return ms[i], true
		}
	}
	return mount{}, false
}

// overlayDirs reads upperdir and lowerdir (top layer first, ':'-separated)
// from an overlay's superblock options. dockling mounts with short layer
// names relative to the layers directory, to fit the options in a page;
// those are made absolute against layers.
func overlayDirs(options, layers string) (upper string, lowers []string) {
	for _, opt := range strings.Split(options, ",") {
		key, value, _ := strings.Cut(opt, "=")
		switch key {
		case "upperdir":
			upper = value
		case "lowerdir":
			for _, l := range strings.Split(value, ":") {
				if l == "" {
					continue
				}
				if !filepath.IsAbs(l) {
					l = filepath.Join(layers, l)
				}
				lowers = append(lowers, l)
			}
		}
	}
	return upper, lowers
}

// dnat is one DNAT rule: traffic to the host's port goes to an address.
type dnat struct {
	port int
	to   string // IP:PORT
}

// dnatRules picks the DNAT rules of chain out of `iptables -t nat -S`
// lines such as
//
//	-A OUTPUT -p tcp -m addrtype --dst-type LOCAL -m tcp --dport 8080 ... -j DNAT --to-destination 10.77.0.2:80
func dnatRules(lines []string, chain string) []dnat {
	var out []dnat
	for _, line := range lines {
		f := strings.Fields(line)
		if len(f) < 2 || f[0] != "-A" || f[1] != chain {
			continue
		}
		var r dnat
		isDNAT := false
		for i := 2; i+1 < len(f); i++ {
			switch f[i] {
			case "--dport":
				r.port, _ = strconv.Atoi(f[i+1])
			case "--to-destination":
				r.to = f[i+1]
			case "-j":
				isDNAT = f[i+1] == "DNAT"
			}
		}
		if isDNAT && r.port > 0 {
			out = append(out, r)
		}
	}
	return out
}

// describeDNAT says which ports a chain publishes, for a failure message.
func describeDNAT(rules []dnat) string {
	if len(rules) == 0 {
		return "none"
	}
	var s []string
	for _, r := range rules {
		s = append(s, fmt.Sprintf("%d -> %s", r.port, r.to))
	}
	return strings.Join(s, ", ")
}

// listening tells whether a TCP socket listens on port, from
// /proc/net/tcp and tcp6: the local address is IP:PORT in hex, and state
// 0A is LISTEN.
func listening(k kernel, port int) (bool, error) {
	want := fmt.Sprintf(":%04X", port)
	for _, file := range []string{"/proc/net/tcp", "/proc/net/tcp6"} {
		data, err := k.readFile(file)
		if err != nil {
			continue // no IPv6 on this host
		}
		for _, line := range strings.Split(string(data), "\n")[1:] {
			f := strings.Fields(line)
			if len(f) > 3 && strings.HasSuffix(f[1], want) && f[3] == "0A" {
				return true, nil
			}
		}
	}
	return false, nil
}

// size prints a byte count as the task gives it: 64 MiB.
func size(n int64) string {
	if n > 0 && n%(1<<20) == 0 {
		return strconv.FormatInt(n>>20, 10) + " MiB"
	}
	return strconv.FormatInt(n, 10) + " bytes"
}
