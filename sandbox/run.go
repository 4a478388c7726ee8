package sandbox

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/dockling/dockling/sandbox/cgroups"
	"github.com/dockling/dockling/sandbox/explain"
	"github.com/dockling/dockling/sandbox/network"
	"golang.org/x/sys/unix"
)

// Process is how the runner wires a container to the outside world.
type Process struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	// Explain, when set, receives every kernel operation of both sides in
	// the order they happen.
	Explain func(explain.Event)
	// Started, when set, is called with the child's host PID once it exists,
	// before it is released to run (tests use it to look at /proc/<pid>).
	Started func(pid int)
	// Console, with Config.Tty, receives the master side of the
	// container's terminal before the command runs; set its size there.
	// The caller copies between it and the user, and closes it.
	Console func(master *os.File)
	// NetworkAttached, when set, receives the container's network record
	// before any link or rule is made, to be saved for a later cleanup.
	NetworkAttached func(*network.Attachment)
	// Execed, when set, is called once the child has become the command
	// (its setup succeeded and execve worked), or with the setup error.
	Execed func(err error)
	// Early, when set, is the container's child already cloned
	// (StartEarly): Run uses it, or abandons it and clones its own.
	Early *EarlyChild
}

// Result is how the container's command ended.
type Result struct {
	Pid      int
	ExitCode int // 128+n when killed by signal n, as shells report it
	Signal   syscall.Signal
	// Usage and OOMKilled are read from the container's cgroup, if it had
	// one, after the command ended and before the cgroup was removed.
	Usage     *cgroups.Usage
	OOMKilled bool
	// Network is what the container had on the bridge (already removed).
	Network *network.Attachment
}

