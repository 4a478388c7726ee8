// Command dockling-registry is dockling's registry client: `dockling pull`,
// push, login, logout and search run it, and `dockling run` does for an
// image it does not have. It is a binary of its own so that dockling does
// not link the registry client (go-containerregistry's remote package,
// net/http, TLS, zstd): their package initialisers and 4 MB more of binary
// cost every dockling start about 0.6 ms, container after container, for
// commands a learner runs a few times a day.
//
// It takes dockling's own flags for each command (dockling passes them on):
//
//	dockling-registry pull [-q] [--platform OS/ARCH[/VARIANT]] NAME
//	dockling-registry push [-q] NAME
//	dockling-registry login [-u USER] [-p PASSWORD | --password-stdin] [SERVER]
//	dockling-registry logout [SERVER]
//	dockling-registry search [--limit N] TERM      (one JSON object a line)
//
// A failure is one line on file descriptor 3 when dockling opened it (it
// prints the line as its own error), else on stderr, and exit status 1.
package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/dockling/dockling/sandbox"
	"github.com/dockling/dockling/sandbox/image"
	"github.com/dockling/dockling/sandbox/image/remote"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"golang.org/x/sys/unix"
	"golang.org/x/term"
)

// ErrorFD is where dockling reads the error of a failed command.
const ErrorFD = 3

func main() {
	if len(os.Args) < 2 {
		fail(errors.New("usage: dockling-registry pull|push|login|logout|search ARGS (dockling runs it)"))
	}
	cmds := map[string]func([]string) error{"pull": pull, "push": push, "login": login, "logout": logout, "search": search}
	run, ok := cmds[os.Args[1]]
	if !ok {
		fail(fmt.Errorf("unknown command %q: use pull, push, login, logout or search", os.Args[1]))
	}
	if err := run(os.Args[2:]); err != nil {
		fail(err)
	}
}

func fail(err error) {
	msg := strings.ReplaceAll(err.Error(), "\n", " ") + "\n"
	if _, werr := unix.Write(ErrorFD, []byte(msg)); werr != nil {
		fmt.Fprint(os.Stderr, "dockling: "+msg)
	}
	os.Exit(1)
}

// flags parses a command's flags, which may come before or after its
// arguments, as cobra allows; n is how many arguments it takes at most,
// min how many at least.
func flags(name string, args []string, min, n int, define func(*flag.FlagSet)) ([]string, error) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	define(fs)
	var rest []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		args = fs.Args()
		if len(args) == 0 {
			break
		}
		rest, args = append(rest, args[0]), args[1:]
	}
	if len(rest) < min || len(rest) > n {
		return nil, fmt.Errorf("%s takes %d to %d arguments, not %d", name, min, n, len(rest))
	}
	return rest, nil
}

func openStore() (*image.Store, error) { return image.Open(sandbox.Root()) }

// options says where progress goes: stdout, with bars on a terminal.
func options(quiet bool) remote.Options {
	if quiet {
		return remote.Options{Out: io.Discard}
	}
	_, err := unix.IoctlGetTermios(int(os.Stdout.Fd()), unix.TCGETS)
	return remote.Options{Out: os.Stdout, TTY: err == nil}
}

func pull(args []string) error {
	var quiet bool
	var platform string
	rest, err := flags("pull", args, 1, 1, func(fs *flag.FlagSet) {
		fs.BoolVar(&quiet, "q", false, "")
		fs.BoolVar(&quiet, "quiet", false, "")
		fs.StringVar(&platform, "platform", "", "")
	})
	if err != nil {
		return err
	}
	store, err := openStore()
	if err != nil {
		return err
	}
	opts := options(quiet)
	if platform != "" {
		if opts.Platform, err = parsePlatform(platform); err != nil {
			return err
		}
	}
	img, err := remote.Pull(store, rest[0], opts)
	if err != nil {
		return err
	}
	if quiet {
		fmt.Println(img.Ref)
	}
	return nil
}

func parsePlatform(s string) (*v1.Platform, error) {
	parts := strings.Split(s, "/")
	if len(parts) < 2 || len(parts) > 3 || parts[0] == "" || parts[1] == "" {
		return nil, fmt.Errorf("invalid --platform %q; use os/arch, e.g. linux/arm64", s)
	}
	p := &v1.Platform{OS: parts[0], Architecture: parts[1]}
	if len(parts) == 3 {
		p.Variant = parts[2]
	}
	return p, nil
}

