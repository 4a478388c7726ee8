package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"

	"github.com/dockling/dockling/sandbox"
	"github.com/dockling/dockling/sandbox/cgroups"
	"github.com/dockling/dockling/sandbox/container"
	"github.com/dockling/dockling/sandbox/image"
	"github.com/dockling/dockling/sandbox/nsinit"
	"github.com/dockling/dockling/sandbox/rootfs"
	"github.com/spf13/cobra"
	"golang.org/x/sys/unix"
)

func newExecCmd() *cobra.Command {
	var interactive, tty, detach bool
	var env []string
	var workdir, user string
	cmd := &cobra.Command{
		Use:   "exec [OPTIONS] CONTAINER COMMAND [ARG...]",
		Short: "Run a command in a running container",
		Long: `Run another process inside a running container: it joins every namespace
and the cgroup of the container's main process and sees its root.

Joining a mount namespace takes setns(2) from a single-threaded process,
and a Go program always runs several threads, so dockling cannot do it
itself. It joins the container's cgroup (children inherit it), then
replaces itself with nsenter(1) from util-linux, a small C program that
calls setns for each namespace and chroots into the container's root; its
last hop is dockling-init, which drops capabilities and sets no_new_privs
as the container's own process had them, then runs the command. The exit
code is the command's.

With -t the command gets a new pseudo-terminal opened inside the container
(its own /dev/pts, as run -t does), and dockling stays to copy between it
and yours; -i sends your keystrokes to it.`,
		Example: `  dockling exec c1 ls /
  dockling exec -it c1 sh
  dockling exec -e DEBUG=1 -w /tmp c1 env`,
		Args: cobra.MinimumNArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			if os.Geteuid() != 0 {
				return errors.New("dockling exec needs root (it enters namespaces); run: sudo dockling exec ...")
			}
			store, err := container.Open(sandbox.Root())
			if err != nil {
				return err
			}
			c, err := store.Find(args[0])
			if err != nil {
				return err
			}
			if tty && detach {
				return errors.New("-t and -d cannot go together: a detached command has no one to show its terminal to; drop -t")
			}
			if err := needTerminalInput(interactive, tty); err != nil {
				return err
			}
			if c.State.Status != container.Running || !c.State.Alive() {
				return fmt.Errorf("container %s is not running; start it first: dockling start %s", c.Name, c.Name)
			}
			nsenter, err := exec.LookPath("nsenter")
			if err != nil {
				return errors.New("dockling exec needs nsenter (util-linux): install it, e.g. apt-get install util-linux")
			}
			envList, err := containerEnv(c.Config.Env, nil, env)
			if err != nil {
				return err
			}
			argv := []string{"nsenter", "--target", strconv.Itoa(c.State.Pid),
				"--mount", "--uts", "--ipc", "--pid", "--root"}
			if c.Config.Has(sandbox.NSNet) {
				argv = append(argv, "--net")
			}
			wd := workdir
			if wd == "" {
				wd = c.Config.Cwd
			}
			if wd == "" {
				wd = "/"
			}
			// nsenter opens --wd before it enters the namespaces, so a plain
			// "/tmp" would be the HOST's /tmp, and the command would start
			// with its working directory outside the container (the class
			// of bug behind runc's CVE-2024-21626). Name the directory
			// through the container's root instead, resolved inside it.
			inRoot, err := rootfs.SecureJoin(fmt.Sprintf("/proc/%d/root", c.State.Pid), wd)
			if err != nil {
				return fmt.Errorf("working directory %q: %w", wd, err)
			}
			if st, err := os.Stat(inRoot); err != nil || !st.IsDir() {
				return fmt.Errorf("working directory %q does not exist in container %s", wd, c.Name)
			}
			argv = append(argv, "--wd="+inRoot)
			spec := nsinit.ExecSpec{Security: c.Config.Security, User: c.Config.User}
			if user != "" {
				images, err := image.Open(sandbox.Root())
				if err != nil {
					return err
				}
				img, err := images.Resolve(c.ImageID)
				if err != nil {
					return err
				}
				if spec.User, err = lookupUser(img.Layers, user); err != nil {
					return err
				}
			}
			// nsenter enters and chroots, but keeps every privilege we have.
			// So its last hop is our lean init binary, handed over as an open
			// file (the container cannot see the host's copy by name), which
			// drops capabilities, switches user and sets no_new_privs as the
			// container's own process did, then becomes the command.
			initFile, err := os.Open(sandbox.InitBinary())
			if err != nil {
				return fmt.Errorf("open the init binary: %w", err)
			}
			defer initFile.Close()

			cg, _ := cgroups.Load(c.ID) // nil: the container has no cgroup of its own
			if tty {
				return execWithTerminal(nsenter, argv, envList, spec, initFile, args[1:], interactive, cg)
			}
			// Join the container's cgroup first: nsenter, and the command it
			// forks, inherit it, so limits and `top` cover them too.
			if cg != nil {
				if err := cg.Apply(os.Getpid()); err != nil {
					return fmt.Errorf("join the cgroup of %s: %w", c.Name, err)
				}
			}
			if _, err := unix.FcntlInt(initFile.Fd(), unix.F_SETFD, 0); err != nil { // keep it across execve
				return err
			}
			specEnv, err := execSpecEnv(spec)
			if err != nil {
				return err
			}
			argv = append(argv, "--", fmt.Sprintf("/proc/self/fd/%d", initFile.Fd()), nsinit.ExecInCommand)
			argv = append(argv, args[1:]...)
			envList = append(envList, specEnv)
			if detach {
				p := exec.Command(nsenter, argv[1:]...)
				p.Env = envList
				p.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
				if err := p.Start(); err != nil {
					return fmt.Errorf("exec in %s: %w", c.Name, err)
				}
				return p.Process.Release()
			}
			_ = interactive // without -t, stdin is passed through as it is; -i keeps docker's spelling
			if err := syscall.Exec(nsenter, argv, envList); err != nil {
				return fmt.Errorf("exec nsenter: %w", err)
			}
			return nil
		},
	}
	cmd.Flags().SetInterspersed(false)
	f := cmd.Flags()
	f.BoolVarP(&interactive, "interactive", "i", false, "keep standard input open (it always is: yours is passed through)")
	f.BoolVarP(&tty, "tty", "t", false, "give the command a terminal of its own, from the container's /dev/pts")
	f.BoolVarP(&detach, "detach", "d", false, "run the command in the background")
	f.StringArrayVarP(&env, "env", "e", nil, "set an environment variable (KEY=VALUE)")
	f.StringVarP(&workdir, "workdir", "w", "", "working directory inside the container")
	f.StringVarP(&user, "user", "u", "", "run as this user: NAME, UID, NAME:GROUP or UID:GID")
	return cmd
}

