//go:build integration

package container_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/dockling/dockling/internal/testenv"
	"golang.org/x/sys/unix"
)

var env *testenv.Env

// TestMain runs every lifecycle test with real containers inside one
// throwaway network namespace, then proves nothing was left behind: no
// mount, process, cgroup, veth, rule, lease or container record.
func TestMain(m *testing.M) {
	testenv.Main(m, testenv.Options{Name: "lifecycle", Netns: true, Leftovers: leftovers}, func(e *testenv.Env) { env = e })
}

// leftovers lists container records and names, and the veths, container
// rules and leases still present in the throwaway namespace.
func leftovers(e *testenv.Env) []string {
	out := e.NetLeftovers()
	ids, _ := os.ReadDir(filepath.Join(e.Root, "containers"))
	for _, id := range ids {
		if id.IsDir() {
			out = append(out, "container record "+id.Name())
		}
	}
	names, _ := os.ReadDir(filepath.Join(e.Root, "container-names"))
	for _, n := range names {
		out = append(out, "container name "+n.Name())
	}
	return out
}

func run(t *testing.T, args ...string) string {
	t.Helper()
	return strings.TrimSpace(env.MustRun(t, args...).Stdout)
}

func TestIntegrationDetachedOutlivesTheCLI(t *testing.T) {
	id := run(t, "run", "-d", "--name", "det", "hostbox", "sh", "-c", "echo started; echo to-stderr >&2; exec sleep 1000")
	t.Cleanup(func() { env.Run(t, "rm", "-f", "det") })
	if len(id) != 64 {
		t.Fatalf("run -d printed %q, want a 64-hex id", id)
	}
	// The CLI has exited; the container is still running, as the kernel sees it.
	pid := run(t, "inspect", "--format", "{{.State.Pid}}", "det")
	if err := syscall.Kill(atoi(t, pid), 0); err != nil {
		t.Fatalf("container process %s is gone after run -d returned: %v", pid, err)
	}
	if ps := run(t, "ps"); !strings.Contains(ps, "det") || !strings.Contains(ps, "Up ") {
		t.Errorf("ps does not show det up:\n%s", ps)
	}
	var logs string
	for end := time.Now().Add(5 * time.Second); time.Now().Before(end); time.Sleep(50 * time.Millisecond) {
		r := env.MustRun(t, "logs", "det")
		if logs = r.Stdout + r.Stderr; strings.Contains(logs, "to-stderr") {
			break
		}
	}
	if !strings.Contains(logs, "started") || !strings.Contains(logs, "to-stderr") {
		t.Errorf("logs: %q, want both streams", logs)
	}
}

func TestIntegrationStopStartKeepsTheWritableLayer(t *testing.T) {
	run(t, "run", "-d", "--name", "keep", "hostbox", "sh", "-c", "echo data > /root/kept; exec sleep 1000")
	t.Cleanup(func() { env.Run(t, "rm", "-f", "keep") })
	waitFor(t, func() bool {
		return strings.Contains(env.Run(t, "inspect", "-f", "{{.State.Status}}", "keep").Stdout, "running")
	})
	time.Sleep(200 * time.Millisecond) // let the echo land
	run(t, "stop", "-t", "1", "keep")
	if st := run(t, "inspect", "-f", "{{.State.Status}} {{.State.ExitCode}}", "keep"); st != "exited 137" {
		t.Errorf("after stop of a shell that ignores SIGTERM: %q, want exited 137", st)
	}
	run(t, "start", "keep")
	waitFor(t, func() bool {
		return strings.Contains(env.Run(t, "inspect", "-f", "{{.State.Status}}", "keep").Stdout, "running")
	})
	pid := atoi(t, run(t, "inspect", "-f", "{{.State.Pid}}", "keep"))
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/root/root/kept", pid))
	if err != nil || string(b) != "data\n" {
		t.Errorf("after stop and start the file written before is %q (%v), want data", b, err)
	}
	if r := env.Run(t, "rm", "keep"); r.Code == 0 || !strings.Contains(r.Stderr, "is running") {
		t.Errorf("rm of a running container: exit %d %q, want a refusal", r.Code, r.Stderr)
	}
}

