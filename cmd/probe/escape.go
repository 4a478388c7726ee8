package main

// The classic chroot escape, for teaching. A root process inside a plain
// chroot can leave it in four system calls:
//
//	mkdir("x"); chroot("x")   // the root moves down, the working directory stays above it
//	chdir("..") × many        // '..' is only stopped at the root, which we never pass
//	chroot(".")               // make wherever we ended up the root
//
// Inside a real container (pivot_root in a new mount namespace, old root
// unmounted) the same calls end where they started. probe escape tries it and
// says which happened and why. After an escape it only reads: it must never
// change anything on the host.

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/sys/unix"
)

// dotdotSteps is how many times we climb. Any real directory tree is far
// shallower than this; extra '..' at the top of a tree stay where they are.
const dotdotSteps = 64

type outcome int

const (
	outcomeEscaped   outcome = iota // the root after the attempt is another directory
	outcomeContained                // the walk up ended at the same root
	outcomeDenied                   // chroot itself was refused: contained as well
)

// decideEscape is the whole verdict, kept free of system calls so it can be
// tested: chrootErr is the error of the first chroot (nil if it worked),
// before and after the identity of "/" around the attempt.
func decideEscape(before, after fileID, chrootErr error) (outcome, error) {
	switch {
	case errors.Is(chrootErr, unix.EPERM):
		return outcomeDenied, nil
	case chrootErr != nil:
		return 0, chrootErr
	case before != after:
		return outcomeEscaped, nil
	default:
		return outcomeContained, nil
	}
}

// escapeAttempt records what the attempt saw, for the report.
type escapeAttempt struct {
	before, after         fileID
	listBefore, listAfter string
	chrootErr             error // the first chroot's error, if any
}

func runEscape(args []string, stdout, stderr io.Writer) int {
	if len(args) != 0 {
		return usageError(stderr, "escape", "takes no arguments")
	}
	a, err := attemptEscape()
	if err != nil {
		return fail(stderr, "escape", err)
	}
	result, err := decideEscape(a.before, a.after, a.chrootErr)
	if err != nil {
		return fail(stderr, "escape", err)
	}
	switch result {
	case outcomeEscaped:
		reportEscaped(stdout, a)
		return exitOK
	case outcomeDenied:
		fmt.Fprintln(stdout, "escape: contained")
		fmt.Fprintln(stdout, "chroot: operation not permitted (the capability CAP_SYS_CHROOT was dropped)")
		fmt.Fprintln(stdout, "why: chroot(2) needs CAP_SYS_CHROOT. Without it this process cannot move its root")
		fmt.Fprintln(stdout, "  at all, so it can never leave its working directory outside its root: the first")
		fmt.Fprintln(stdout, "  step of the escape is impossible.")
		return exitContained
	default:
		reportContained(stdout, a)
		return exitContained
	}
}

// attemptEscape performs the escape and records "/" before and after. Only
// unexpected failures are returned as errors; a refused chroot is recorded
// in the attempt because it is an answer, not a malfunction.
func attemptEscape() (a escapeAttempt, err error) {
	if a.before, err = statID("/"); err != nil {
		return a, err
	}
	a.listBefore = listRoot()
	// Start from "/" so the working directory is surely outside the
	// subdirectory we are about to make our root.
	if err := unix.Chdir("/"); err != nil {
		return a, fmt.Errorf("chdir /: %w", err)
	}
	trap, cleanup, err := makeTrapDir()
	if err != nil {
		return a, err
	}
	defer cleanup()

	if err := unix.Chroot(trap); err != nil {
		a.chrootErr = fmt.Errorf("chroot %s: %w", trap, err)
		return a, nil
	}
	// Our root is now the trap, our working directory is still the old "/",
	// which lies outside it. The kernel stops '..' only at the root, and the
	// walk up from here never passes through the trap.
	for i := 0; i < dotdotSteps; i++ {
		if err := unix.Chdir(".."); err != nil {
			return a, fmt.Errorf("chdir .. (step %d): %w", i+1, err)
		}
	}
	if err := unix.Chroot("."); err != nil {
		return a, fmt.Errorf("chroot . after climbing: %w", err)
	}
	if a.after, err = statID("/"); err != nil {
		return a, err
	}
	a.listAfter = listRoot()
	return a, nil
}

