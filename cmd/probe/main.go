// Command probe is a tiny static helper that dockling copies into the
// built-in image "hostbox" at /bin/probe. Demos and integration tests run it
// inside containers as a known tool: it reports what the process can see
// (info), tries the classic chroot escape (escape), stresses the cgroup limits
// (hog, fork, spin) and speaks just enough HTTP to test networking (serve, get).
//
// It imports only the standard library and golang.org/x/sys/unix, and no
// net/http: every package linked in costs start-up time and image size, and a
// probe should disturb what it measures as little as possible.
package main

import (
	"fmt"
	"io"
	"os"
)

// version is set at build time by the Makefile (-X main.version=...).
var version = "dev"

// Exit codes. Tests and demos read them, so they are part of the interface.
const (
	exitOK        = 0
	exitError     = 1 // something failed; stderr says what
	exitUsage     = 2 // no, unknown or malformed arguments
	exitContained = 3 // escape: the chroot escape did not work
	exitRefused   = 4 // fork: the kernel refused some of the children
)

const usage = `usage: probe COMMAND [ARGS]

  info [KEY]              print pid, hostname, ids, root, namespaces, cgroups,
                          capabilities and mount count as "key: value" lines
  escape                  try the classic chroot escape (exit 0 escaped, 3 contained)
  hog SIZE                allocate and touch SIZE of memory (512k, 100m, 1g)
  fork N                  start N sleeping children (exit 4 if some were refused)
  spin DURATION           burn CPU on every core for DURATION (3s), print CPU time used
  sleep DURATION          sleep for DURATION
  serve ADDR              answer HTTP on ADDR (:80) with hostname and IP, until killed
  get URL [--retries N]   HTTP GET an http:// URL, print the body
  version                 print the version
`

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run dispatches one subcommand and returns the process exit code. It takes
// its writers as arguments so tests can run the commands in-process.
func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return exitUsage
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "info":
		return runInfo(rest, stdout, stderr)
	case "escape":
		return runEscape(rest, stdout, stderr)
	case "hog":
		return runHog(rest, stdout, stderr)
	case "fork":
		return runFork(rest, stdout, stderr)
	case "spin":
		return runSpin(rest, stdout, stderr)
	case "sleep":
		return runSleep(rest, stderr)
	case "serve":
		return runServe(rest, stderr)
	case "get":
		return runGet(rest, stdout, stderr)
	case "version", "--version":
		fmt.Fprintf(stdout, "probe %s\n", version)
		return exitOK
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return exitOK
	}
	fmt.Fprintf(stderr, "probe: unknown command %q\n%s", cmd, usage)
	return exitUsage
}

// usageError prints a one-line complaint about the arguments of cmd and
// returns the usage exit code.
func usageError(stderr io.Writer, cmd, format string, a ...any) int {
	fmt.Fprintf(stderr, "probe %s: %s (run \"probe help\" for usage)\n", cmd, fmt.Sprintf(format, a...))
	return exitUsage
}

// fail prints a one-line runtime error for cmd and returns exitError.
func fail(stderr io.Writer, cmd string, err error) int {
	fmt.Fprintf(stderr, "probe %s: %v\n", cmd, err)
	return exitError
}
