package compare

import (
	"bufio"
	"debug/elf"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// vmTools are the three things a VM boot needs: an emulator, a kernel and
// a userland for the initramfs.
type vmTools struct {
	qemu, kernel, busybox string
}

// missingTool is one thing to install, named in both package families.
type missingTool struct {
	what     string // "qemu", "a kernel to boot", "a static busybox"
	why      string
	deb, rpm string // package names
}

// toolFinder looks for the tools; its fields let tests point it at
// directories of their own.
type toolFinder struct {
	lookPath func(string) (string, error) // exec.LookPath
	bootDir  string                       // where kernels are: /boot
	release  string                       // the running kernel's release (uname -r)
	// qemuPaths are places outside $PATH where qemu lives: CentOS's
	// qemu-kvm package installs /usr/libexec/qemu-kvm.
	qemuPaths []string
}

// find returns the tools, or what is missing. kernel, when set, is the
// kernel the user chose; it is an error if it cannot be read.
func (f toolFinder) find(kernel string) (vmTools, []missingTool, error) {
	var t vmTools
	var missing []missingTool
	if p, err := f.lookPath("qemu-system-x86_64"); err == nil {
		t.qemu = p
	} else if i := slices.IndexFunc(f.qemuPaths, isExecutable); i >= 0 {
		t.qemu = f.qemuPaths[i]
	} else {
		missing = append(missing, missingTool{what: "qemu", why: "qemu-system-x86_64 is not in $PATH",
			deb: "qemu-system-x86", rpm: "qemu-kvm"})
	}
	if kernel != "" {
		if err := readable(kernel); err != nil {
			return t, nil, fmt.Errorf("--kernel: %w; give the path of a bootable kernel image, e.g. /boot/vmlinuz-%s", err, f.release)
		}
		t.kernel = kernel
	} else if k, err := f.findKernel(); err == nil {
		t.kernel = k
	} else {
		missing = append(missing, missingTool{what: "a kernel to boot", why: err.Error(),
			deb: "linux-image-cloud-amd64", rpm: "kernel"})
	}
	if bb, why := f.findStaticBusybox(); bb != "" {
		t.busybox = bb
	} else {
		missing = append(missing, missingTool{what: "a static busybox", why: why,
			deb: "busybox-static", rpm: "busybox"})
	}
	return t, missing, nil
}

// findKernel prefers Debian's cloud kernel (small, with the serial console
// and virtio built in, quick to boot), then the running kernel's own image,
// then the newest one there is.
func (f toolFinder) findKernel() (string, error) {
	pick := func(pattern string) string {
		found, _ := filepath.Glob(filepath.Join(f.bootDir, pattern))
		found = slices.DeleteFunc(found, func(p string) bool { return readable(p) != nil })
		if len(found) == 0 {
			return ""
		}
		slices.SortFunc(found, versionCompare)
		return found[len(found)-1]
	}
	if k := pick("vmlinuz-*-cloud-amd64"); k != "" {
		return k, nil
	}
	if k := filepath.Join(f.bootDir, "vmlinuz-"+f.release); f.release != "" && readable(k) == nil {
		return k, nil
	}
	if k := pick("vmlinuz-*"); k != "" {
		return k, nil
	}
	if all, _ := filepath.Glob(filepath.Join(f.bootDir, "vmlinuz-*")); len(all) > 0 {
		return "", fmt.Errorf("cannot read the kernels in %s (run as root)", f.bootDir)
	}
	return "", fmt.Errorf("no vmlinuz-* in %s", f.bootDir)
}

// findStaticBusybox finds busybox and checks it has no ELF interpreter:
// the initramfs holds no shared libraries for a dynamic one to load.
func (f toolFinder) findStaticBusybox() (path, why string) {
	p, err := f.lookPath("busybox")
	if err != nil {
		return "", "busybox is not in $PATH"
	}
	bin, err := elf.Open(p)
	if err != nil {
		return "", fmt.Sprintf("%s is not a readable ELF program: %v", p, err)
	}
	defer bin.Close()
	for _, prog := range bin.Progs {
		if prog.Type == elf.PT_INTERP {
			return "", p + " is dynamically linked"
		}
	}
	return p, ""
}

// installHint is the command that installs what is missing, in this
// distribution's words (both families when it cannot tell).
func installHint(missing []missingTool, family string) string {
	var deb, rpm []string
	for _, m := range missing {
		deb, rpm = append(deb, m.deb), append(rpm, m.rpm)
	}
	apt := "apt install " + strings.Join(deb, " ")
	yum := "yum install " + strings.Join(rpm, " ")
	if slices.Contains(rpm, "busybox") {
		yum = "yum install epel-release && " + yum // busybox is in EPEL
	}
	switch family {
	case "debian":
		return apt
	case "redhat":
		return yum
	}
	return apt + " (Debian, Ubuntu), or " + yum + " (CentOS, Fedora)"
}

// osFamily reads ID and ID_LIKE from an os-release file: "debian",
// "redhat", or "" when it cannot tell.
func osFamily(path string) string {
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	var words []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, _ := strings.Cut(sc.Text(), "=")
		if k == "ID" || k == "ID_LIKE" {
			words = append(words, strings.Fields(strings.Trim(v, `"'`))...)
		}
	}
	for _, w := range words {
		switch w {
		case "debian", "ubuntu":
			return "debian"
		case "rhel", "centos", "fedora", "rocky", "almalinux":
			return "redhat"
		}
	}
	return ""
}

// versionCompare orders "vmlinuz-6.1.0-9" before "vmlinuz-6.1.0-10":
// runs of digits compare as numbers, everything else byte by byte.
func versionCompare(a, b string) int {
	for a != "" && b != "" {
		da, db := leadingDigits(a), leadingDigits(b)
		if da != "" && db != "" {
			na, nb := strings.TrimLeft(da, "0"), strings.TrimLeft(db, "0")
			if c := len(na) - len(nb); c != 0 {
				return c
			}
			if c := strings.Compare(na, nb); c != 0 {
				return c
			}
			a, b = a[len(da):], b[len(db):]
			continue
		}
		if a[0] != b[0] {
			return int(a[0]) - int(b[0])
		}
		a, b = a[1:], b[1:]
	}
	return len(a) - len(b)
}

func leadingDigits(s string) string {
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	return s[:i]
}

func readable(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return err
	}
	if !st.Mode().IsRegular() {
		return errors.New(path + " is not a regular file")
	}
	return nil
}

func isExecutable(path string) bool {
	st, err := os.Stat(path)
	return err == nil && st.Mode().IsRegular() && st.Mode()&0o111 != 0
}
