package hostcheck

import (
	"bufio"
	"compress/gzip"
	"os"
	"path/filepath"
	"strings"
)

// moduleState is how a kernel feature that may be a module is present.
type moduleState int

const (
	// moduleLoaded: /sys/module/<name> exists (loaded, or built in with
	// parameters, which the kernel also lists there).
	moduleLoaded moduleState = iota
	// moduleBuiltin: compiled into the kernel (modules.builtin names it).
	moduleBuiltin
	// moduleLoadable: a .ko file that modprobe can load is installed.
	moduleLoadable
	// moduleAbsent: /lib/modules/<release> exists and has no trace of it,
	// or the kernel's configuration says it was not built.
	moduleAbsent
	// moduleUnknown: no /lib/modules/<release> to look in (custom kernels,
	// VMs booted with -kernel), so a built-in feature cannot be told apart
	// from a missing one.
	moduleUnknown
)

// module finds kernel module name the way modprobe would: first whether it
// is already loaded, then the kernel's list of built-in modules, then the
// dependency file that maps every installable module to its .ko path. When
// /lib/modules has nothing for this kernel, the kernel's own build
// configuration (/proc/config.gz, if built with IKCONFIG_PROC) may still say
// option=y: built in.
func (f facts) module(name, option string) moduleState {
	if exists(f.host.sys("module", name)) {
		return moduleLoaded
	}
	dir := filepath.Join(f.host.Modules, f.release)
	if f.release != "" && exists(dir) {
		// Both files list paths such as "kernel/fs/overlayfs/overlay.ko"; in
		// modules.dep the path is followed by ':' and its dependencies.
		if p := findModulePath(filepath.Join(dir, "modules.builtin"), name); p != "" {
			return moduleBuiltin
		}
		if p := findModulePath(filepath.Join(dir, "modules.dep"), name); p != "" && exists(filepath.Join(dir, p)) {
			return moduleLoadable
		}
		return moduleAbsent
	}
	switch kernelConfig(f.host.proc("config.gz"), option) {
	case "y":
		return moduleBuiltin
	case "n":
		return moduleAbsent
	}
	return moduleUnknown
}

// kernelConfig reads one option from the gzipped kernel configuration:
// "y", "m", "n" (the "# CONFIG_X is not set" form) or "" when unknown.
func kernelConfig(path, option string) string {
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return ""
	}
	defer zr.Close()
	sc := bufio.NewScanner(zr)
	for sc.Scan() {
		line := sc.Text()
		if v, ok := strings.CutPrefix(line, option+"="); ok {
			return v
		}
		if line == "# "+option+" is not set" {
			return "n"
		}
	}
	return ""
}

// findModulePath returns the first path in list whose file is name.ko,
// compressed or not (Debian ships .ko.xz, newer distributions .ko.zst).
func findModulePath(list, name string) string {
	f, err := os.Open(list)
	if err != nil {
		return ""
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		p, _, _ := strings.Cut(sc.Text(), ":")
		base := filepath.Base(strings.TrimSpace(p))
		for _, ext := range []string{".xz", ".zst", ".gz"} {
			base = strings.TrimSuffix(base, ext)
		}
		if base == name+".ko" {
			return strings.TrimSpace(p)
		}
	}
	return ""
}