// execSpecEnv is the environment variable that hands spec to dockling-init.
func execSpecEnv(spec nsinit.ExecSpec) (string, error) {
	specJSON, err := json.Marshal(spec)
	if err != nil {
		return "", err
	}
	return nsinit.ExecSpecEnv + "=" + string(specJSON), nil
}

// execWithTerminal runs the command under nsenter as our child, with a
// socket on which dockling-init, once inside the container, sends the
// master side of a pty it opened from the container's /dev/ptmx. We copy
// between that and our terminal until the command ends, and exit with its
// code. The files go to the child as fd 3 (the init binary) and 4 (the
// socket).
//
// We stay outside the container's cgroup (we are not part of the
// container), so nsenter and the process it forked are moved into it while
// the latter waits for our go-ahead, before the command runs.
func execWithTerminal(nsenter string, argv, env []string, spec nsinit.ExecSpec, initFile *os.File, command []string, interactive bool, cg cgroups.Manager) error {
	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return fmt.Errorf("console socket: %w", err)
	}
	ours, theirs := os.NewFile(uintptr(fds[0]), "console"), os.NewFile(uintptr(fds[1]), "console")
	defer ours.Close()
	spec.ConsoleFD = 4
	specEnv, err := execSpecEnv(spec)
	if err != nil {
		theirs.Close()
		return err
	}
	argv = append(argv, "--", "/proc/self/fd/3", nsinit.ExecInCommand)
	p := exec.Command(nsenter, append(argv[1:], command...)...)
	p.Env = append(env, specEnv)
	p.ExtraFiles = []*os.File{initFile, theirs}
	p.Stdin, p.Stdout, p.Stderr = nil, nil, os.Stderr // the pty replaces them; errors before it still show
	err = p.Start()
	theirs.Close() // the child has its copy; ours would hide its exit
	if err != nil {
		return fmt.Errorf("exec nsenter: %w", err)
	}
	con := newConsole(os.Stdin, os.Stdout)
	attached := false
	if master, err := sandbox.ReceiveConsole(ours); err == nil {
		if cg != nil {
			if err := joinWithChildren(cg, p.Process.Pid); err != nil {
				master.Close()
				_ = p.Process.Kill()
				_ = p.Wait()
				return err
			}
		}
		con.attach(master, interactive)
		attached = true
		_, _ = ours.Write([]byte{1}) // size set, cgroup joined: go on
	}
	waitErr := p.Wait()
	con.wait(attached)
	var exitErr *exec.ExitError
	if errors.As(waitErr, &exitErr) {
		return exitError{code: exitErr.ExitCode()}
	}
	return waitErr
}

// joinWithChildren moves pid and its children into cg: nsenter has forked
// once already (to enter the PID namespace), and moving a process does not
// move the children it has.
func joinWithChildren(cg cgroups.Manager, pid int) error {
	pids := append([]int{pid}, childPids(pid)...)
	for _, p := range pids {
		if err := cg.Apply(p); err != nil {
			return fmt.Errorf("join the container's cgroup: %w", err)
		}
	}
	return nil
}

// childPids lists the processes whose parent is pid, from /proc.
func childPids(pid int) []int {
	entries, _ := os.ReadDir("/proc")
	var out []int
	for _, e := range entries {
		child, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		stat, err := os.ReadFile("/proc/" + e.Name() + "/stat")
		if err != nil {
			continue
		}
		// The fields after the command name, which may hold spaces and ')'.
		rest := string(stat[bytes.LastIndexByte(stat, ')')+1:])
		if f := strings.Fields(rest); len(f) > 1 && f[1] == strconv.Itoa(pid) {
			out = append(out, child)
		}
	}
	return out
}
