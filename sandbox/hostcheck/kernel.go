package hostcheck

import (
	"fmt"
	"os"
	"strconv"
	"strings"
)

// checkRoot: creating namespaces, mounting and writing cgroup files all need
// root (or capabilities only root has), so dockling refuses to start without.
func checkRoot(f facts) Result {
	r := Result{Name: "root", Required: true}
	uid := f.host.Euid()
	if uid == 0 {
		r.Detail = "running as root (euid 0)"
		return r
	}
	r.Status = Fail
	r.Detail = fmt.Sprintf("running as euid %d; namespaces, mounts and cgroups need root", uid)
	r.Fix = "run with sudo: sudo dockling doctor"
	return r
}

// readKernelRelease is `uname -r`, read from the file the kernel keeps it in.
func readKernelRelease(h Host) string {
	s, _ := readTrimmed(h.proc("sys/kernel/osrelease"))
	return s
}

// kernelVersion pulls major and minor out of a release such as
// "3.10.0-1160.el7.x86_64" or "6.1.0-56-cloud-amd64".
func kernelVersion(release string) (major, minor int, err error) {
	parts := strings.SplitN(release, ".", 3)
	if len(parts) < 2 {
		return 0, 0, fmt.Errorf("kernel release %q is not major.minor...", release)
	}
	major, err = strconv.Atoi(parts[0])
	if err != nil {
		return 0, 0, fmt.Errorf("kernel release %q: major: %w", release, err)
	}
	// The minor may run into a suffix, as in "4.19-rc1".
	digits := strings.IndexFunc(parts[1], func(r rune) bool { return r < '0' || r > '9' })
	if digits == -1 {
		digits = len(parts[1])
	}
	minor, err = strconv.Atoi(parts[1][:digits])
	if err != nil {
		return 0, 0, fmt.Errorf("kernel release %q: minor: %w", release, err)
	}
	return major, minor, nil
}

// atLeast compares major.minor versions.
func atLeast(major, minor, wantMajor, wantMinor int) bool {
	return major > wantMajor || (major == wantMajor && minor >= wantMinor)
}

// checkKernel: 3.10 is the oldest kernel with all five namespaces dockling
// needs working together (CentOS 7's). Newer features are only noted: the
// cgroup namespace arrived in 4.6, so on 3.10 a container sees the host's
// cgroup paths in /proc/self/cgroup.
func checkKernel(f facts) Result {
	r := Result{Name: "kernel"}
	if f.release == "" {
		r.Status = Warn
		r.Detail = "cannot read " + f.host.proc("sys/kernel/osrelease")
		r.Fix = "is /proc mounted? mount -t proc proc /proc"
		return r
	}
	r.Detail = f.release
	if f.distro.Pretty != "" {
		r.Detail += " on " + f.distro.Pretty
	}
	major, minor, err := kernelVersion(f.release)
	if err != nil {
		r.Status = Warn
		r.Detail = err.Error()
		return r
	}
	switch {
	case !atLeast(major, minor, 3, 10):
		r.Status = Warn
		r.Detail += "; older than 3.10: namespaces are incomplete or buggy"
		r.Fix = "use a kernel 3.10 or newer (CentOS 7's 3.10.0 works; 4.6+ adds the cgroup namespace)"
	case !atLeast(major, minor, 4, 6):
		r.Detail += "; no cgroup namespace before 4.6: containers see host cgroup paths"
	}
	return r
}

// readTrimmed reads a small kernel file such as /proc/sys/net/ipv4/ip_forward.
func readTrimmed(path string) (string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	return strings.TrimSpace(string(b)), nil
}

// exists is true for anything at path, including dangling symlinks (the
// entries of /proc/self/ns are symlinks to "uts:[4026531838]").
func exists(path string) bool {
	_, err := os.Lstat(path)
	return err == nil
}
