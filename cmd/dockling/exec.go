package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
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
code is the command's.`,
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
			if _, err := unix.FcntlInt(initFile.Fd(), unix.F_SETFD, 0); err != nil { // keep it across execve
				return err
			}
			specJSON, err := json.Marshal(spec)
			if err != nil {
				return err
			}
			envList = append(envList, nsinit.ExecSpecEnv+"="+string(specJSON))
			argv = append(argv, "--", fmt.Sprintf("/proc/self/fd/%d", initFile.Fd()), nsinit.ExecInCommand)
			argv = append(argv, args[1:]...)

			// Join the container's cgroup first: nsenter, and the command it
			// forks, inherit it, so limits and `top` cover them too.
			if m, err := cgroups.Load(c.ID); err == nil {
				if err := m.Apply(os.Getpid()); err != nil {
					return fmt.Errorf("join the cgroup of %s: %w", c.Name, err)
				}
			}
			if detach {
				p := exec.Command(nsenter, argv[1:]...)
				p.Env = envList
				p.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
				if err := p.Start(); err != nil {
					return fmt.Errorf("exec in %s: %w", c.Name, err)
				}
				return p.Process.Release()
			}
			_ = interactive // stdin is passed through as it is; -i keeps docker's spelling
			_ = tty         // the terminal is passed through as it is, not a new one
			if err := syscall.Exec(nsenter, argv, envList); err != nil {
				return fmt.Errorf("exec nsenter: %w", err)
			}
			return nil
		},
	}
	cmd.Flags().SetInterspersed(false)
	f := cmd.Flags()
	f.BoolVarP(&interactive, "interactive", "i", false, "keep standard input open (it always is: yours is passed through)")
	f.BoolVarP(&tty, "tty", "t", false, "use your terminal (passed through as it is)")
	f.BoolVarP(&detach, "detach", "d", false, "run the command in the background")
	f.StringArrayVarP(&env, "env", "e", nil, "set an environment variable (KEY=VALUE)")
	f.StringVarP(&workdir, "workdir", "w", "", "working directory inside the container")
	f.StringVarP(&user, "user", "u", "", "run as this user: NAME, UID, NAME:GROUP or UID:GID")
	return cmd
}
