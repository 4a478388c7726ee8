package main

import (
	"fmt"
	"io"
	"net"
	"os"

	"github.com/dockling/dockling/sandbox"
	"github.com/dockling/dockling/sandbox/container"
	"github.com/spf13/cobra"
)

func newAttachCmd() *cobra.Command {
	var noStdin bool
	cmd := &cobra.Command{
		Use:   "attach [OPTIONS] CONTAINER",
		Short: "Connect your terminal to a running container's input and output",
		Long: `Attach to a detached container: its output from now on comes to you, and
what you type goes to its standard input (if it was started with -i).
The container's supervisor serves this; when the container ends, attach
ends with its exit code. ^C is passed to the container when it has a
terminal (-t); otherwise it stops attach and leaves the container running.`,
		Example: `  dockling run -id --name c1 hostbox
  dockling attach c1`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			store, err := container.Open(sandbox.Root())
			if err != nil {
				return err
			}
			c, err := store.Find(args[0])
			if err != nil {
				return err
			}
			if c.State.Status != container.Running {
				return fmt.Errorf("container %s is not running; start it first: dockling start %s", c.Name, c.Name)
			}
			conn, err := net.Dial("unix", attachAddr(c.ID))
			if err != nil {
				return fmt.Errorf("attach to %s: its supervisor does not answer (%v); was it started with -d?", c.Name, err)
			}
			defer conn.Close()
			if c.Tty && !noStdin {
				defer makeRaw(int(os.Stdin.Fd()))()
			}
			if !noStdin && c.OpenStdin {
				go func() {
					_, _ = io.Copy(conn, os.Stdin)
					if uc, ok := conn.(*net.UnixConn); ok {
						_ = uc.CloseWrite()
					}
				}()
			}
			_, _ = io.Copy(cmd.OutOrStdout(), conn)
			// The supervisor closes the connection when the container ends.
			code := store.Wait(c)
			if code != 0 {
				return exitError{code: code}
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&noStdin, "no-stdin", false, "do not attach standard input")
	return cmd
}