func TestIntegrationExitCodeAfterKill(t *testing.T) {
	run(t, "run", "-d", "--name", "killme", "hostbox", "sleep", "1000")
	t.Cleanup(func() { env.Run(t, "rm", "-f", "killme") })
	run(t, "kill", "-s", "KILL", "killme")
	waitFor(t, func() bool {
		return strings.Contains(env.Run(t, "inspect", "-f", "{{.State.Status}}", "killme").Stdout, "exited")
	})
	if code := run(t, "inspect", "--format", "{{.State.ExitCode}}", "killme"); code != "137" {
		t.Errorf("exit code after kill -s KILL: %s, want 137", code)
	}
	if code := run(t, "wait", "killme"); code != "137" {
		t.Errorf("wait: %s, want 137", code)
	}
}

func TestIntegrationRmFlagLeavesNothing(t *testing.T) {
	r := env.Run(t, "run", "--rm", "hostbox", "sh", "-c", "exit 3")
	if r.Code != 3 {
		t.Errorf("run --rm ... exit 3: exit %d (%s)", r.Code, r.Stderr)
	}
	if ps := run(t, "ps", "-aq"); ps != "" {
		t.Errorf("run --rm left containers: %q", ps)
	}
}

func TestIntegrationFailedRunLeavesNothing(t *testing.T) {
	r := env.Run(t, "run", "-d", "--name", "broken", "hostbox", "no-such-command")
	if r.Code == 0 || !strings.Contains(r.Stderr, `"no-such-command" not found`) {
		t.Errorf("run -d of a missing command: exit %d %q", r.Code, r.Stderr)
	}
	if ps := run(t, "ps", "-aq"); ps != "" {
		t.Errorf("a failed run left a container: %q", ps)
	}
}

func TestIntegrationVolumesOutliveContainers(t *testing.T) {
	host := t.TempDir()
	run(t, "run", "--rm", "-v", "vdata:/data", "-v", host+":/bind", "hostbox", "sh", "-c", "echo named > /data/f; echo bound > /bind/f")
	out := run(t, "run", "--rm", "-v", "vdata:/data", "-v", host+":/bind:ro", "hostbox", "sh", "-c", "cat /data/f /bind/f; touch /bind/no 2>&1 || true")
	if !strings.Contains(out, "named") || !strings.Contains(out, "bound") || !strings.Contains(out, "Read-only file system") {
		t.Errorf("second container sees %q; want named, bound and a read-only refusal", out)
	}
	if b, _ := os.ReadFile(filepath.Join(host, "f")); string(b) != "bound\n" {
		t.Errorf("the bind mount did not write through to the host: %q", b)
	}
	run(t, "volume", "rm", "vdata")
}

// TestIntegrationAnonymousVolumes: run --rm and rm -v take a container's
// anonymous volumes with it, a plain rm and volume prune without -a keep
// the named ones, as docker does.
func TestIntegrationAnonymousVolumes(t *testing.T) {
	volumes := func() string { return run(t, "volume", "ls", "-q") }
	run(t, "run", "--rm", "-v", "/scratch", "-v", "keepme:/keep", "hostbox", "sh", "-c", "echo x > /scratch/f; echo y > /keep/f")
	if got := volumes(); got != "keepme" {
		t.Errorf("after run --rm: volumes %q; want only the named keepme", got)
	}

	run(t, "run", "-d", "--name", "anon1", "-v", "/scratch", "hostbox", "true")
	run(t, "wait", "anon1")
	anon := run(t, "inspect", "-f", "{{range .Mounts}}{{.Name}}{{end}}", "anon1")
	if len(anon) != 64 {
		t.Fatalf("anon1's anonymous volume is named %q; want 64 hex digits", anon)
	}
	run(t, "rm", "anon1")
	if got := volumes(); !strings.Contains(got, anon) {
		t.Errorf("a plain rm removed the anonymous volume: %q", got)
	}
	// prune without -a: the unused anonymous volume goes, keepme stays.
	run(t, "volume", "prune", "-f")
	if got := volumes(); got != "keepme" {
		t.Errorf("after volume prune: %q; want keepme only", got)
	}

	run(t, "run", "-d", "--name", "anon2", "-v", "/scratch", "-v", "keepme:/keep", "hostbox", "true")
	run(t, "wait", "anon2")
	run(t, "rm", "-v", "anon2")
	if got := volumes(); got != "keepme" {
		t.Errorf("after rm -v: volumes %q; want keepme only", got)
	}
	if _, err := os.Stat(filepath.Join(env.Root, "volumes", "keepme", "_data", "f")); err != nil {
		t.Errorf("keepme's data: %v", err)
	}
	run(t, "volume", "prune", "-a", "-f")
	if got := volumes(); got != "" {
		t.Errorf("after volume prune -a: %q; want none", got)
	}
}

