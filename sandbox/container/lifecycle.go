package container

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"time"

	"github.com/dockling/dockling/sandbox"
	"github.com/dockling/dockling/sandbox/cgroups"
	"github.com/dockling/dockling/sandbox/network"
)

// Paths of a container's files under its directory.
func (s *Store) upperDir(id string) string  { return filepath.Join(s.Dir(id), "upper") }
func (s *Store) workDir(id string) string   { return filepath.Join(s.Dir(id), "work") }
func (s *Store) rootfsDir(id string) string { return filepath.Join(s.Dir(id), "rootfs") }

// LogPath is where the supervisor writes the container's output.
func (s *Store) LogPath(id string) string { return filepath.Join(s.Dir(id), id+"-json.log") }

// Prepare fills in the parts of c's config that live in its directory:
// the writable layer (kept across stop and start) and the cgroup name.
func (s *Store) Prepare(c *Container, lower []string) {
	c.Config.Rootfs = s.rootfsDir(c.ID)
	c.Config.Overlay = &sandbox.OverlaySpec{Lower: lower, Upper: s.upperDir(c.ID), Work: s.workDir(c.ID)}
	if c.Config.Cgroup == nil {
		c.Config.Cgroup = &sandbox.CgroupSpec{}
	}
	c.Config.Cgroup.Name = c.ID
	c.LogPath = s.LogPath(c.ID)
}

// Supervise runs c's process to its end, keeping the record true on the
// way: running with its PID once it exists, then exited with its code. It
// is the supervisor's whole job, done by the CLI itself for an attached
// container and by a detached `dockling` process for -d. execed is called
// once the command runs, or with the error that stopped it.
func (s *Store) Supervise(c *Container, p sandbox.Process, execed func(error)) (*sandbox.Result, error) {
	l, err := s.Lock(c.ID)
	if err != nil {
		return nil, err
	}
	fresh, err := s.Load(c.ID)
	if err != nil {
		l.Unlock()
		return nil, err
	}
	if fresh.State.Status == Running {
		l.Unlock()
		return nil, fmt.Errorf("container %s is already running", c.Name)
	}
	*c = *fresh
	// A run killed with SIGKILL can leave its cgroup behind; it is ours.
	if m, err := cgroups.Load(c.ID); err == nil {
		_ = m.Destroy()
	}
	l.Unlock()

	self := os.Getpid()
	selfStart, _ := ProcessStart(self)
	p.Started = func(pid int) {
		start, _ := ProcessStart(pid)
		_ = s.update(c, func(st *State) {
			*st = State{Status: Running, Pid: pid, PidStart: start, BootID: BootID(),
				SupervisorPid: self, SupervisorStart: selfStart, StartedAt: time.Now().UTC()}
		})
	}
	p.Execed = execed
	// Saved before any link or rule exists, so removal can always undo them.
	p.NetworkAttached = func(att *network.Attachment) {
		_ = s.updateContainer(c, func(c *Container) { c.setNetwork(att) })
	}
	if c.Config.Network != nil {
		c.Config.Network.Peers = s.peers(c.ID)
	}
	res, runErr := sandbox.Run(&c.Config, p)

	var ce *sandbox.ChildError
	if c.NetworkSettings.Attachment != nil {
		c.setNetwork(nil) // the runner removed it when the process ended
	}
	ended := func(st *State) {
		st.Status, st.Pid, st.PidStart, st.SupervisorPid, st.SupervisorStart = Exited, 0, 0, 0, 0
		st.FinishedAt = time.Now().UTC()
		switch {
		case errors.As(runErr, &ce):
			st.ExitCode, st.Error = ce.Code, ce.Msg
		case runErr != nil:
			st.ExitCode, st.Error = 125, runErr.Error()
		default:
			st.ExitCode, st.OOMKilled = res.ExitCode, res.OOMKilled
		}
	}
	if c.HostConfig.AutoRemove {
		// --rm: the caller removes the container next (run and the
		// supervisor both do), so its end is kept in memory only, not
		// written into a record about to be deleted (a lock, a temporary
		// file and a rename). Should the removal fail, the record still
		// says running with a PID that is gone, which reads as exited.
		ended(&c.State)
	} else {
		_ = s.update(c, ended)
	}
	if res == nil && execed != nil && ce == nil {
		execed(runErr) // it never started, so nobody was told yet
	}
	return res, runErr
}

