package sandbox

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/dockling/dockling/sandbox/explain"

	"golang.org/x/sys/unix"
)

// child is the container's first process on the parent's side: the
// re-executed init, its pipes and its console socket.
type child struct {
	cmd   *exec.Cmd
	flags uintptr // the namespaces it is cloned into
	// The parent's ends of the pipes and of the console socket.
	configW, msgR, consoleParent *os.File
	// The child's ends, closed here once it has its copies: an end held
	// by the parent would hide the child's exit (no EOF).
	childEnds []*os.File
}

// newChild prepares, without starting it, the child for namespaces flags,
// with a console socket when tty.
func newChild(flags uintptr, tty bool, stdin io.Reader, stdout, stderr io.Writer) (*child, error) {
	configR, configW, err := os.Pipe()
	if err != nil {
		return nil, fmt.Errorf("config pipe: %w", err)
	}
	msgR, msgW, err := os.Pipe()
	if err != nil {
		configR.Close()
		configW.Close()
		return nil, fmt.Errorf("message pipe: %w", err)
	}
	c := &child{flags: flags, configW: configW, msgR: msgR, childEnds: []*os.File{configR, msgW}}
	if tty {
		fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
		if err != nil {
			c.closeChildEnds()
			c.close()
			return nil, fmt.Errorf("console socket: %w", err)
		}
		c.consoleParent = os.NewFile(uintptr(fds[0]), "console")
		c.childEnds = append(c.childEnds, os.NewFile(uintptr(fds[1]), "console"))
	}
	cmd := exec.Command(InitBinary(), "init")
	cmd.Args[0] = "dockling-init"
	cmd.Stdin, cmd.Stdout, cmd.Stderr = stdin, stdout, stderr
	cmd.ExtraFiles = c.childEnds // fds 3 and 4 in the child, and 5, the console
	cmd.Env = []string{}         // the child gets its env from the config, not ours
	if t := os.Getenv("DOCKLING_TIMING"); t != "" {
		cmd.Env = append(cmd.Env, "DOCKLING_TIMING="+t) // so the child times its ops too
	}
	cmd.SysProcAttr = &syscall.SysProcAttr{
		Cloneflags: flags,
		// If dockling dies, the container must not live on unsupervised.
		Pdeathsig: syscall.SIGKILL,
	}
	c.cmd = cmd
	return c, nil
}

// start clones and execs the child.
func (c *child) start() error {
	err := c.cmd.Start()
	c.closeChildEnds()
	return err
}

func (c *child) closeChildEnds() {
	for _, f := range c.childEnds {
		f.Close()
	}
}

// close closes the parent's ends.
func (c *child) close() {
	c.configW.Close()
	c.msgR.Close()
	if c.consoleParent != nil {
		c.consoleParent.Close()
	}
}

// EarlyChild is the child of a container that is not made yet: `dockling
// run` clones it first thing, so that its namespaces, its exec and its Go
// runtime's start (together about 3 ms) happen while the CLI writes the
// container's record and files, and hands it to Run (Process.Early). It
// waits on its config pipe meanwhile and runs nothing of the container.
type EarlyChild struct {
	c        *child
	names    []string
	stdout   *lateWriter
	stderr   *lateWriter
	done     chan struct{} // closed once the clone returned
	startErr error
	once     sync.Once
}