func TestIntegrationNamesAndPorts(t *testing.T) {
	run(t, "run", "-d", "--name", "srv", "-p", "3307:3306", "hostbox", "probe", "serve", ":3306")
	t.Cleanup(func() { env.Run(t, "rm", "-f", "srv") })
	ip := run(t, "inspect", "--format", "{{.NetworkSettings.IPAddress}}", "srv")
	if !strings.HasPrefix(ip, "10.77.") {
		t.Fatalf("srv has address %q", ip)
	}
	out, err := command(env.Netns.Wrap(filepath.Join(env.Bin, "probe"), "get", "--retries", "50", "http://127.0.0.1:3307/")).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "ip="+ip) {
		t.Errorf("host → 127.0.0.1:3307: %v %s", err, out)
	}
	// Another container reaches it by name, through /etc/hosts.
	got := run(t, "run", "--rm", "hostbox", "probe", "get", "--retries", "20", "http://srv:3306/")
	if !strings.Contains(got, "ip="+ip) {
		t.Errorf("by name from another container: %q", got)
	}
}

func TestIntegrationSupervisorKilled(t *testing.T) {
	run(t, "run", "-d", "--name", "orphan", "-p", "3308:80", "hostbox", "sleep", "1000")
	out := run(t, "inspect", "-f", "{{.State.Pid}}", "orphan")
	pid := atoi(t, out)
	st := readFile(t, fmt.Sprintf("/proc/%d/stat", pid))
	sup := atoi(t, strings.Fields(st[strings.LastIndex(st, ")")+1:])[1]) // ppid: the supervisor
	if err := syscall.Kill(sup, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	// The container dies with its supervisor; ps must say so, not "Up".
	waitFor(t, func() bool { return syscall.Kill(pid, 0) != nil || zombie(pid) })
	waitFor(t, func() bool { return !strings.Contains(run(t, "ps", "-a"), "Up ") })
	run(t, "rm", "-f", "orphan")
	if left := env.NetLeftovers(); len(left) > 0 {
		t.Errorf("rm -f after a killed supervisor left: %s", left)
	}
}

func TestIntegrationConcurrentLifecycles(t *testing.T) {
	var wg sync.WaitGroup
	errs := make(chan string, 40)
	for i := 0; i < 10; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			name := fmt.Sprintf("par%d", i)
			for _, args := range [][]string{
				{"run", "-d", "--name", name, "hostbox", "sleep", "1000"},
				{"stop", "-t", "0", name},
				{"start", name},
				{"rm", "-f", name},
			} {
				if r := env.Run(t, args...); r.Code != 0 {
					errs <- fmt.Sprintf("%v: exit %d %s", args, r.Code, r.Stderr)
					return
				}
			}
		}(i)
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
	if ps := run(t, "ps", "-aq"); ps != "" {
		t.Errorf("containers left after concurrent create/stop/start/rm: %q", ps)
	}
}

func waitFor(t *testing.T, ok func() bool) {
	t.Helper()
	for end := time.Now().Add(10 * time.Second); time.Now().Before(end); time.Sleep(20 * time.Millisecond) {
		if ok() {
			return
		}
	}
	t.Fatal("timed out waiting")
}

func atoi(t *testing.T, s string) int {
	t.Helper()
	var n int
	if _, err := fmt.Sscan(s, &n); err != nil {
		t.Fatalf("not a number: %q", s)
	}
	return n
}