// makeTrapDir creates the directory to chroot into, in /tmp if there is one,
// else in "/". The returned cleanup removes it through a descriptor of its
// parent opened beforehand: after the escape "/" means another directory,
// so the path we created it by would no longer name it.
func makeTrapDir() (dir string, cleanup func(), err error) {
	parent := "/"
	if st, err := os.Stat("/tmp"); err == nil && st.IsDir() {
		parent = "/tmp"
	}
	dir, err = os.MkdirTemp(parent, ".probe-escape-")
	if err != nil {
		return "", nil, fmt.Errorf("make a directory to chroot into: %w (is the root read-only? give the container a writable /tmp)", err)
	}
	pfd, err := unix.Open(parent, unix.O_DIRECTORY|unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		_ = os.Remove(dir)
		return "", nil, fmt.Errorf("open %s: %w", parent, err)
	}
	name := filepath.Base(dir)
	cleanup = func() {
		_ = unix.Unlinkat(pfd, name, unix.AT_REMOVEDIR)
		_ = unix.Close(pfd)
	}
	return dir, cleanup, nil
}

// listRoot names the first few entries of "/" (os.ReadDir sorts them), so a reader can see with
// their own eyes which tree they are in.
func listRoot() string {
	const max = 12
	entries, err := os.ReadDir("/")
	if err != nil {
		return unavailable
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if len(names) > max {
		names = append(names[:max], "...")
	}
	return strings.Join(names, " ")
}

func reportEscaped(w io.Writer, a escapeAttempt) {
	fmt.Fprintln(w, "escape: escaped")
	fmt.Fprintf(w, "root.before: %s\nroot.after: %s\n", a.before, a.after)
	fmt.Fprintf(w, "ls.before: %s\nls.after: %s\n", a.listBefore, a.listAfter)
	fmt.Fprintln(w, `ESCAPED: "/" is now a different directory, above the root this process started in.`)
	if lines := firstLines("/etc/hostname", 1); len(lines) > 0 {
		fmt.Fprintf(w, "outside /etc/hostname: %s\n", lines[0])
	}
	for _, l := range firstLines("/etc/os-release", 3) {
		fmt.Fprintf(w, "outside /etc/os-release: %s\n", l)
	}
	fmt.Fprintln(w, "why: chroot(2) only changes where the lookup of absolute paths starts; it moves")
	fmt.Fprintln(w, "  neither the process nor its working directory, and the kernel stops '..' only when")
	fmt.Fprintln(w, "  a walk reaches the process's root. We chrooted into a new subdirectory while our")
	fmt.Fprintln(w, "  working directory stayed above it, so each chdir(\"..\") climbed past the old root")
	fmt.Fprintln(w, "  to the real top of the file system, and chroot(\".\") made that our root. Any root")
	fmt.Fprintln(w, "  process holding CAP_SYS_CHROOT can do this: chroot alone is not a container.")
}

func reportContained(w io.Writer, a escapeAttempt) {
	fmt.Fprintln(w, "escape: contained")
	fmt.Fprintf(w, "root.before: %s\nroot.after: %s\n", a.before, a.after)
	fmt.Fprintf(w, "ls.before: %s\nls.after: %s\n", a.listBefore, a.listAfter)
	fmt.Fprintf(w, "CONTAINED: chroot into a subdirectory, %d x chdir(\"..\") and chroot(\".\") ended at the same \"/\".\n", dotdotSteps)
	fmt.Fprintln(w, "why: this root was made with pivot_root in a new mount namespace, and the old root")
	fmt.Fprintln(w, "  was unmounted (detached) afterwards. The real top of this mount namespace IS the")
	fmt.Fprintln(w, "  container's root: '..' of \"/\" is \"/\" itself, so the walk up stops here, and the")
	fmt.Fprintln(w, "  host's tree is not mounted anywhere this process could reach.")
}

// firstLines reads up to n non-empty lines of a small text file; nothing if
// the file is missing.
func firstLines(path string, n int) []string {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil
	}
	var out []string
	for _, l := range strings.Split(string(data), "\n") {
		if l = strings.TrimSpace(l); l != "" && len(out) < n {
			out = append(out, l)
		}
	}
	return out
}