// Run starts cfg's command in a new container and waits for it to end.
//
// The parent re-executes its own binary (/proc/self/exe) as the child. The
// kernel creates the namespaces at that clone, so the child is born inside
// them; it then reads the config from a pipe, finishes the setup from the
// inside (nsinit) and execs the command.
func Run(cfg *Config, p Process) (*Result, error) {
	began := time.Now()
	var rec *explain.Recorder
	if p.Explain != nil {
		rec = explain.New(p.Explain)
		cfg.Explain = true
	}
	stdin, stdout, stderr := p.Stdin, p.Stdout, p.Stderr
	if stdin == nil {
		stdin = os.Stdin
	}
	if stdout == nil {
		stdout = os.Stdout
	}
	if stderr == nil {
		stderr = os.Stderr
	}
	flags, names, unshareOpts := cfg.Cloneflags()
	late := lateCgroup(cfg, rec != nil)

	// A child cloned early (StartEarly) is taken where the start is the
	// one it was made for: no --explain, no clone into a v2 cgroup.
	var ch *child
	if p.Early != nil {
		var err error
		if rec == nil && !cloneIntoCgroupWorks() {
			ch, err = p.Early.take(flags, cfg.Tty, stdout, stderr)
		} else {
			p.Early.Abandon()
		}
		if err != nil {
			return nil, err
		}
	}
	early := ch != nil
	if !early {
		var err error
		if ch, err = newChild(flags, cfg.Tty, stdin, stdout, stderr); err != nil {
			return nil, err
		}
	}
	defer ch.close()
	cmd := ch.cmd
	configW, msgR, consoleParent := ch.configW, ch.msgR, ch.consoleParent
	// Failures before the clone close the child's ends of the pipes too;
	// for an early child they are closed already (closing twice is fine).
	notStarted := func(err error) (*Result, error) {
		ch.closeChildEnds()
		return nil, err
	}
	var err error

	// The host side's directories (overlay upper, work and mount point):
	// the child needs them only once it has its config.
	if err := explain.Run(ParentPlan(cfg), rec, explain.Parent); err != nil {
		if early {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
		}
		return notStarted(fmt.Errorf("prepare the container on the host: %w", err))
	}

	// A bad limit fails before any process exists (if the child was not
	// cloned early). The cgroup itself is made here, or after the clone,
	// beside the child's setup (lateCgroup).
	var cg cgroups.Manager
	cgSeen := 0
	if late {
		if err := cgroups.Validate(cfg.Cgroup.Name, cfg.Cgroup.Limits); err != nil {
			if early {
				_ = cmd.Process.Kill()
				_ = cmd.Wait()
			}
			return notStarted(err)
		}
		cgroups.PrimeMoves()
	} else if cfg.Cgroup != nil {
		t0 := time.Now()
		cg, err = cgroups.New(cfg.Cgroup.Name, cfg.Cgroup.Limits)
		explain.Timing("create the cgroup", t0)
		if err != nil {
			return notStarted(err)
		}
		cgSeen = recordCgroupFiles(rec, cg, cgSeen, "a control group of its own, with the limits")
	}

	// On cgroup v2 (Linux 5.7+) the child can be born in its cgroup:
	// clone3 with CLONE_INTO_CGROUP. Moving a process in afterwards takes a
	// kernel lock that waits for an RCU grace period, which costs up to
	// milliseconds per container; v1 has no such clone, so there the
	// parent writes the child's PID into cgroup.procs once it exists.
	bornInCgroup := false
	if cg != nil && cloneIntoCgroupWorks() {
		if dir, err := os.Open(cg.Path()); err == nil {
			defer dir.Close()
			cmd.SysProcAttr.UseCgroupFD = true
			cmd.SysProcAttr.CgroupFD = int(dir.Fd())
			bornInCgroup = true
		}
	}

	call := "clone(SIGCHLD)"
	if len(names) > 0 {
		call = fmt.Sprintf("clone(%s|SIGCHLD)", strings.Join(names, "|"))
	}
	shell, why := "", "a plain fork: the child shares every namespace with the host"
	if len(unshareOpts) > 0 {
		shell = "unshare " + strings.Join(unshareOpts, " ") + " --fork"
		why = "the kernel creates the namespaces as it creates the child"
	}
	rec.Record(explain.Parent, call+` then execve("/proc/self/exe", ["dockling", "init"])`, shell, why)

	// Ignore ^C and ^\ while the command runs: the terminal sends them to the
	// command too (same process group), and it decides what they mean.
	// Termination requests sent to dockling itself are passed on.
	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, unix.SIGINT, unix.SIGQUIT, unix.SIGTERM, unix.SIGHUP)
	defer signal.Stop(sigs)

	if !early {
		tStart := time.Now()
		err = ch.start()
		explain.Timing("clone the child into its namespaces", tStart)
		if err != nil {
			destroyCgroup(cg)
			return nil, startError(err, names)
		}
	}
	res := &Result{Pid: cmd.Process.Pid}
	var join *cgroupJoin
	if late {
		join = startCgroupJoin(cfg.Cgroup, res.Pid)
	}
	var att *network.Attachment
	// abort undoes the host side of a start that failed before the
	// command ran: the child (still waiting for Release) is killed first.
	abort := func(err error) (*Result, error) {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		if join != nil {
			cg, _ = join.wait()
		}
		destroyCgroup(cg)
		if att != nil {
			_ = disconnectNetwork(att, nil)
		}
		return nil, err
	}
	// Where the cgroup is joined late, the child gets its config first and
	// Started's bookkeeping (the caller writes the PID into its record)
	// runs beside the child's setup; it still runs before the release.
	if p.Started != nil && !late {
		p.Started(res.Pid)
	}
	if bornInCgroup {
		rec.Record(explain.Parent, fmt.Sprintf("clone3(CLONE_INTO_CGROUP, open(%q))", cg.Path()), "",
			"the child is born in its cgroup: no move needed")
	} else if cg != nil {
		// The child is still blocked on its config pipe, so it joins the
		// cgroup before it runs a single instruction of the user's command.
		tApply := time.Now()
		err := cg.Apply(res.Pid)
		explain.Timing("put the child in the cgroup", tApply)
		if err != nil {
			return abort(err)
		}
		cgSeen = recordCgroupFiles(rec, cg, cgSeen, "the child joins the cgroup before it is released")
	}
	if cfg.Network != nil && cfg.Has(NSNet) {
		a, err := connectNetwork(cfg.Network, cfg.Hostname, res.Pid, rec, p.NetworkAttached)
		if err != nil {
			return abort(err) // connectNetwork removed what it had made
		}
		att, res.Network = a, a
		stopProxies, err := startProxies(att)
		if err != nil {
			return abort(err)
		}
		defer stopProxies()
	}

	// The config: the child sets itself up from here on.
	if err := json.NewEncoder(configW).Encode(cfg); err != nil {
		return abort(fmt.Errorf("send config to child: %w", err))
	}
	if p.Started != nil && late {
		p.Started(res.Pid)
	}
	if consoleParent != nil {
		go func() {
			master, err := ReceiveConsole(consoleParent)
			if err != nil {
				return // the child failed before it had a terminal; it says why
			}
			if p.Console != nil {
				p.Console(master)
			} else {
				master.Close()
			}
			_, _ = consoleParent.Write([]byte{1}) // size set: go on
		}()
	}
	if join != nil {
		tWait := time.Now()
		cg, err = join.wait()
		explain.Timing("wait for the cgroup after sending the config", tWait)
		if err != nil {
			configW.Close()
			_, _ = abort(err)
			// A child that failed its setup has exited, and a move of an
			// exited process fails too: the child's reason is the one to tell.
			if ce := readMessages(msgR, nil); ce != nil {
				return nil, ce
			}
			return nil, err
		}
	}
	// Release the child. If its setup failed it has exited already and
	// this write fails; its message says why.
	_, _ = configW.Write([]byte{Release})
	configW.Close()

	childErr := make(chan *ChildError, 1)
	go func() {
		e := readMessages(msgR, p.Explain)
		explain.Timing("until the command runs (execve)", began)
		if p.Execed != nil {
			if e != nil {
				p.Execed(e)
			} else {
				p.Execed(nil)
			}
		}
		childErr <- e
	}()

	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	var waitErr error