// update changes c's state under its lock and saves it.
func (s *Store) update(c *Container, change func(*State)) error {
	return s.updateContainer(c, func(c *Container) { change(&c.State) })
}

// updateContainer changes c under its lock and saves it.
func (s *Store) updateContainer(c *Container, change func(*Container)) error {
	l, err := s.Lock(c.ID)
	if err != nil {
		return err
	}
	defer l.Unlock()
	change(c)
	return s.Save(c)
}

// setNetwork records what the container has on the bridge (nil: nothing).
func (c *Container) setNetwork(att *network.Attachment) {
	ns := &c.NetworkSettings
	ns.Attachment = att
	ns.IPAddress, ns.Gateway, ns.MacAddress, ns.Ports = "", "", "", nil
	if att == nil {
		return
	}
	ns.IPAddress, ns.Gateway, ns.MacAddress = att.IP, att.Gateway, att.MAC
	ns.Ports = map[string][]PortBinding{}
	for _, p := range att.Ports {
		key := fmt.Sprintf("%d/%s", p.ContainerPort, p.Proto)
		ns.Ports[key] = append(ns.Ports[key], PortBinding{HostIP: p.HostIP, HostPort: fmt.Sprint(p.HostPort)})
	}
}

// peers maps the names of the other running containers to their addresses,
// for this container's /etc/hosts: containers on the bridge reach each
// other by name.
func (s *Store) peers(self string) map[string]string {
	all, _ := s.List()
	out := map[string]string{}
	for _, o := range all {
		if o.ID != self && o.State.Status == Running && o.NetworkSettings.IPAddress != "" {
			out[o.Name] = o.NetworkSettings.IPAddress
		}
	}
	return out
}

// Signal sends sig to c's process, if it is still the one we started.
func (s *Store) Signal(c *Container, sig syscall.Signal) error {
	if c.State.Status != Running || !c.State.Alive() {
		return fmt.Errorf("container %s is not running", c.Name)
	}
	if err := syscall.Kill(c.State.Pid, sig); err != nil {
		return fmt.Errorf("signal %s to container %s: %w", sig, c.Name, err)
	}
	return nil
}

// Stop asks c to end with SIGTERM and kills it after timeout, as docker
// stop does. A shell as PID 1 of its namespace ignores SIGTERM (the kernel
// delivers a signal to a namespace's init only if it handles it), which is
// why the SIGKILL fallback matters.
func (s *Store) Stop(c *Container, timeout time.Duration) error {
	if c.State.Status != Running || !c.State.Alive() {
		return nil // docker stop of a stopped container is not an error
	}
	_ = syscall.Kill(c.State.Pid, syscall.SIGTERM)
	if s.waitExit(c, timeout) {
		return nil
	}
	_ = syscall.Kill(c.State.Pid, syscall.SIGKILL)
	if !s.waitExit(c, 10*time.Second) {
		return fmt.Errorf("container %s did not stop after SIGKILL", c.Name)
	}
	return nil
}

// waitExit polls until c's record says exited (the supervisor wrote it) or
// its process is gone, for at most d.
func (s *Store) waitExit(c *Container, d time.Duration) bool {
	for end := time.Now().Add(d); ; time.Sleep(20 * time.Millisecond) {
		if now, err := s.Load(c.ID); err != nil || now.State.Status != Running {
			if now != nil {
				*c = *now
			}
			return true
		}
		if time.Now().After(end) {
			return false
		}
	}
}

// Wait blocks until c is no longer running and returns its exit code.
func (s *Store) Wait(c *Container) int {
	for !s.waitExit(c, time.Hour) {
	}
	return c.State.ExitCode
}

// Cleanup undoes what a run of c left on the host when its supervisor could
// not: after a SIGKILL of the supervisor, the container's cgroup. It is safe
// to call any number of times.
func (s *Store) Cleanup(c *Container) error {
	var errs []error
	if m, err := cgroups.Load(c.ID); err == nil {
		errs = append(errs, m.Destroy())
	}
	if att := c.NetworkSettings.Attachment; att != nil {
		errs = append(errs, network.Teardown(network.DefaultConfig(filepath.Dir(s.dir)), att))
		c.setNetwork(nil)
	}
	return errors.Join(errs...)
}