// StartEarly starts, in the background, the child for a container with
// these namespaces (and a terminal, with tty), its standard input stdin
// (nil: /dev/null). Its output goes where Run's Process says, once Run has
// it. It returns nil where Run would not take it: on cgroup v2 with
// CLONE_INTO_CGROUP the child must be cloned into its cgroup, which does
// not exist yet.
func StartEarly(namespaces []Namespace, tty bool, stdin *os.File) *EarlyChild {
	if cloneIntoCgroupWorks() {
		return nil
	}
	flags, names, _ := (&Config{Namespaces: namespaces}).Cloneflags()
	e := &EarlyChild{names: names, stdout: newLateWriter(), stderr: newLateWriter(), done: make(chan struct{})}
	var devnull *os.File
	if stdin == nil {
		var err error
		if devnull, err = os.Open(os.DevNull); err != nil {
			e.startErr = err
			close(e.done)
			return e
		}
		stdin = devnull
	}
	c, err := newChild(flags, tty, stdin, e.stdout, e.stderr)
	if err != nil {
		devnull.Close()
		e.startErr = err
		close(e.done)
		return e
	}
	e.c = c
	go func() {
		defer close(e.done)
		t0 := time.Now()
		e.startErr = c.start()
		explain.Timing("clone the child into its namespaces (early, beside the record)", t0)
		if devnull != nil {
			devnull.Close() // the child has its copy
		}
	}()
	return e
}

// take hands the started child to Run, with its output going to stdout
// and stderr, if it was cloned into the namespaces cfg asks for, with a
// console socket if and only if it has a terminal; otherwise it abandons
// it and returns nil, and Run clones a child of its own.
func (e *EarlyChild) take(flags uintptr, tty bool, stdout, stderr io.Writer) (*child, error) {
	<-e.done
	if e.startErr != nil {
		e.Abandon()
		return nil, startError(e.startErr, e.names)
	}
	if e.c.flags != flags || (e.c.consoleParent != nil) != tty {
		e.Abandon()
		return nil, nil
	}
	e.stdout.set(stdout)
	e.stderr.set(stderr)
	e.once.Do(func() {}) // Run owns it now: Abandon leaves it alone
	return e.c, nil
}

// Abandon kills and reaps the child, for a container that will not run (or
// not with this child). Calling it again does nothing.
func (e *EarlyChild) Abandon() {
	if e == nil {
		return
	}
	e.once.Do(func() {
		<-e.done
		e.stdout.set(io.Discard)
		e.stderr.set(io.Discard)
		if e.c == nil {
			return
		}
		if e.startErr == nil {
			_ = e.c.cmd.Process.Kill()
			_ = e.c.cmd.Wait()
		}
		e.c.close()
	})
}

// lateWriter is an output whose destination is known only later: the
// early child's stdout and stderr, before the container's log exists.
// Writes wait for set; the child writes nothing before Run has set them.
type lateWriter struct {
	once  sync.Once
	ready chan struct{}
	w     io.Writer
}

func newLateWriter() *lateWriter { return &lateWriter{ready: make(chan struct{})} }

func (l *lateWriter) set(w io.Writer) {
	l.once.Do(func() {
		l.w = w
		close(l.ready)
	})
}

func (l *lateWriter) Write(p []byte) (int, error) {
	<-l.ready
	return l.w.Write(p)
}

// InitBinary is what the child re-executes: dockling-init beside this
// binary when it is there (it starts faster: it links only the runtime),
// else this binary itself, which has an `init` command too.
func InitBinary() string {
	if self, err := os.Executable(); err == nil {
		p := filepath.Join(filepath.Dir(self), "dockling-init")
		if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() && st.Mode()&0o111 != 0 {
			return p
		}
	}
	return "/proc/self/exe"
}

// startError turns a failed clone into advice: most often a namespace the
// kernel was built without, or no permission to create it.
func startError(err error, namespaces []string) error {
	switch {
	case errors.Is(err, unix.EPERM):
		return fmt.Errorf("create namespaces (%s): %w; run as root (sudo) and see \"dockling doctor\"", strings.Join(namespaces, ", "), err)
	case errors.Is(err, unix.EINVAL), errors.Is(err, unix.ENOSYS):
		return fmt.Errorf("this kernel cannot create namespaces %s: %w; run \"dockling doctor\" to see which are missing", strings.Join(namespaces, ", "), err)
	}
	return fmt.Errorf("start container: %w", err)
}