wait:
	for {
		select {
		case s := <-sigs:
			if s == unix.SIGTERM || s == unix.SIGHUP {
				_ = cmd.Process.Signal(s)
			}
		case waitErr = <-done:
			break wait
		}
	}
	cerr := <-childErr

	if att != nil {
		if err := disconnectNetwork(att, rec); err != nil {
			return res, fmt.Errorf("disconnect the network: %w", err)
		}
	}
	if cg != nil {
		if u, err := cg.Usage(); err == nil {
			res.Usage = &u
		}
		res.OOMKilled, _ = cg.OOMKilled()
		tDestroy := time.Now()
		if err := cg.Destroy(); err != nil {
			return res, fmt.Errorf("remove cgroup: %w", err)
		}
		explain.Timing("remove the cgroup", tDestroy)
		recordCgroupFiles(rec, cg, cgSeen, "the command ended: remove its cgroup")
	}

	if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); ok {
		switch {
		case ws.Signaled():
			res.Signal = ws.Signal()
			res.ExitCode = 128 + int(ws.Signal())
		default:
			res.ExitCode = ws.ExitStatus()
		}
	} else if waitErr != nil {
		return res, fmt.Errorf("wait for container: %w", waitErr)
	}
	if cerr != nil {
		return res, cerr
	}
	return res, nil
}

// cloneIntoCgroupWorks reports a cgroup v2 host whose kernel (5.7+) has
// clone3's CLONE_INTO_CGROUP.
func cloneIntoCgroupWorks() bool { return cgroups.CloneIntoWorks() }

// destroyCgroup removes a cgroup on a path that already failed; the first
// error is the one worth reporting, so this one is dropped.
func destroyCgroup(cg cgroups.Manager) {
	if cg != nil {
		_ = cg.Destroy()
	}
}

// readMessages relays the child's explain events until the pipe closes and
// returns the setup error the child reported, if any.
func readMessages(r io.Reader, sink func(explain.Event)) *ChildError {
	var last *ChildError
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	for sc.Scan() {
		var m ChildMsg
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			continue
		}
		if m.Event != nil && sink != nil {
			sink(*m.Event)
		}
		if m.Error != "" {
			last = &ChildError{Msg: m.Error, Code: m.Code}
		}
	}
	return last
}
