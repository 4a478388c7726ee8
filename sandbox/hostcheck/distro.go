package hostcheck

import (
	"bufio"
	"os"
	"strings"
)

// distro is what /etc/os-release says about the machine. The doctor only
// needs it to word its fixes in the host's own tools: yum and grubby on
// CentOS 7, apt-get and update-grub on Debian.
type distro struct {
	ID, Like, VersionID, Pretty string
}

// readDistro parses os-release (KEY=value lines, values maybe quoted). A
// missing file gives the zero distro, whose fixes name both families.
func readDistro(path string) distro {
	var d distro
	f, err := os.Open(path)
	if err != nil {
		return d
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		key, val, ok := strings.Cut(strings.TrimSpace(sc.Text()), "=")
		if !ok {
			continue
		}
		val = strings.Trim(val, `"'`)
		switch key {
		case "ID":
			d.ID = val
		case "ID_LIKE":
			d.Like = val
		case "VERSION_ID":
			d.VersionID = val
		case "PRETTY_NAME":
			d.Pretty = val
		}
	}
	return d
}

// family is "redhat", "debian" or "" (unknown).
func (d distro) family() string {
	words := strings.Fields(d.ID + " " + d.Like)
	for _, w := range words {
		switch w {
		case "centos", "rhel", "fedora", "rocky", "almalinux", "ol":
			return "redhat"
		case "debian", "ubuntu":
			return "debian"
		}
	}
	return ""
}

// install is the command that installs a package here.
func (d distro) install(debPkg, rpmPkg string) string {
	switch d.family() {
	case "redhat":
		return "yum install -y " + rpmPkg
	case "debian":
		return "apt-get install -y " + debPkg
	}
	return "apt-get install -y " + debPkg + " (CentOS 7: yum install -y " + rpmPkg + ")"
}

// bootArg says how to add arg to the kernel command line for good.
func (d distro) bootArg(arg string) string {
	grubby := `grubby --update-kernel=ALL --args="` + arg + `" and reboot`
	grub := `add ` + arg + ` to GRUB_CMDLINE_LINUX in /etc/default/grub, run update-grub and reboot`
	switch d.family() {
	case "redhat":
		return grubby
	case "debian":
		return grub
	}
	return grub + " (CentOS 7: " + grubby + ")"
}
