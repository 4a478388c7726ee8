//go:build integration

package container_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestIntegrationAttach(t *testing.T) {
	run(t, "run", "-id", "--name", "att", "hostbox")
	t.Cleanup(func() { env.Run(t, "rm", "-f", "att") })
	cmd := env.Command("attach", "att")
	cmd.Stdin = strings.NewReader("echo hello-attach\nexit 3\n")
	out, err := cmd.CombinedOutput()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 3 || !strings.Contains(string(out), "hello-attach") {
		t.Errorf("attach: %v %q; want hello-attach and exit 3", err, out)
	}
}

// The everyday workflow of the course, as a student types it, in order.
// Each line must succeed (or fail where the course says it fails).
func TestIntegrationEverydayWorkflow(t *testing.T) {
	share := t.TempDir()
	host := t.TempDir()
	if err := os.WriteFile(filepath.Join(host, "from-host.txt"), []byte("hi from the host\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(share, "seen.txt"), []byte("seen by the container\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { env.Run(t, "rm", "-f", "c1", "c3", "db") })
	steps := []struct {
		args []string
		want string // in stdout; "" = anything
		fail bool
	}{
		{[]string{"images"}, "", false}, // hostbox is listed once made (it is, by any earlier run)
		{[]string{"run", "-id", "--name=c1", "hostbox"}, "", false},
		{[]string{"ps"}, "c1", false},
		{[]string{"ps", "-a"}, "c1", false},
		{[]string{"exec", "c1", "ls", "/"}, "etc", false},
		{[]string{"stop", "c1"}, "c1", false},
		{[]string{"start", "c1"}, "c1", false},
		{[]string{"rm", "c1"}, "", true}, // refused: it is running
		{[]string{"run", "-id", "--name=c3", "-v", share + ":/home", "hostbox"}, "", false},
		{[]string{"exec", "c3", "sh", "-c", "echo from-container > /home/inside.txt; cat /home/seen.txt"}, "seen by the container", false},
		{[]string{"cp", filepath.Join(host, "from-host.txt"), "c3:/root/"}, "", false},
		{[]string{"exec", "c3", "cat", "/root/from-host.txt"}, "hi from the host", false},
		{[]string{"cp", "c3:/etc/os-release", filepath.Join(host, "os-release")}, "", false},
		{[]string{"inspect", "c1"}, `"Name": "/c1"`, false},
		{[]string{"inspect", "--format={{.NetworkSettings.IPAddress}}", "c1"}, "10.77.", false},
		{[]string{"run", "-d", "--name", "db", "-p", "3307:3306", "hostbox", "probe", "serve", ":3306"}, "", false},
	}
	for _, s := range steps {
		r := env.Run(t, s.args...)
		if s.fail != (r.Code != 0) {
			t.Fatalf("dockling %s: exit %d (want failure: %v)\n%s%s", strings.Join(s.args, " "), r.Code, s.fail, r.Stdout, r.Stderr)
		}
		if s.want != "" && !strings.Contains(r.Stdout, s.want) {
			t.Fatalf("dockling %s: want %q in:\n%s", strings.Join(s.args, " "), s.want, r.Stdout)
		}
	}
	if b, err := os.ReadFile(filepath.Join(share, "inside.txt")); err != nil || string(b) != "from-container\n" {
		t.Errorf("-v: the host does not see the container's write: %q %v", b, err)
	}
	if b, _ := os.ReadFile(filepath.Join(host, "os-release")); !strings.Contains(string(b), "hostbox") {
		t.Errorf("cp out: %q", b)
	}
	// The published port answers on the host side.
	out, err := command(env.Netns.Wrap(filepath.Join(env.Bin, "probe"), "get", "--retries", "50", "http://127.0.0.1:3307/")).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "hostname=") {
		t.Errorf("-p 3307:3306 from the host: %v %s", err, out)
	}
	// exec -it c1 sh, typed at a terminal; its exit code comes back.
	master, cmd := onTerminal(t, 0, 0, "exec", "-it", "c1", "sh")
	if _, err := master.Write([]byte("echo typed-$((6*7)) in $(cat /proc/1/comm); exit 3\r")); err != nil {
		t.Fatal(err)
	}
	if out, err := readPtyUntil(master, "typed-42 in sh"); err != nil {
		t.Errorf("exec -it c1 sh: %v\n%s", err, out)
	}
	if err := cmd.Wait(); err == nil || cmd.ProcessState.ExitCode() != 3 {
		t.Errorf("exec -it c1 sh ... exit 3: %v", err)
	}
	// rm $(dockling ps -aq) with -f removes them all.
	ids := strings.Fields(run(t, "ps", "-aq"))
	if len(ids) != 3 {
		t.Errorf("ps -aq: %v, want 3 containers", ids)
	}
	run(t, append([]string{"rm", "-f"}, ids...)...)
	if left := run(t, "ps", "-aq"); left != "" {
		t.Errorf("after rm -f $(ps -aq): %q", left)
	}
}
