// Package container keeps the state of every container on disk: what it was
// asked to run, and what became of it. There is no daemon holding this in
// memory; every dockling command reads it from here, under a lock.
package container

import (
	"bytes"
	"os"
	"strconv"
	"strings"
	"time"
)

// Status is a container's place in its lifecycle, with docker's words.
type Status string

const (
	Created Status = "created"
	Running Status = "running"
	Exited  Status = "exited"
)

// State is what happened to the container's process, as last recorded.
type State struct {
	Status Status `json:"Status"`
	Pid    int    `json:"Pid"`
	// PidStart is the process start time (clock ticks since boot, from
	// /proc/PID/stat). With BootID it tells our process from an unrelated one
	// that later got the same PID.
	PidStart      uint64 `json:"PidStart,omitempty"`
	BootID        string `json:"BootID,omitempty"`
	SupervisorPid int    `json:"SupervisorPid,omitempty"`
	// SupervisorStart tells the supervisor from a later process with its PID.
	SupervisorStart uint64    `json:"SupervisorStart,omitempty"`
	ExitCode        int       `json:"ExitCode"`
	OOMKilled       bool      `json:"OOMKilled"`
	Error           string    `json:"Error,omitempty"`
	StartedAt       time.Time `json:"StartedAt"`
	FinishedAt      time.Time `json:"FinishedAt"`
}

// Alive reports whether the recorded process is still the one we started:
// same boot, same PID, same start time. After a reboot (or a kill -9 of
// everything) a "running" record is simply out of date.
func (s *State) Alive() bool {
	if s.Pid <= 0 || s.BootID != BootID() {
		return false
	}
	start, err := ProcessStart(s.Pid)
	return err == nil && start == s.PidStart && !zombie(s.Pid)
}

// zombie reports a process that has exited but was not reaped yet: after
// its supervisor was killed, a container's process is an orphan until some
// init reaps it, and it must not read as running meanwhile.
func zombie(pid int) bool {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return true
	}
	i := bytes.LastIndexByte(b, ')')
	return i > 0 && i+2 < len(b) && (b[i+2] == 'Z' || b[i+2] == 'X')
}

// SupervisorAlive reports whether the process that supervises the container
// is still the one that started it. While it lives, the container is not
// finished: it may be removing the cgroup and network of a process that has
// just exited, and its final record is still to come.
func (s *State) SupervisorAlive() bool {
	if s.SupervisorPid <= 0 || s.BootID != BootID() {
		return false
	}
	start, err := ProcessStart(s.SupervisorPid)
	return err == nil && start == s.SupervisorStart
}

// BootID changes at every boot of the kernel.
func BootID() string {
	b, _ := os.ReadFile("/proc/sys/kernel/random/boot_id")
	return strings.TrimSpace(string(b))
}

// ProcessStart reads field 22 of /proc/PID/stat: when the process started.
func ProcessStart(pid int) (uint64, error) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0, err
	}
	// The command name (field 2) may hold spaces and parentheses: skip past
	// its closing parenthesis, then count fields from field 3.
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return 0, os.ErrInvalid
	}
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 20 {
		return 0, os.ErrInvalid
	}
	return strconv.ParseUint(f[19], 10, 64)
}
