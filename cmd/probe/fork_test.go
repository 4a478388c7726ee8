package main

import (
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestForkThreeChildren(t *testing.T) {
	t.Setenv(childEnvVar, "1") // the children are this test binary acting as probe
	exe, err := selfExecutable()
	if err != nil {
		t.Fatal(err)
	}
	r := forkChildren(exe, 3, 10*time.Second)
	defer r.killAndReap()
	if len(r.pids) != 3 || r.refused != 0 || r.firstErr != nil {
		t.Fatalf("forked %d, refused %d (%v); want 3 and 0", len(r.pids), r.refused, r.firstErr)
	}
	// ForkExec returns after the execve succeeded, so each child already
	// runs `probe sleep`, and with GOMAXPROCS=1.
	for _, pid := range r.pids {
		cmdline, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/cmdline")
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.ReplaceAll(string(cmdline), "\x00", " "); got != "probe sleep 10s " {
			t.Errorf("child %d runs %q, want probe sleep 10s", pid, got)
		}
	}
	pids := r.pids
	r.killAndReap()
	for _, pid := range pids {
		if err := syscall.Kill(pid, 0); err != syscall.ESRCH {
			t.Errorf("child %d still exists after killAndReap (kill 0: %v)", pid, err)
		}
	}
}

func TestChildEnvPinsGOMAXPROCS(t *testing.T) {
	t.Setenv("GOMAXPROCS", "8")
	var found []string
	for _, kv := range childEnv() {
		if strings.HasPrefix(kv, "GOMAXPROCS=") {
			found = append(found, kv)
		}
	}
	if len(found) != 1 || found[0] != "GOMAXPROCS=1" {
		t.Errorf("child environment has %q, want only GOMAXPROCS=1", found)
	}
}
