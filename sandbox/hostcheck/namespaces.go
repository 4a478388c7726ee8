package hostcheck

import (
	"fmt"
	"strings"
)

// requiredNamespaces are the ones step 2 and every container create. A
// kernel built without one of them has no /proc/self/ns/<name> entry.
var requiredNamespaces = []string{"uts", "pid", "mnt", "ipc", "net"}

// nsKernelOption is the kernel build option behind each namespace; mnt has
// none because mount namespaces are always built in.
var nsKernelOption = map[string]string{
	"uts": "CONFIG_UTS_NS", "pid": "CONFIG_PID_NS", "ipc": "CONFIG_IPC_NS",
	"net": "CONFIG_NET_NS", "user": "CONFIG_USER_NS", "cgroup": "CONFIG_CGROUPS",
}

// checkNamespaces looks for each namespace the way `ls -l /proc/self/ns`
// does. The user and cgroup namespaces are optional: containers start
// without them, and the report only says whether they are there.
func checkNamespaces(f facts) Result {
	r := Result{Name: "namespaces", Required: true}
	var have, missing []string
	for _, ns := range requiredNamespaces {
		if exists(f.host.proc("self/ns", ns)) {
			have = append(have, ns)
		} else {
			missing = append(missing, ns)
		}
	}

	var notes []string
	if !exists(f.host.proc("self/ns/cgroup")) {
		notes = append(notes, "no cgroup ns")
	}
	userNote, userFix := userNamespaces(f)
	notes = append(notes, userNote)

	r.Detail = strings.Join(have, " ")
	if len(missing) > 0 {
		r.Status = Fail
		r.Detail = "missing " + strings.Join(missing, " ") + "; have " + r.Detail
		var opts []string
		for _, ns := range missing {
			if o := nsKernelOption[ns]; o != "" {
				opts = append(opts, o+"=y")
			}
		}
		r.Fix = "use a kernel built with " + strings.Join(opts, " ") +
			" (distribution kernels have them; inside another container, run dockling on the host instead)"
	}
	r.Detail += " (" + strings.Join(notes, "; ") + ")"
	if userFix != "" {
		if r.Status == OK {
			r.Status = Warn
		}
		r.Fix = joinFixes(r.Fix, userFix)
	}
	return r
}

// userNamespaces reads the sysctl that caps how many user namespaces may
// exist. CentOS 7 ships it at 0: the kernel has user namespaces but lets
// nobody create one. It returns a note for the report and, when they are
// off, the fix.
func userNamespaces(f facts) (note, fix string) {
	if !exists(f.host.proc("self/ns/user")) {
		return "no user ns", ""
	}
	max, err := readTrimmed(f.host.proc("sys/user/max_user_namespaces"))
	if err != nil {
		// Kernels before 4.9 have no limit to read (and no limit).
		return "user ns", ""
	}
	if max != "0" {
		return fmt.Sprintf("user: %s allowed", max), ""
	}
	fix = "enable user namespaces: echo 15000 > /proc/sys/user/max_user_namespaces " +
		"(for good: echo user.max_user_namespaces=15000 > /etc/sysctl.d/90-dockling.conf)"
	if f.distro.family() != "debian" {
		fix += `; CentOS 7 before 7.4 also needs user_namespace.enable=1 on the kernel command line: ` +
			`grubby --update-kernel=ALL --args="user_namespace.enable=1" and reboot`
	}
	return "user namespaces off: max_user_namespaces=0", fix
}

// joinFixes puts two fixes on one line, skipping empty ones.
func joinFixes(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + "; " + b
}
