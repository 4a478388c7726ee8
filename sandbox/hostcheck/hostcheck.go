// Package hostcheck answers "can this machine run containers, and if not,
// what do I change?" for `dockling doctor`.
//
// Every check reads the same files a curious learner would `cat`:
// /proc/sys/kernel/osrelease, /proc/self/ns/, /proc/cgroups, /proc/filesystems,
// /sys/module/. The roots of those trees are fields of Host, so the unit tests
// can point them at a fake CentOS 7 or Debian 12 machine under testdata/.
// The few answers that only a system call can give (statfs, getdents, euid,
// PATH lookups) are function fields for the same reason.
package hostcheck

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"

	"github.com/dockling/dockling/sandbox"
	"github.com/dockling/dockling/sandbox/cgroups"
	"github.com/dockling/dockling/sandbox/fsutil"
)

// Status is the verdict of one check.
type Status int

const (
	// OK means the feature is there and works as dockling needs.
	OK Status = iota
	// Warn means dockling runs, but something is slower, missing or risky.
	Warn
	// Fail means dockling cannot run containers until it is fixed.
	Fail
)

// String is the word the doctor prints and --json emits.
func (s Status) String() string {
	switch s {
	case OK:
		return "ok"
	case Warn:
		return "warn"
	case Fail:
		return "fail"
	}
	return fmt.Sprintf("status(%d)", int(s))
}

// MarshalJSON emits the word, not the number, so scripts read `"fail"`.
func (s Status) MarshalJSON() ([]byte, error) { return json.Marshal(s.String()) }

// Result is one line of the doctor's report.
type Result struct {
	// Name is what was checked: "namespaces", "overlay", ...
	Name string `json:"name"`
	// Status is ok, warn or fail.
	Status Status `json:"status"`
	// Detail is what was found, e.g. "uts pid mnt ipc net (user: 15000 allowed)".
	Detail string `json:"detail"`
	// Fix says what to run or change when Status is not OK.
	Fix string `json:"fix,omitempty"`
	// Required marks checks without which no container can start; only a
	// failed required check makes the doctor exit non-zero.
	Required bool `json:"required"`
}

// Host names where to look. The zero value means "this machine".
type Host struct {
	// Proc, Sys and Etc are the roots of /proc, /sys and /etc.
	Proc, Sys, Etc string
	// Modules is the root of /lib/modules (kernel modules and the lists of
	// built-in ones).
	Modules string
	// StateDir is dockling's state directory (sandbox.Root()): its
	// filesystem must be able to hold overlay upper directories.
	StateDir string

	// Euid returns the effective user id (default os.Geteuid).
	Euid func() int
	// FSType returns the statfs magic of the filesystem holding path
	// (default unix.Statfs); see the *_MAGIC constants in x/sys/unix.
	FSType func(path string) (int64, error)
	// DirentTypes reports whether directory entries read from dir carry
	// their file type (d_type), by creating a file and reading it back with
	// getdents (default: that real probe).
	DirentTypes func(dir string) (bool, error)
	// CgroupMode tells v1, v2 or hybrid for the cgroup mount point (default
	// cgroups.DetectMode, which asks statfs).
	CgroupMode func(mountpoint string) (cgroups.Mode, error)
	// LookPath finds a program in PATH (default exec.LookPath).
	LookPath func(name string) (string, error)
}

// withDefaults fills every empty field with the real machine's value.
func (h Host) withDefaults() Host {
	orDefault := func(s *string, def string) {
		if *s == "" {
			*s = def
		}
	}
	orDefault(&h.Proc, "/proc")
	orDefault(&h.Sys, "/sys")
	orDefault(&h.Etc, "/etc")
	orDefault(&h.Modules, "/lib/modules")
	orDefault(&h.StateDir, sandbox.Root())
	if h.Euid == nil {
		h.Euid = os.Geteuid
	}
	if h.FSType == nil {
		h.FSType = statfsType
	}
	if h.DirentTypes == nil {
		h.DirentTypes = fsutil.DirentTypesWork
	}
	if h.CgroupMode == nil {
		h.CgroupMode = cgroups.DetectMode
	}
	if h.LookPath == nil {
		h.LookPath = exec.LookPath
	}
	return h
}

// proc, sys and etc join a path under the matching root.
func (h Host) proc(p ...string) string { return filepath.Join(append([]string{h.Proc}, p...)...) }
func (h Host) sys(p ...string) string  { return filepath.Join(append([]string{h.Sys}, p...)...) }
func (h Host) etc(p ...string) string  { return filepath.Join(append([]string{h.Etc}, p...)...) }

// Run performs every check, in the order a learner meets the features in the
// steps, and returns one Result per line of the report.
func Run(h Host) []Result {
	h = h.withDefaults()
	env := facts{host: h, distro: readDistro(h.etc("os-release")), release: readKernelRelease(h)}
	checks := []func(facts) Result{
		checkRoot,
		checkKernel,
		checkNamespaces,
		checkPivotRoot,
		checkCgroups,
		checkOverlay,
		checkStorage,
		checkVeth,
		checkBridge,
		checkIPForward,
		checkFirewall,
	}
	rs := make([]Result, 0, len(checks))
	for _, c := range checks {
		rs = append(rs, c(env))
	}
	return rs
}

// facts are read once and shared by the checks: which distribution (to word
// the fixes: yum or apt, grubby or update-grub) and which kernel release.
type facts struct {
	host    Host
	distro  distro
	release string // e.g. "3.10.0-1160.el7.x86_64"; "" if unreadable
}

// Failed reports whether a required check failed, i.e. whether no container
// can start on this host.
func Failed(rs []Result) bool { return CountFailed(rs) > 0 }

// CountFailed counts the required checks that failed.
func CountFailed(rs []Result) int {
	n := 0
	for _, r := range rs {
		if r.Required && r.Status == Fail {
			n++
		}
	}
	return n
}
