// Package security holds the defaults that make `dockling run` a container
// rather than just a process in namespaces: docker's set of capabilities,
// no_new_privs, masked and read-only parts of /proc and /sys, and an
// allow-list of devices.
//
// Why each, in one line:
//   - root in a container is root on the host's kernel; capabilities are how
//     that root is cut down to what ordinary programs need (no mount, no
//     module loading, no raw disk I/O, no clock setting);
//   - no_new_privs makes setuid binaries and file capabilities powerless, so
//     a user in the container can never exec their way back to root;
//   - parts of /proc and /sys describe (or change) the host, not the
//     container: /proc/kcore is the kernel's memory, /proc/sys its settings;
//   - the devices cgroup decides which device nodes may be opened at all,
//     whatever their file permissions say.
//
// The steps (`dockling step N`) leave Config.Security nil, so the
// walkthrough still shows each layer on its own; only run and create set it.
//
// On cgroup v2 the devices check is an eBPF program attached to the cgroup,
// which dockling does not build. There a container has no devices cgroup, so
// the default set also loses CAP_MKNOD: without it no new device node can be
// made, and the only nodes in the container's /dev are the harmless ones
// dockling made (null, zero, full, random, urandom, tty, the ptys). Without
// CAP_SYS_ADMIN nothing can be mounted to bring the host's /dev in either.
package security

import (
	"fmt"
	"slices"

	"github.com/dockling/dockling/sandbox/cgroups"
)

// Spec is the security of one container. It crosses to the child inside
// the Config, as JSON.
type Spec struct {
	// Privileged turns every default below off: all capabilities, nothing
	// masked, every device, no no_new_privs. Docker's --privileged.
	Privileged bool `json:"privileged,omitempty"`
	// Capabilities are the bounding, permitted and effective set of root
	// in the container ("CAP_CHOWN", ...). A non-root user (-u) gets none.
	Capabilities []string `json:"capabilities"`
	// NoNewPrivs sets no_new_privs before the exec.
	NoNewPrivs bool `json:"noNewPrivs,omitempty"`
	// MaskedPaths are hidden: /dev/null over files, an empty read-only
	// tmpfs over directories.
	MaskedPaths []string `json:"maskedPaths,omitempty"`
	// ReadonlyPaths stay visible but cannot be written.
	ReadonlyPaths []string `json:"readonlyPaths,omitempty"`
	// Devices are the devices cgroup rules (v1); nil means no devices
	// cgroup (privileged, or a host that has none: see the package doc).
	Devices []string `json:"devices,omitempty"`
}

// DefaultCapabilities is docker's default set. Everything else (SYS_ADMIN,
// NET_ADMIN, SYS_MODULE, SYS_RAWIO, SYS_PTRACE, SYS_TIME, ...) is dropped.
var DefaultCapabilities = []string{
	"CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_MKNOD",
	"CAP_NET_RAW", "CAP_SETGID", "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP",
	"CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE",
}

// DefaultMaskedPaths are docker's: the kernel's memory and keyrings, timing
// and scheduler internals that leak what the host runs, hardware lists, and
// firmware and power-capping controls.
var DefaultMaskedPaths = []string{
	"/proc/asound", "/proc/acpi", "/proc/kcore", "/proc/keys", "/proc/latency_stats",
	"/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/proc/scsi",
	"/sys/firmware", "/sys/devices/virtual/powercap",
}

// DefaultReadonlyPaths are docker's: readable (programs look at them) but
// writing them would change the whole host (sysctls, IRQ routing, SysRq).
var DefaultReadonlyPaths = []string{
	"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger",
}

// DefaultDevices is docker's allow-list: the byte sources and sinks
// (null 1:3, zero 1:5, full 1:7, random 1:8, urandom 1:9), the terminals
// (tty 5:0, console 5:1, ptmx 5:2, the ptys 136:*), and "m" on everything.
//
// Why "c *:* m" and "b *:* m", as docker has them: mknod of any node is
// allowed, opening it is not. So `mknod /dev/sda b 8 0` succeeds and
// `head -c1 /dev/sda` then fails with EPERM: a node is only a name, the
// cgroup guards the door. Keeping mknod working matters for images whose
// package scripts make device nodes (and fail hard if they cannot); making
// mknod itself fail would buy no safety the open check does not give.
var DefaultDevices = []string{
	"c *:* m", "b *:* m",
	"c 1:3 rwm", "c 1:5 rwm", "c 1:7 rwm", "c 1:8 rwm", "c 1:9 rwm",
	"c 5:0 rwm", "c 5:1 rwm", "c 5:2 rwm", "c 136:* rwm",
}

// V2DevicesNote is what `dockling doctor` and the lesson can say on a host
// where the devices cgroup cannot be used.
const V2DevicesNote = "no devices cgroup (cgroup v2 needs an eBPF program dockling does not build): containers lose CAP_MKNOD instead, so no new device node can be made; /dev holds only null, zero, full, random, urandom, tty and the ptys"

// New is the security of a `dockling run`: docker's defaults changed by
// --cap-add, --cap-drop and --privileged, for this host.
func New(capAdd, capDrop []string, privileged bool) (*Spec, error) {
	return build(capAdd, capDrop, privileged, DeviceCgroup())
}

// DeviceCgroup tells whether this host can enforce device rules: a v1 (or
// hybrid) host with the devices controller mounted.
func DeviceCgroup() bool {
	avail, mode, err := cgroups.Available()
	return err == nil && mode != cgroups.V2 && avail["devices"]
}

func build(capAdd, capDrop []string, privileged, deviceCgroup bool) (*Spec, error) {
	add, err := ParseCapabilities(capAdd)
	if err != nil {
		return nil, fmt.Errorf("--cap-add: %w", err)
	}
	drop, err := ParseCapabilities(capDrop)
	if err != nil {
		return nil, fmt.Errorf("--cap-drop: %w", err)
	}
	if privileged {
		// As docker: --privileged means all of them; --cap-add and
		// --cap-drop are ignored.
		return &Spec{Privileged: true, Capabilities: AllCapabilities()}, nil
	}
	base := DefaultCapabilities
	if !deviceCgroup {
		// Nothing would stop a root process from making a disk's node
		// and reading the disk: see the package doc.
		base = slices.DeleteFunc(slices.Clone(base), func(c string) bool { return c == "CAP_MKNOD" })
	}
	return &Spec{
		Capabilities:  tweak(base, add, drop),
		NoNewPrivs:    true,
		MaskedPaths:   DefaultMaskedPaths,
		ReadonlyPaths: DefaultReadonlyPaths,
		Devices:       devicesFor(deviceCgroup),
	}, nil
}

func devicesFor(deviceCgroup bool) []string {
	if !deviceCgroup {
		return nil
	}
	return DefaultDevices
}

// tweak applies --cap-add and --cap-drop to base the way docker does:
// --cap-add ALL is every capability except those dropped; --cap-drop ALL
// starts from nothing and keeps only those added; otherwise drop, then add.
func tweak(base, add, drop []string) []string {
	var out []string
	switch {
	case slices.Contains(add, "ALL"):
		for _, c := range AllCapabilities() {
			if !slices.Contains(drop, c) {
				out = append(out, c)
			}
		}
	case slices.Contains(drop, "ALL"):
		out = append(out, add...)
	default:
		for _, c := range base {
			if !slices.Contains(drop, c) {
				out = append(out, c)
			}
		}
		out = append(out, add...)
	}
	// Sorted by number and without repeats, so two ways of asking for the
	// same set print the same.
	slices.SortFunc(out, func(a, b string) int { return capNumber[a] - capNumber[b] })
	return slices.Compact(out)
}
