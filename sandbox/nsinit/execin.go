package nsinit

import (
	"encoding/json"
	"fmt"
	"os"
	"runtime"
	"strings"

	"github.com/dockling/dockling/sandbox"
	"github.com/dockling/dockling/sandbox/explain"
	"github.com/dockling/dockling/sandbox/security"
	"golang.org/x/sys/unix"
)

// ExecInCommand is the hidden argv[1] for the last hop of `dockling exec`:
// nsenter has already put this process in every namespace of the container
// and chrooted it there (nsenter is C and single-threaded; Go could not
// join a mount namespace). What nsenter cannot do is take away privileges,
// so it runs this binary (passed in as an open file: /proc/self/fd/N) to
// drop them the way the container's own process did, then exec the command.
const ExecInCommand = "exec-in"

// ExecSpecEnv carries the privileges to keep, as JSON; it is removed from
// the environment before the command runs.
const ExecSpecEnv = "DOCKLING_EXEC_SPEC"

// ExecSpec is what an exec'd process gets of the container's settings.
type ExecSpec struct {
	Security *security.Spec `json:"security,omitempty"`
	User     *sandbox.User  `json:"user,omitempty"`
	// ConsoleFD, when not 0, is a unix socket to send a new terminal's
	// master side over (exec -t), as the container's first process does
	// for run -t: the terminal comes from the container's own /dev/pts.
	ConsoleFD int `json:"consoleFD,omitempty"`
}

// ExecIn drops privileges as ExecSpec says, then becomes os.Args[2:].
func ExecIn() {
	// Capabilities and no_new_privs belong to a thread; execve keeps the
	// calling thread's. Stay on one.
	runtime.LockOSThread()
	fail := func(code int, err error) {
		fmt.Fprintf(os.Stderr, "dockling exec: %v\n", err)
		os.Exit(code)
	}
	if len(os.Args) < 3 {
		fail(2, fmt.Errorf("usage: %s %s COMMAND [ARG...]", os.Args[0], ExecInCommand))
	}
	var spec ExecSpec
	if err := json.Unmarshal([]byte(os.Getenv(ExecSpecEnv)), &spec); err != nil {
		fail(1, fmt.Errorf("read %s: %w", ExecSpecEnv, err))
	}
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, ExecSpecEnv+"=") {
			env = append(env, kv)
		}
	}
	if spec.Security != nil {
		if err := explain.Run(security.BoundingOp(spec.Security), nil, explain.Child); err != nil {
			fail(1, err)
		}
	}
	if spec.ConsoleFD > 0 {
		// nsenter has chrooted us into the container, so /dev/ptmx here
		// is the container's devpts, not the host's. Before dropping
		// privileges: opening it and TIOCSCTTY want root's view.
		if err := sandbox.SetupConsole(spec.ConsoleFD); err != nil {
			fail(1, fmt.Errorf("set up the terminal: %w", err))
		}
	}
	if err := switchUser(spec.User, nil); err != nil {
		fail(1, err)
	}
	cfg := sandbox.Config{Security: spec.Security, User: spec.User}
	if err := explain.Run(sandbox.ExecPlan(&cfg), nil, explain.Child); err != nil {
		fail(1, err)
	}
	args := os.Args[2:]
	path, err := lookPath(args[0], env)
	if err != nil {
		fail(127, err)
	}
	closeExtraFDs()
	err = unix.Exec(path, args, env)
	fail(126, fmt.Errorf("cannot run %s: %w", path, err))
}
