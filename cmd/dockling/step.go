package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	"github.com/dockling/dockling/sandbox"
	"github.com/dockling/dockling/sandbox/container"
	"github.com/dockling/dockling/sandbox/explain"
	"github.com/dockling/dockling/sandbox/image"
	"github.com/dockling/dockling/sandbox/network"
	"github.com/dockling/dockling/steps"
	"github.com/spf13/cobra"
)

type stepOptions struct {
	explain, script, escape, quiet bool
	hostname, image, lang          string
	limits                         limitFlags
	publish, volumes               []string
}

func newStepCmd() *cobra.Command {
	var o stepOptions
	cmd := &cobra.Command{
		Use:   "step [N] [flags] [-- COMMAND [ARG...]]",
		Short: "Run a command with isolation layers 1..N (no N: list the steps)",
		Long: `Each step adds one isolation layer to the one before it:

  0 process     a plain child process, nothing isolated
  1 chroot      the image's files as /
  2 namespaces  own PIDs, hostname, mounts, IPC, network; pivot_root
  3 cgroups     limits on memory, CPU and processes (-m, --cpus, --pids-limit)
  4 overlay     image layers read-only + a writable layer of its own
  5 network     a veth cable to the dockling0 bridge: an IP, NAT, -p ports
  6 volumes     -v: host directories and named volumes that outlive it

The command (default: the image's shell) runs with your terminal, and its exit
code becomes dockling's. After it ends, a short note says what the layer
changed (--quiet to skip). --explain prints every kernel call as it happens,
with the shell command that does the same; --script prints a bash script that
builds the same step by hand.`,
		Example: `  dockling step                          # list the steps
  dockling step 2                        # a shell at step 2
  dockling step 2 --explain -- hostname  # every kernel call, then the command
  dockling step 1 --escape               # watch a chroot escape (it works at step 1...)
  dockling step 2 --escape               # ...and fails at step 2
  dockling step 2 --script > step2.sh    # the same by hand
  dockling step 3 -m 32m -- probe hog 100m       # the OOM killer stops it
  dockling step 3 --pids-limit 20 -- probe fork 100  # forks refused
  dockling step 3 --cpus 0.5 -- probe spin 3s    # throttled to half a CPU
  dockling step 5 -p 8080:80 -- probe serve :80  # then: curl 127.0.0.1:8080
  dockling step 6 -v notes:/notes -- sh -c 'date >> /notes/log; cat /notes/log'`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			before, after := args, []string(nil)
			if dash := cmd.ArgsLenAtDash(); dash >= 0 {
				before, after = args[:dash], args[dash:]
			}
			if len(before) == 0 {
				listSteps(cmd.OutOrStdout())
				return nil
			}
			if len(before) > 1 {
				return fmt.Errorf("unexpected %q: put the command after --, as in: dockling step %s -- %s", before[1], before[0], strings.Join(before[1:], " "))
			}
			n, err := strconv.Atoi(before[0])
			if err != nil {
				return fmt.Errorf("%q is not a step number; list the steps with \"dockling step\"", before[0])
			}
			return runStep(cmd, n, after, o)
		},
	}
	f := cmd.Flags()
	f.BoolVar(&o.explain, "explain", false, "print each kernel call as it happens, with its shell twin")
	f.BoolVar(&o.script, "script", false, "print a bash script that does this step by hand, and exit")
	f.BoolVar(&o.escape, "escape", false, "try the classic chroot escape inside the step (step 1 and up)")
	f.BoolVarP(&o.quiet, "quiet", "q", false, "no note after the command ends")
	f.StringVar(&o.hostname, "hostname", "", "hostname inside the step (step 2 and up; default step2)")
	f.StringVar(&o.image, "image", "hostbox", "image whose files become / (step 1 and up)")
	f.StringVar(&o.lang, "lang", "", "language of the notes: en or zh (default from LANG)")
	o.limits.add(f)
	f.StringArrayVarP(&o.publish, "publish", "p", nil, "publish a port: [HOSTIP:]HOSTPORT:CONTAINERPORT[/tcp|udp] (step 5 and up)")
	f.StringArrayVarP(&o.volumes, "volume", "v", nil, "mount a volume: HOSTPATH:PATH[:ro] or NAME:PATH[:ro] (step 6)")
	return cmd
}

func listSteps(w io.Writer) {
	for _, s := range steps.All {
		fmt.Fprintf(w, "%d  %-11s %s\n", s.N, s.Name, s.Summary)
	}
	fmt.Fprintln(w, "\nRun one with: dockling step N [-- COMMAND]   (dockling step --help for more)")
}