func readFile(t *testing.T, p string) string {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func zombie(pid int) bool {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return true
	}
	s := string(b)
	return strings.HasPrefix(strings.TrimSpace(s[strings.LastIndex(s, ")")+1:]), "Z")
}

func command(argv []string) *exec.Cmd { return exec.Command(argv[0], argv[1:]...) }

// openPty makes a pseudo-terminal pair in the test, standing in for the
// user's terminal window.
func openPty(t *testing.T) (master, slave *os.File) {
	t.Helper()
	m, err := os.OpenFile("/dev/ptmx", os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := unix.IoctlSetPointerInt(int(m.Fd()), unix.TIOCSPTLCK, 0); err != nil {
		t.Fatal(err)
	}
	n, err := unix.IoctlGetInt(int(m.Fd()), unix.TIOCGPTN)
	if err != nil {
		t.Fatal(err)
	}
	s, err := os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close(); s.Close() })
	return m, s
}

// readPtyUntil reads a pty's master side until want has come out, the
// other side is closed, or 15 s have passed (a hung command).
func readPtyUntil(master *os.File, want string) (string, error) {
	var out []byte
	buf := make([]byte, 4096)
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		_ = master.SetReadDeadline(time.Now().Add(time.Second))
		n, err := master.Read(buf)
		out = append(out, buf[:n]...)
		if strings.Contains(string(out), want) {
			return string(out), nil
		}
		if err != nil && !os.IsTimeout(err) {
			break
		}
	}
	return string(out), fmt.Errorf("%q never came out", want)
}

// onTerminal starts dockling with args on a new pty of its own, as if
// typed at a terminal of size rows x cols (0: the pty's default), and
// returns the pty's master side, for typing and reading.
func onTerminal(t *testing.T, rows, cols uint16, args ...string) (*os.File, *exec.Cmd) {
	t.Helper()
	master, slave := openPty(t)
	if rows > 0 {
		if err := unix.IoctlSetWinsize(int(master.Fd()), unix.TIOCSWINSZ, &unix.Winsize{Row: rows, Col: cols}); err != nil {
			t.Fatal(err)
		}
	}
	cmd := env.Command(args...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = slave, slave, slave
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true, Ctty: 0}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	slave.Close()
	return master, cmd
}

func TestIntegrationRunItGivesATerminal(t *testing.T) {
	master, cmd := onTerminal(t, 33, 101, "run", "-it", "--rm", "hostbox", "sh")
	// Type into the terminal as a user would.
	go func() {
		time.Sleep(300 * time.Millisecond)
		_, _ = master.Write([]byte("tty; stty size; exit 5\r"))
	}()
	out, _ := readPtyUntil(master, "33 101")
	err := cmd.Wait()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 5 {
		t.Errorf("run -it ... exit 5: %v", err)
	}
	if !strings.Contains(out, "/dev/pts/0") || !strings.Contains(out, "33 101") {
		t.Errorf("inside run -it: want tty /dev/pts/0 and size 33 101, got %q", out)
	}
}

// Piped input with -it is refused before anything is made, as docker
// refuses it: the terminal would hide the end of the input and the shell
// would wait for ever. Without -t the same pipe works.
func TestIntegrationRunItRefusesPipedInput(t *testing.T) {
	cmd := env.Command("run", "-it", "--rm", "--name", "piped", "hostbox", "sh")
	cmd.Stdin = strings.NewReader("echo hi\n")
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Run(); err == nil || !strings.Contains(stderr.String(), "the input device is not a TTY") ||
		strings.Count(strings.TrimSpace(stderr.String()), "\n") != 0 {
		t.Errorf("run -it with piped input: %v %q; want one line of refusal", err, stderr.String())
	}
	if ps := run(t, "ps", "-a", "--format", "{{.Names}}"); strings.Contains(ps, "piped") {
		t.Errorf("the refused run left a container: %q", ps)
	}
	cmd = env.Command("run", "-i", "--rm", "--network", "none", "hostbox", "sh")
	cmd.Stdin = strings.NewReader("echo piped-$((6*7))\n")
	if b, err := cmd.Output(); err != nil || strings.TrimSpace(string(b)) != "piped-42" {
		t.Errorf("run -i with piped input: %v %q", err, b)
	}
}

