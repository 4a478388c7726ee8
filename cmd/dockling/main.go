// Command dockling is a small, daemonless container runtime built to teach
// how containers work, one kernel feature at a time.
package main

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/dockling/dockling/sandbox/nsinit"
)

func main() {
	// The re-exec'd child takes a fast path: it runs before cobra builds the
	// command tree, because every microsecond here is paid by every container.
	if len(os.Args) > 1 && os.Args[1] == nsinit.Command {
		nsinit.Main()
		return
	}
	if len(os.Args) > 1 && os.Args[1] == nsinit.ExecInCommand {
		nsinit.ExecIn()
		return
	}
	os.Exit(execute(os.Args[1:]))
}

// exitError carries a process exit code up to main: `dockling step 2 --
// sh -c 'exit 7'` must exit 7, quietly; a command missing from the image
// exits 127 as a shell would, with one line saying so.
type exitError struct {
	code int
	err  error // printed when set
}

func (e exitError) Error() string {
	if e.err != nil {
		return e.err.Error()
	}
	return fmt.Sprintf("exit status %d", e.code)
}

func execute(args []string) int {
	root := newRootCmd()
	root.SetArgs(args)
	err := root.Execute()
	if err == nil {
		return 0
	}
	var ee exitError
	if errors.As(err, &ee) {
		if ee.err != nil {
			printError(os.Stderr, ee.err)
		}
		return ee.code
	}
	// One line, naming the problem and the fix.
	printError(os.Stderr, err)
	return 1
}

// printError writes err as "dockling: ..." lines: one for each error that
// errors.Join put together (rm a b c failing for two of them), so that
// every line says where it comes from, as the first one does.
func printError(w io.Writer, err error) {
	if joined, ok := err.(interface{ Unwrap() []error }); ok {
		for _, e := range joined.Unwrap() {
			printError(w, e)
		}
		return
	}
	fmt.Fprintf(w, "dockling: %v\n", err)
}