func runStep(cmd *cobra.Command, n int, args []string, o stepOptions) error {
	step, err := steps.Get(n)
	if err != nil {
		return err
	}
	if o.escape {
		if !step.UsesImage {
			return errors.New("--escape needs a root to escape from: use step 1 or later")
		}
		if len(args) > 0 {
			return errors.New("--escape runs its own command (probe escape); drop the command after --")
		}
		args = []string{"/bin/probe", "escape"}
	}
	if o.hostname != "" && n < 2 {
		return fmt.Errorf("--hostname needs a UTS namespace, which arrives at step 2; use: dockling step 2 --hostname %s", o.hostname)
	}
	if o.limits.any() && n < 3 {
		return fmt.Errorf("resource limits need cgroups, which arrive at step 3; use: dockling step 3 %s", strings.Join(limitArgs(o), " "))
	}
	if len(o.publish) > 0 && n < 5 {
		return fmt.Errorf("-p needs the network, which arrives at step 5; use: dockling step 5 -p %s", o.publish[0])
	}
	if len(o.volumes) > 0 && n < 6 {
		return fmt.Errorf("-v needs volumes, which arrive at step 6; use: dockling step 6 -v %s", o.volumes[0])
	}
	if !o.script && os.Geteuid() != 0 && n > 0 {
		return fmt.Errorf("step %d needs root (it changes / and creates namespaces); run: sudo dockling step %d", n, n)
	}

	cfg, err := steps.Config(n, args)
	if err != nil {
		return err
	}
	tag, err := runnerTag(n, o.script)
	if err != nil {
		return err
	}
	if o.hostname != "" {
		cfg.Hostname = o.hostname
	}
	if cfg.Cgroup != nil {
		if cfg.Cgroup.Limits, err = o.limits.limits(); err != nil {
			return err
		}
		// The name says which runner owns the cgroup (PID and start time),
		// so a later run can tell the leftovers of a SIGKILLed runner.
		cfg.Cgroup.Name = tag
		_ = sandbox.SweepCgroups("step", stepRunnerGone)
	}
	if cfg.Network != nil {
		if cfg.Network.Ports, err = network.ParsePorts(o.publish); err != nil {
			return err
		}
		cfg.Network.ID = tag
	}
	if len(o.volumes) > 0 {
		if err := stepVolumes(cfg, o.volumes); err != nil {
			return err
		}
	}
	imgName := ""
	var ws *stepWritable
	if step.UsesImage {
		imgName = o.image
		store, img, err := useImage(cfg, o.image)
		if err != nil {
			return err
		}
		if cfg.Overlay != nil {
			ws, err = newStepWritable(store, img, cfg, tag, cmd.ErrOrStderr(), o.script)
			if err != nil {
				return err
			}
			if !o.script {
				defer ws.remove(cmd.ErrOrStderr(), true) // on early returns; a no-op after the one below
			}
			if cfg.Network != nil && !o.script {
				// Its own /etc/hostname, /etc/hosts (with its address) and
				// /etc/resolv.conf, as `run` gives a container. (--script
				// leaves them out: the run's directory is gone by the time
				// the script runs.)
				if err := os.MkdirAll(ws.dir, 0o700); err != nil {
					return err
				}
				mounts, err := writeNetworkFiles(ws.dir, cfg.Hostname)
				if err != nil {
					return err
				}
				cfg.Mounts = append(cfg.Mounts, mounts...)
				cfg.Network.HostsFile = filepath.Join(ws.dir, "hosts")
			}
		}
	} else {
		// Step 0 is a plain process: the host's files and environment.
		cfg.Env = os.Environ()
		if cfg.Cwd, err = os.Getwd(); err != nil {
			cfg.Cwd = "/"
		}
		if len(cfg.Args) == 0 {
			cfg.Args = []string{hostShell()}
		}
	}

	if o.script {
		script, err := sandbox.Script(cfg, fmt.Sprintf("dockling step %d (%s)", n, step.Name))
		if err != nil {
			return err
		}
		fmt.Fprint(cmd.OutOrStdout(), script)
		return nil
	}

	stderr := cmd.ErrOrStderr()
	if o.escape {
		fmt.Fprintf(stderr, "Step %d: probe will now try the classic chroot escape. At step 1 it is meant to succeed, at step 2 to fail; it explains either way.\n\n", n)
	}
	p := sandbox.Process{Stdin: os.Stdin, Stdout: cmd.OutOrStdout(), Stderr: stderr}
	if o.explain {
		p.Explain = explain.Printer(stderr)
	}
	if ws != nil {
		p.NetworkAttached = ws.saveNetwork
	}
	res, err := sandbox.Run(cfg, p)
	var ce *sandbox.ChildError
	if errors.As(err, &ce) {
		if ce.Code == 127 && imgName != "" {
			return exitError{127, fmt.Errorf("%s in image %q; see what it has with: dockling step %d -- ls /bin", ce.Msg, imgName, n)}
		}
		return exitError{ce.Code, errors.New(ce.Msg)}
	}
	if err != nil {
		return err
	}
	if res.OOMKilled {
		// Read from the cgroup's own event counter, not guessed from 137.
		if res.Signal == syscall.SIGKILL {
			fmt.Fprintf(stderr, "dockling: killed: out of memory in its cgroup, limit %s\n", mib(cfg.Cgroup.Limits.Memory))
		} else {
			fmt.Fprintf(stderr, "dockling: the OOM killer killed a process of the container: out of memory in its cgroup, limit %s\n", mib(cfg.Cgroup.Limits.Memory))
		}
	}
	if ws != nil {
		ws.remove(stderr, o.quiet) // says what the writable layer held, then deletes it
	}
	if !o.quiet {
		if cfg.Cgroup != nil {
			printUsage(stderr, res, cfg.Cgroup.Limits)
		}
		fmt.Fprintln(stderr)
		_ = printStepNote(stderr, langFor(o.lang), n)
	}
	if res.ExitCode != 0 {
		return exitError{code: res.ExitCode}
	}
	return nil
}

