package hostcheck

import (
	"bufio"
	"os"
	"strings"
)

// checkOverlay: step 4 stacks the image's layers with overlayfs. The kernel
// lists the filesystems it can mount right now in /proc/filesystems; a module
// on disk means one modprobe away. Without overlay dockling still runs, by
// copying the image into each container's root: slower and bigger.
func checkOverlay(f facts) Result {
	r := Result{Name: "overlay"}
	if hasFilesystem(f.host.proc("filesystems"), "overlay") {
		r.Detail = "overlay in /proc/filesystems"
		return r
	}
	r.Status = Warn
	switch f.module("overlay", "CONFIG_OVERLAY_FS") {
	case moduleLoadable:
		r.Detail = "overlay is a module that is not loaded yet"
		r.Fix = "modprobe overlay (for good: echo overlay > /etc/modules-load.d/overlay.conf)"
	default:
		r.Detail = "no overlay filesystem: dockling will copy each image instead (slower, uses more disk)"
		r.Fix = "use a kernel with CONFIG_OVERLAY_FS (upstream 3.18+; CentOS 7 kernels carry a backport: yum update kernel)"
	}
	return r
}

// hasFilesystem looks for fs in /proc/filesystems ("nodev\toverlay").
func hasFilesystem(path, fs string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) > 0 && fields[len(fields)-1] == fs {
			return true
		}
	}
	return false
}
