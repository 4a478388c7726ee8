package main

import (
	"errors"
	"time"

	"github.com/dockling/dockling/sandbox/explain"
	"io"
	"os"

	"github.com/dockling/dockling/sandbox"
	"github.com/dockling/dockling/sandbox/container"
	"github.com/spf13/cobra"
)

// runAttached is `run` without -d: the CLI is the container's supervisor,
// its output goes to the terminal and to the log, and dockling exits with
// the container's exit code. early, if not nil, is its child, cloned
// already (sandbox.StartEarly).
func runAttached(cmd *cobra.Command, store *container.Store, c *container.Container, early *sandbox.EarlyChild) error {
	stdout, stderr, closeLog, err := container.NewLogWriters(c.LogPath)
	if err != nil {
		return err
	}
	var stdin io.Reader
	if c.OpenStdin {
		stdin = os.Stdin
	} else {
		devnull, err := os.Open(os.DevNull)
		if err != nil {
			return err
		}
		defer devnull.Close()
		stdin = devnull
	}
	p := sandbox.Process{
		Early:  early,
		Stdin:  stdin,
		Stdout: io.MultiWriter(cmd.OutOrStdout(), stdout),
		Stderr: io.MultiWriter(cmd.ErrOrStderr(), stderr),
	}
	var con *console
	if c.Tty {
		con = newConsole(os.Stdin, io.MultiWriter(cmd.OutOrStdout(), stdout))
		p.Console = func(master *os.File) { con.attach(master, c.OpenStdin) }
	}
	t0 := time.Now()
	res, runErr := store.Supervise(c, p, nil)
	explain.Timing("supervise (lock, run, record the end)", t0)
	if con != nil {
		con.wait(res != nil)
	}
	closeLog()
	if c.HostConfig.AutoRemove {
		t1 := time.Now()
		_ = removeContainer(store, c, true)
		explain.Timing("--rm: remove the container", t1)
	}
	var ce *sandbox.ChildError
	if errors.As(runErr, &ce) {
		return exitError{ce.Code, errors.New(childErrorText(c, runErr))}
	}
	if runErr != nil {
		return exitError{125, runErr}
	}
	if res.ExitCode != 0 {
		return exitError{code: res.ExitCode}
	}
	return nil
}