// useImage gives cfg the image's environment and default command, and its
// files as "/": a plain shared copy for steps 1-3, overlay layers from step 4.
func useImage(cfg *sandbox.Config, name string) (*image.Store, *image.Image, error) {
	store, err := image.Open(sandbox.Root())
	if err != nil {
		return nil, nil, err
	}
	img, err := store.Resolve(name)
	if err != nil {
		return nil, nil, err
	}
	cfg.Env = append([]string{}, img.Config.Env...)
	cfg.Env = append(cfg.Env, "HOME=/root")
	if t := os.Getenv("TERM"); t != "" {
		cfg.Env = append(cfg.Env, "TERM="+t)
	}
	cfg.Cwd = img.Config.WorkingDir
	if len(cfg.Args) == 0 {
		cfg.Args = append(append([]string{}, img.Config.Entrypoint...), img.Config.Cmd...)
	}
	if len(cfg.Args) == 0 {
		return nil, nil, fmt.Errorf("image %q has no default command; give one after --", name)
	}
	if cfg.Overlay == nil {
		cfg.Rootfs, err = store.FlatRootfs(img)
	}
	return store, img, err
}

func hostShell() string {
	if sh := os.Getenv("SHELL"); sh != "" {
		return sh
	}
	return "/bin/sh"
}

// limitArgs spells the given limit flags back, for advice messages.
func limitArgs(o stepOptions) []string {
	var out []string
	l := o.limits
	for _, f := range []struct{ name, v string }{{"-m", l.memory}, {"--memory-swap", l.memorySwap}, {"--cpus", l.cpus}} {
		if f.v != "" {
			out = append(out, f.name, f.v)
		}
	}
	if l.cpuShares != 0 {
		out = append(out, "--cpu-shares", fmt.Sprint(l.cpuShares))
	}
	if l.pidsLimit != 0 {
		out = append(out, "--pids-limit", fmt.Sprint(l.pidsLimit))
	}
	return out
}

// runnerTag names what one step run owns (its cgroup, network lease and
// writable layer): step<N>-<runner pid>-<runner start time>. A --script
// run names them script<N>-...: the script outlives this process, so the
// sweep of dead runners' leftovers must not touch them.
func runnerTag(n int, script bool) (string, error) {
	pid := os.Getpid()
	start, err := container.ProcessStart(pid)
	if err != nil {
		return "", fmt.Errorf("read own start time: %w", err)
	}
	kind := "step"
	if script {
		kind = "script"
	}
	return fmt.Sprintf("%s%d-%d-%d", kind, n, pid, start), nil
}

// stepRunnerGone reports whether the runner named in a step cgroup's name
// has exited (or its PID now belongs to another process).
func stepRunnerGone(name string) bool {
	var n, pid int
	var start uint64
	if _, err := fmt.Sscanf(name, "step%d-%d-%d", &n, &pid, &start); err != nil {
		return false // not ours to judge
	}
	now, err := container.ProcessStart(pid)
	return err != nil || now != start
}
