// Package nsinit is the child side of a container start. It runs in the
// re-executed dockling, already inside the new namespaces (the kernel made
// them at clone time), finishes the setup from in there, and then replaces
// itself with the user's command.
package nsinit

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/dockling/dockling/sandbox"
	"github.com/dockling/dockling/sandbox/explain"
	"github.com/dockling/dockling/sandbox/rootfs"
	"github.com/dockling/dockling/sandbox/security"
	"golang.org/x/sys/unix"
)

// Command is the hidden argv[1] that makes dockling act as the child.
const Command = "init"

// Main runs the child side and never returns.
func Main() {
	// Capability sets, the bounding set and no_new_privs belong to a
	// thread, not to the process, and execve keeps only the calling
	// thread's. So the setup and the exec must happen on one OS thread.
	runtime.LockOSThread()
	// Our two pipes arrive without close-on-exec (that is how fds are
	// inherited); mark them now so the user's command never sees them.
	unix.CloseOnExec(sandbox.ConfigFD)
	unix.CloseOnExec(sandbox.MessageFD)
	msgs := json.NewEncoder(os.NewFile(sandbox.MessageFD, "messages"))
	fail := func(code int, err error) {
		_ = msgs.Encode(sandbox.ChildMsg{Error: err.Error(), Code: code})
		os.Exit(code)
	}

	// The first decode of a type makes encoding/json walk every struct in
	// it by reflection (0.3 ms here). The config arrives only when the
	// parent has it ready, usually later than this point, so the walk is
	// done now, while waiting: encoding an empty config with every part
	// present fills the same field cache the decoder uses.
	_, _ = json.Marshal(&sandbox.Config{Overlay: &sandbox.OverlaySpec{}, Network: &sandbox.NetworkSpec{},
		Mounts: []rootfs.BindMount{{}}, Cgroup: &sandbox.CgroupSpec{}, User: &sandbox.User{}, Security: &security.Spec{}})

	// The config comes as one line, as soon as the parent has it ready;
	// Release comes later (see sandbox/protocol.go).
	fromParent := bufio.NewReaderSize(os.NewFile(sandbox.ConfigFD, "config"), 64*1024)
	data, err := fromParent.ReadBytes('\n')
	if err != nil && (err != io.EOF || len(data) == 0) {
		fail(1, fmt.Errorf("read config from parent: %w", err))
	}
	var cfg sandbox.Config
	if err := json.Unmarshal(data, &cfg); err != nil {
		fail(1, fmt.Errorf("decode config from parent: %w", err))
	}
	if len(cfg.Args) == 0 {
		fail(1, errors.New("no command to run"))
	}

	var rec *explain.Recorder
	if cfg.Explain {
		rec = explain.New(func(e explain.Event) { _ = msgs.Encode(sandbox.ChildMsg{Event: &e}) })
	}
	if err := explain.Run(sandbox.ChildPlan(&cfg), rec, explain.Child); err != nil {
		fail(1, fmt.Errorf("set up the container: %w", err))
	}

	if cfg.Tty {
		unix.CloseOnExec(sandbox.ConsoleFD)
		if err := sandbox.SetupConsole(sandbox.ConsoleFD); err != nil {
			fail(1, fmt.Errorf("set up the terminal: %w", err))
		}
	}

	cwd := cfg.Cwd
	if cwd == "" {
		cwd = "/"
	}
	// Only a container's own root gets a missing directory made; step 0
	// runs on the host's.
	if err := chdir(cwd, cfg.Rootfs != "", rec); err != nil {
		fail(1, fmt.Errorf("working directory %q: %w", cwd, err))
	}
	if err := switchUser(cfg.User, rec); err != nil {
		fail(1, err)
	}
	// Last, as the user: capabilities (none for a non-root user),
	// ambient set cleared, no_new_privs (dockling run only).
	if err := explain.Run(sandbox.ExecPlan(&cfg), rec, explain.Child); err != nil {
		fail(1, fmt.Errorf("drop privileges: %w", err))
	}
	path, err := lookPath(cfg.Args[0], cfg.Env)
	if err != nil {
		fail(127, err)
	}
	// The last moment to wait for the host side (the cgroup joined): the
	// setup above ran meanwhile. No Release means the parent gave up on
	// this container and tells the user why itself.
	if b, err := fromParent.ReadByte(); err != nil || b != sandbox.Release {
		os.Exit(1)
	}
	closeExtraFDs()
	rec.Record(explain.Child, fmt.Sprintf("execve(%q, [%s], env)", path, quoteList(cfg.Args)), "exec "+explain.QuoteArgs(cfg.Args),
		"this process becomes the command; its PID stays the same")
	err = unix.Exec(path, cfg.Args, cfg.Env)
	code := 126
	if errors.Is(err, unix.ENOENT) {
		// The file is there but its ELF interpreter or #! program is not.
		code = 127
	}
	fail(code, fmt.Errorf("cannot run %s: %w", path, err))
}

