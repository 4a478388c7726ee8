//go:build integration

package container_test

import (
	"strings"
	"testing"
)

func TestIntegrationExecSeesTheContainer(t *testing.T) {
	id := run(t, "run", "-id", "--name", "ex", "hostbox")
	t.Cleanup(func() { env.Run(t, "rm", "-f", "ex") })
	out := run(t, "exec", "ex", "sh", "-c", `echo "pid1=$(cat /proc/1/comm) host=$(hostname) cwd=$(pwd)"; grep -c . /proc/self/cgroup >/dev/null; cat /proc/self/cgroup; head -1 /proc/self/mountinfo`)
	for _, want := range []string{"pid1=sh", "host=" + id[:12], "cwd=/", "/dockling/" + id, " / / ", "overlay"} {
		if !strings.Contains(out, want) {
			t.Errorf("exec: want %q in:\n%s", want, out)
		}
	}
	// An exec'd process is held to the same privileges as the container's
	// own: the same capabilities, and no_new_privs.
	pid := run(t, "inspect", "-f", "{{.State.Pid}}", "ex")
	want := capEff(t, readFile(t, "/proc/"+pid+"/status"))
	status := run(t, "exec", "ex", "cat", "/proc/self/status")
	if got := capEff(t, status); got != want || !strings.Contains(status, "NoNewPrivs:\t1") {
		t.Errorf("exec: CapEff %s (container's main process: %s), NoNewPrivs line present: %v", got, want, strings.Contains(status, "NoNewPrivs:\t1"))
	}
	if r := env.Run(t, "exec", "ex", "hostname", "changed"); r.Code == 0 {
		t.Error("exec could change the hostname: it kept CAP_SYS_ADMIN")
	}
	if r := env.Run(t, "exec", "ex", "sh", "-c", "exit 9"); r.Code != 9 {
		t.Errorf("exec exit code: %d, want 9", r.Code)
	}
	if got := run(t, "exec", "-w", "/tmp", "-u", "nobody", "-e", "GREETING=hi", "ex", "sh", "-c", `echo "$(id -u) $(pwd) $GREETING"`); got != "65534 /tmp hi" {
		t.Errorf("exec -w /tmp -u nobody -e: %q", got)
	}
	// A symlink in the container pointing at a host path must not move
	// the working directory out of the container.
	run(t, "exec", "ex", "ln", "-s", "/etc", "/evil")
	if got := run(t, "exec", "-w", "/evil", "ex", "cat", "hostname"); got != id[:12] {
		t.Errorf("exec -w /evil (-> /etc) read %q, want the container's own hostname", got)
	}
	run(t, "stop", "-t", "0", "ex")
	if r := env.Run(t, "exec", "ex", "true"); r.Code == 0 || !strings.Contains(r.Stderr, "is not running") {
		t.Errorf("exec on a stopped container: exit %d %q", r.Code, r.Stderr)
	}
}

// TestIntegrationExecTerminal: exec -t gives the command a terminal of
// its own from the container's devpts, keeps the exit code, and puts the
// command (but not the dockling CLI) in the container's cgroup.
func TestIntegrationExecTerminal(t *testing.T) {
	id := run(t, "run", "-id", "--name", "ext", "hostbox")
	t.Cleanup(func() { env.Run(t, "rm", "-f", "ext") })
	pid := run(t, "inspect", "-f", "{{.State.Pid}}", "ext")
	hostCgroup := readFile(t, "/proc/"+pid+"/cgroup")

	// The terminal: a /dev/pts entry the container's devpts numbers, which
	// is also its controlling terminal (ps shows it in the TTY column).
	out := run(t, "exec", "-t", "ext", "sh", "-c", `tty; cat /proc/self/cgroup; ls -1 /dev/pts`)
	out = strings.ReplaceAll(out, "\r", "")
	if !strings.HasPrefix(out, "/dev/pts/") {
		t.Errorf("exec -t: tty printed %q; want a /dev/pts/N of the container", out)
	}
	// The container's own devpts: only its own terminal (and ptmx) in it.
	lines := strings.Split(out, "\n")
	if want := strings.TrimPrefix(lines[0], "/dev/pts/"); !strings.HasSuffix(out, "\n"+want+"\nptmx") {
		t.Errorf("exec -t: /dev/pts of the container does not hold just its terminal %s:\n%s", want, out)
	}
	if !strings.Contains(out, "/dockling/"+id) {
		t.Errorf("exec -t: the command is not in the container's cgroup:\n%s\n(container: %s)", out, hostCgroup)
	}
	if r := env.Run(t, "exec", "-t", "ext", "sh", "-c", "exit 7"); r.Code != 7 {
		t.Errorf("exec -t exit code: %d, want 7", r.Code)
	}
	// Keystrokes reach it with -i: stdin goes through the terminal.
	master, cmd := onTerminal(t, 0, 0, "exec", "-i", "-t", "ext", "sh", "-c", "read line; echo got:$line")
	if _, err := master.Write([]byte("hello\r")); err != nil {
		t.Fatal(err)
	}
	if b, err := readPtyUntil(master, "got:hello"); err != nil || cmd.Wait() != nil {
		t.Errorf("exec -it with input typed: %v %q", err, b)
	}
	// Piped input and -t: refused as docker does, instead of a command
	// that never sees the end of its input.
	cmd = env.Command("exec", "-i", "-t", "ext", "sh")
	cmd.Stdin = strings.NewReader("echo hi\n")
	if b, err := cmd.CombinedOutput(); err == nil || !strings.Contains(string(b), "the input device is not a TTY") {
		t.Errorf("exec -it with piped input: %v %q; want a refusal", err, b)
	}
	if r := env.Run(t, "exec", "-t", "-d", "ext", "true"); r.Code == 0 || !strings.Contains(r.Stderr, "-t and -d") {
		t.Errorf("exec -t -d: exit %d %q; want a clear refusal", r.Code, r.Stderr)
	}
}

func capEff(t *testing.T, status string) string {
	t.Helper()
	for _, l := range strings.Split(status, "\n") {
		if v, ok := strings.CutPrefix(l, "CapEff:"); ok {
			return strings.TrimSpace(v)
		}
	}
	t.Fatalf("no CapEff in:\n%s", status)
	return ""
}
