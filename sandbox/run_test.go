package sandbox

import (
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

// A clone that fails names the namespaces and points at the fix.
func TestStartErrorSaysWhatToDo(t *testing.T) {
	for _, c := range []struct {
		errno unix.Errno
		want  string
	}{
		{unix.EINVAL, `run "dockling doctor"`},
		{unix.ENOSYS, `run "dockling doctor"`},
		{unix.EPERM, "run as root"},
	} {
		msg := startError(c.errno, []string{"CLONE_NEWPID", "CLONE_NEWNET"}).Error()
		if !strings.Contains(msg, c.want) || !strings.Contains(msg, "CLONE_NEWPID") || strings.Contains(msg, "\n") {
			t.Errorf("%v: %q, want one line naming the namespaces and %q", c.errno, msg, c.want)
		}
	}
}

func TestCloneflagsMatchUnshareOptions(t *testing.T) {
	c := &Config{Namespaces: AllNamespaces}
	flags, names, opts := c.Cloneflags()
	if flags != unix.CLONE_NEWUTS|unix.CLONE_NEWPID|unix.CLONE_NEWNS|unix.CLONE_NEWIPC|unix.CLONE_NEWNET {
		t.Errorf("flags %#x", flags)
	}
	if len(names) != 5 || strings.Join(opts, " ") != "--uts --pid --mount --ipc --net" {
		t.Errorf("names %v, unshare options %v", names, opts)
	}
}