// switchUser becomes u (nil: stay root). Groups first: once the uid is
// not 0 any more, we could not change them.
func switchUser(u *sandbox.User, rec *explain.Recorder) error {
	if u == nil {
		return nil
	}
	if err := unix.Setgroups(nil); err != nil {
		return fmt.Errorf("setgroups: %w", err)
	}
	if err := unix.Setgid(u.GID); err != nil {
		return fmt.Errorf("setgid %d: %w", u.GID, err)
	}
	if err := unix.Setuid(u.UID); err != nil {
		return fmt.Errorf("setuid %d: %w", u.UID, err)
	}
	rec.Record(explain.Child, fmt.Sprintf("setgroups([]); setgid(%d); setuid(%d)", u.GID, u.UID), "", "run as the requested user from here on")
	return nil
}

// lookPath finds a command the way a shell would, but with the container's
// PATH and in the container's root (we are already inside it).
func lookPath(name string, env []string) (string, error) {
	if strings.Contains(name, "/") {
		if err := executable(name); err != nil {
			return "", fmt.Errorf("command %q: %w", name, err)
		}
		return name, nil
	}
	pathVar := "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
	for _, kv := range env {
		if v, ok := strings.CutPrefix(kv, "PATH="); ok {
			pathVar = v
		}
	}
	for _, dir := range filepath.SplitList(pathVar) {
		if dir == "" {
			dir = "."
		}
		p := filepath.Join(dir, name)
		if executable(p) == nil {
			return p, nil
		}
	}
	return "", fmt.Errorf("command %q not found in the container (PATH=%s)", name, pathVar)
}

func executable(path string) error {
	st, err := os.Stat(path)
	if err != nil {
		return errors.Unwrap(err) // drop the "stat path:" prefix; callers name the path
	}
	if st.IsDir() || st.Mode()&0o111 == 0 {
		return errors.New("not an executable file")
	}
	return nil
}

// chdir enters the working directory, making it first (if create) when the
// image lacks it, as docker does for "run -w": as root and before the user
// switch, so it is 0755 and root's. This runs after pivot_root (or step
// 1's chroot), so the path can only name something inside the container.
func chdir(dir string, create bool, rec *explain.Recorder) error {
	err := unix.Chdir(dir)
	if !create || !errors.Is(err, unix.ENOENT) {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	rec.Record(explain.Child, fmt.Sprintf("mkdir(%q, 0755)", dir), "mkdir -p "+dir,
		"the working directory asked for is not in the image: made, as docker makes it")
	return unix.Chdir(dir)
}

// closeExtraFDs marks every descriptor above stderr close-on-exec, so no
// host file the runtime happened to hold leaks into the container (the class
// of bug behind runc's CVE-2024-21626). close_range needs Linux 5.11; older
// kernels (CentOS 7's 3.10) take the loop.
func closeExtraFDs() {
	if unix.CloseRange(3, ^uint(0), unix.CLOSE_RANGE_CLOEXEC) == nil {
		return
	}
	var lim unix.Rlimit
	max := 1024
	if unix.Getrlimit(unix.RLIMIT_NOFILE, &lim) == nil && lim.Cur < 1<<20 {
		max = int(lim.Cur)
	}
	for fd := 3; fd < max; fd++ {
		unix.CloseOnExec(fd)
	}
}

// quoteList prints argv as C would write it: "a", "b".
func quoteList(args []string) string {
	q := make([]string, len(args))
	for i, a := range args {
		q[i] = fmt.Sprintf("%q", a)
	}
	return strings.Join(q, ", ")
}