func push(args []string) error {
	var quiet bool
	rest, err := flags("push", args, 1, 1, func(fs *flag.FlagSet) {
		fs.BoolVar(&quiet, "q", false, "")
		fs.BoolVar(&quiet, "quiet", false, "")
	})
	if err != nil {
		return err
	}
	store, err := openStore()
	if err != nil {
		return err
	}
	return remote.Push(store, rest[0], options(quiet))
}

func logout(args []string) error {
	rest, err := flags("logout", args, 0, 1, func(*flag.FlagSet) {})
	if err != nil {
		return err
	}
	server := ""
	if len(rest) == 1 {
		server = rest[0]
	}
	key := remote.ServerKey(server)
	found, err := remote.Logout(server)
	if err != nil {
		return err
	}
	if !found {
		fmt.Printf("Not logged in to %s\n", key)
		return nil
	}
	fmt.Printf("Removing login credentials for %s\n", key)
	return nil
}

func search(args []string) error {
	var limit int
	rest, err := flags("search", args, 1, 1, func(fs *flag.FlagSet) { fs.IntVar(&limit, "limit", 0, "") })
	if err != nil {
		return err
	}
	results, err := remote.Search(rest[0], limit, remote.Options{})
	if err != nil {
		return err
	}
	enc := json.NewEncoder(os.Stdout)
	for _, r := range results {
		if err := enc.Encode(r); err != nil {
			return err
		}
	}
	return nil
}

func login(args []string) error {
	var user, password string
	var passwordStdin bool
	rest, err := flags("login", args, 0, 1, func(fs *flag.FlagSet) {
		fs.StringVar(&user, "u", "", "")
		fs.StringVar(&user, "username", "", "")
		fs.StringVar(&password, "p", "", "")
		fs.StringVar(&password, "password", "", "")
		fs.BoolVar(&passwordStdin, "password-stdin", false, "")
	})
	if err != nil {
		return err
	}
	server := ""
	if len(rest) == 1 {
		server = rest[0]
	}
	if password != "" {
		fmt.Fprintln(os.Stderr, "WARNING! Using --password via the CLI is insecure. Use --password-stdin.")
	}
	if passwordStdin {
		if password != "" {
			return fmt.Errorf("--password and --password-stdin are mutually exclusive; use one")
		}
		if user == "" {
			return fmt.Errorf("--password-stdin needs --username (-u)")
		}
		data, err := io.ReadAll(os.Stdin)
		if err != nil {
			return fmt.Errorf("read password from stdin: %w", err)
		}
		password = strings.TrimRight(string(data), "\r\n")
	}
	if user, password, err = promptCredentials(server, user, password); err != nil {
		return err
	}
	if err := remote.Login(server, user, password, remote.Options{}); err != nil {
		return err
	}
	fmt.Println("Login Succeeded")
	return nil
}

// promptCredentials asks on the terminal for what the flags did not give.
// Without a terminal there is no one to ask, so it says which flag to use.
func promptCredentials(server, user, password string) (string, string, error) {
	if user != "" && password != "" {
		return user, password, nil
	}
	if !term.IsTerminal(int(os.Stdin.Fd())) {
		return "", "", fmt.Errorf("username and password needed; use -u and --password-stdin when not on a terminal")
	}
	if user == "" {
		fmt.Fprintf(os.Stderr, "Username for %s: ", remote.ServerKey(server))
		line, err := bufio.NewReader(os.Stdin).ReadString('\n')
		if err != nil {
			return "", "", fmt.Errorf("read username: %w", err)
		}
		user = strings.TrimSpace(line)
	}
	if password == "" {
		fmt.Fprint(os.Stderr, "Password: ")
		p, err := term.ReadPassword(int(os.Stdin.Fd())) // no echo
		fmt.Fprintln(os.Stderr)
		if err != nil {
			return "", "", fmt.Errorf("read password: %w", err)
		}
		password = string(p)
	}
	if user == "" || password == "" {
		return "", "", fmt.Errorf("username and password must not be empty")
	}
	return user, password, nil
}
