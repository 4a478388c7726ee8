package main

import (
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"strings"
	"syscall"

	"github.com/dockling/dockling/sandbox"
	"github.com/dockling/dockling/sandbox/container"
	"github.com/spf13/cobra"
)

// A detached container needs a parent that outlives the CLI: the process
// that started it must wait for it, record how it ended and clean up. If the
// CLI were that parent, the container (PID 1 of its namespace, bound to its
// parent by the parent-death signal) would die when the CLI returns.
// spawnSupervisor starts `dockling supervise ID` in a session of its own and
// waits until it says the command runs (or why it does not).
func spawnSupervisor(store *container.Store, c *container.Container) error {
	readyR, readyW, err := os.Pipe()
	if err != nil {
		return err
	}
	defer readyR.Close()
	devnull, err := os.OpenFile(os.DevNull, os.O_RDWR, 0)
	if err != nil {
		readyW.Close()
		return err
	}
	defer devnull.Close()
	cmd := exec.Command("/proc/self/exe", "supervise", c.ID)
	cmd.Args[0] = "dockling-supervise"
	cmd.Stdin, cmd.Stdout, cmd.Stderr = devnull, devnull, devnull
	cmd.ExtraFiles = []*os.File{readyW} // fd 3
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if err := cmd.Start(); err != nil {
		readyW.Close()
		return fmt.Errorf("start supervisor: %w", err)
	}
	readyW.Close()
	_ = cmd.Process.Release() // it is on its own now
	msg, _ := io.ReadAll(readyR)
	if len(msg) > 0 {
		if c.HostConfig.AutoRemove {
			// The supervisor removes it; nothing else to do.
		}
		return exitError{125, errors.New(strings.TrimSpace(string(msg)))}
	}
	return nil
}

func newSuperviseCmd() *cobra.Command {
	return &cobra.Command{
		Use:    "supervise ID",
		Short:  "Keep a detached container running (internal: run -d and start use it)",
		Hidden: true,
		Args:   cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ready := os.NewFile(3, "ready")
			store, err := container.Open(sandbox.Root())
			if err != nil {
				fmt.Fprintln(ready, err)
				return err
			}
			c, err := store.Load(args[0])
			if err != nil {
				fmt.Fprintln(ready, err)
				return err
			}
			return supervise(store, c, ready)
		},
	}
}

// supervise runs c with its output going to its log, tells the CLI through
// ready once the command runs, and cleans up after it ends.
func supervise(store *container.Store, c *container.Container, ready *os.File) error {
	stdout, stderr, closeLog, err := container.NewLogWriters(c.LogPath)
	if err != nil {
		fmt.Fprintln(ready, err)
		ready.Close()
		return err
	}
	defer closeLog()
	// -i: standard input stays open (a shell waits on it instead of
	// exiting at EOF); we hold the write end for as long as it runs.
	stdin, err := os.OpenFile(os.DevNull, os.O_RDONLY, 0)
	if err != nil {
		return err
	}
	var input io.Writer // where attached clients' typing goes
	if c.OpenStdin {
		r, w, err := os.Pipe()
		if err != nil {
			return err
		}
		defer w.Close()
		stdin, input = r, w
	}
	defer stdin.Close()

	// Output goes to the log and to every `dockling attach` client.
	clients := &fanout{conns: map[net.Conn]bool{}}
	defer clients.closeAll()
	if l, err := net.Listen("unix", attachAddr(c.ID)); err == nil {
		defer l.Close()
		go serveAttach(l, clients, input)
	}
	outW, errW := io.MultiWriter(stdout, clients), io.MultiWriter(stderr, clients)
	p := sandbox.Process{Stdin: stdin, Stdout: outW, Stderr: errW}
	var con *console
	if c.Tty {
		// The terminal's output goes to the log; its input is the held pipe.
		con = newConsole(stdin, outW)
		p.Console = func(master *os.File) { con.attach(master, c.OpenStdin) }
	}
	_, runErr := store.Supervise(c, p, func(err error) {
		if err != nil {
			fmt.Fprintln(ready, childErrorText(c, err))
		}
		ready.Close()
	})
	if con != nil {
		con.wait(false)
	}
	if c.HostConfig.AutoRemove {
		_ = removeContainer(store, c, true)
	}
	return runErr
}

// childErrorText says why a container's command did not start, naming the
// image for a missing command.
func childErrorText(c *container.Container, err error) string {
	var ce *sandbox.ChildError
	if errors.As(err, &ce) && ce.Code == 127 {
		return fmt.Sprintf("%s in image %q", ce.Msg, c.Image)
	}
	return err.Error()
}