func TestIntegrationUserAndInfo(t *testing.T) {
	if got := run(t, "run", "--rm", "-u", "nobody", "hostbox", "id", "-u"); got != "65534" {
		t.Errorf("run -u nobody: id -u = %q, want 65534", got)
	}
	if got := run(t, "run", "--rm", "-u", "1000:1000", "hostbox", "id"); !strings.HasPrefix(got, "uid=1000 gid=1000") {
		t.Errorf("run -u 1000:1000: %q", got)
	}
	if r := env.Run(t, "run", "--rm", "-u", "ghost", "hostbox", "id"); r.Code == 0 || !strings.Contains(r.Stderr, `unknown user "ghost"`) {
		t.Errorf("run -u ghost: exit %d %q", r.Code, r.Stderr)
	}
	// -w names a directory the image lacks: made, as docker makes it,
	// root's and 0755, before the switch to the user; inside the
	// container's root, not the host's.
	if got := run(t, "run", "--rm", "--network", "none", "-u", "nobody", "-w", "/made/by-w", "hostbox", "sh", "-c", `pwd; stat -c "%U %a" .`); got != "/made/by-w\nroot 755" {
		t.Errorf("run -w /made/by-w: %q", got)
	}
	if _, err := os.Stat("/made"); err == nil {
		t.Error("run -w /made/by-w made /made on the host")
	}
	if r := env.Run(t, "run", "--rm", "--network", "none", "-w", "/etc/hostname/x", "hostbox", "pwd"); r.Code == 0 || !strings.Contains(r.Stderr, "not a directory") {
		t.Errorf("run -w under a file: exit %d %q", r.Code, r.Stderr)
	}
	if info := run(t, "info"); !strings.Contains(info, "Images: 1") || !strings.Contains(info, "Cgroup Version:") {
		t.Errorf("info:\n%s", info)
	}
}

func TestIntegrationSystemResetCleansEverything(t *testing.T) {
	// A container of another state root on the same host must survive.
	otherRoot := t.TempDir()
	inOther := func(args ...string) string {
		t.Helper()
		cmd := env.Command(args...)
		cmd.Env = append(cmd.Env, "DOCKLING_ROOT="+otherRoot) // the last one wins
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("%v in %s: %v", args, otherRoot, err)
		}
		return strings.TrimSpace(string(out))
	}
	inOther("run", "-d", "--name", "neighbour", "hostbox", "sleep", "1000") // on the shared bridge
	removeNeighbour := func() {
		for _, args := range [][]string{{"rm", "-f", "neighbour"}, {"rmi", "hostbox"}} {
			cmd := env.Command(args...)
			cmd.Env = append(cmd.Env, "DOCKLING_ROOT="+otherRoot)
			_ = cmd.Run() // on a failed test it may be gone already
		}
	}
	t.Cleanup(removeNeighbour)

	run(t, "run", "-d", "--name", "r1", "-p", "3309:80", "hostbox", "sleep", "1000")
	run(t, "run", "--name", "r2", "hostbox", "true")
	out := run(t, "system", "reset", "-f")
	if pid := atoi(t, inOther("inspect", "-f", "{{.State.Pid}}", "neighbour")); pid <= 0 || unix.Kill(pid, 0) != nil {
		t.Errorf("system reset killed a container of another DOCKLING_ROOT (pid %d)", pid)
	}
	if !strings.Contains(out, "kept cgroup dockling/") {
		t.Errorf("system reset did not say which cgroup it kept:\n%s", out)
	}
	if !strings.Contains(out, "kept dockling0") {
		t.Errorf("system reset did not keep the bridge the neighbour is plugged into:\n%s", out)
	}
	removeNeighbour()
	if !strings.Contains(out, "removed container") {
		t.Errorf("system reset said:\n%s", out)
	}
	if ps := run(t, "ps", "-aq"); ps != "" {
		t.Errorf("containers after system reset: %q", ps)
	}
	if left := env.NetLeftovers(); len(left) > 0 {
		t.Errorf("left after system reset: %s", left)
	}
	run(t, "system", "reset", "-f") // twice is harmless
}
