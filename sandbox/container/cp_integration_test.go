//go:build integration

package container_test

import (
	"archive/tar"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// TestIntegrationCpTopStats copies files in and out of a container, running
// and then stopped, through symlinks that point at the host, and checks
// that the host's files are never read or written; then top and stats.
func TestIntegrationCpTopStats(t *testing.T) {
	id := run(t, "run", "-d", "--name", "cpt", "hostbox", "sleep", "1000")
	t.Cleanup(func() { env.Run(t, "rm", "-f", "cpt") })
	ctrHost := id[:12] // the container's /etc/hostname
	hostHost, _ := os.ReadFile("/etc/hostname")
	// The three classic escapes, made by the container itself.
	run(t, "exec", "cpt", "sh", "-c", "ln -s /etc /evil1 && ln -s ../../../../../etc /evil2 && ln -s /proc/self/root /evil3")

	// top and stats while it runs.
	top := run(t, "top", "cpt")
	pid := run(t, "inspect", "--format", "{{.State.Pid}}", "cpt")
	if !strings.HasPrefix(top, "UID") || !strings.Contains(top, "sleep 1000") || !strings.Contains(top, " "+pid+" ") {
		t.Errorf("top cpt: want the header and sleep 1000 as host PID %s:\n%s", pid, top)
	}
	stats := run(t, "stats", "--no-stream", "cpt")
	lines := strings.Split(stats, "\n")
	if len(lines) != 2 || !strings.Contains(lines[0], "MEM USAGE / LIMIT") || !strings.HasSuffix(strings.TrimSpace(lines[0]), "PIDS") {
		t.Fatalf("stats --no-stream cpt:\n%s", stats)
	}
	f := strings.Fields(lines[1])
	if n, err := strconv.Atoi(f[len(f)-1]); err != nil || n < 1 || f[0] != id[:12] || f[1] != "cpt" || !strings.Contains(lines[1], "iB / ") {
		t.Errorf("stats row: want id, name, a memory figure and PIDS >= 1: %q", lines[1])
	}

	copyChecks(t, "running", ctrHost, string(hostHost))
	// Once more the way a CentOS 7 kernel (no openat2) does it: SecureJoin.
	t.Setenv("DOCKLING_NO_OPENAT2", "1")
	copyChecks(t, "running-fallback", ctrHost, string(hostHost))
	os.Unsetenv("DOCKLING_NO_OPENAT2")

	run(t, "stop", "-t", "0", "cpt")
	before := mountTable(t)
	copyChecks(t, "stopped", ctrHost, string(hostHost))
	t.Setenv("DOCKLING_NO_OPENAT2", "1")
	copyChecks(t, "stopped-fallback", ctrHost, string(hostHost))
	os.Unsetenv("DOCKLING_NO_OPENAT2")
	if after := mountTable(t); !slices.Equal(before, after) {
		t.Errorf("the host's mount table changed during the stopped copies:\nbefore %v\nafter  %v", before, after)
	}
	// Writes into a stopped container are copy-ups into its upper dir.
	if _, err := os.Stat(filepath.Join(env.Root, "containers", id, "upper/etc/x-stopped-evil1")); err != nil {
		t.Errorf("the stopped copy did not land in the upper dir: %v", err)
	}
	if r := env.Run(t, "top", "cpt"); r.Code == 0 || !strings.Contains(r.Stderr, "is not running") {
		t.Errorf("top on a stopped container: exit %d %q", r.Code, r.Stderr)
	}
	if out := run(t, "stats", "--no-stream", "cpt"); !strings.HasSuffix(out, " 0") {
		t.Errorf("stats of a stopped container: want PIDS 0:\n%s", out)
	}
	// And the files copied in while it ran and while it was stopped are
	// there when it runs again.
	run(t, "start", "cpt")
	if got := run(t, "exec", "cpt", "cat", "/in-running.txt", "/in-stopped.txt", "/etc/x-stopped-evil2"); got != "hellohellohello" {
		t.Errorf("after restart: %q", got)
	}
	run(t, "rm", "-f", "cpt")
}

// copyChecks runs every copy on cpt in its current state; phase names the
// files so the two passes do not collide.
func copyChecks(t *testing.T, phase, ctrHost, hostHost string) {
	t.Helper()
	tmp := t.TempDir()
	write := func(p, content string, mode os.FileMode) {
		t.Helper()
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), mode); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(p, mode); err != nil {
			t.Fatal(err)
		}
	}

	// A file in and back out, with its mode.
	write(tmp+"/in.txt", "hello", 0o640)
	run(t, "cp", tmp+"/in.txt", "cpt:/in-"+phase+".txt")
	run(t, "cp", "cpt:/in-"+phase+".txt", tmp+"/back.txt")
	if fi, err := os.Stat(tmp + "/back.txt"); err != nil || fi.Mode().Perm() != 0o640 || readFile(t, tmp+"/back.txt") != "hello" {
		t.Errorf("%s: file round trip: %v %v", phase, fi, err)
	}

	// A directory, recursively, in and out.
	write(tmp+"/dir/a", "A", 0o600)
	write(tmp+"/dir/sub/b", "B", 0o755)
	if err := os.Chmod(tmp+"/dir/sub", 0o700); err != nil {
		t.Fatal(err)
	}
	run(t, "cp", tmp+"/dir", "cpt:/d-"+phase)
	run(t, "cp", "cpt:/d-"+phase, tmp+"/dirback")
	for p, mode := range map[string]os.FileMode{"a": 0o600, "sub": 0o700 | os.ModeDir, "sub/b": 0o755} {
		if fi, err := os.Stat(filepath.Join(tmp, "dirback", p)); err != nil || fi.Mode() != mode {
			t.Errorf("%s: directory round trip %s: %v %v, want mode %v", phase, p, fi, err, mode)
		}
	}

	// "-": a tar stream out, and one in.
	out := env.MustRun(t, "cp", "cpt:/d-"+phase, "-").Stdout
	var names []string
	tr := tar.NewReader(strings.NewReader(out))
	for h, err := tr.Next(); err == nil; h, err = tr.Next() {
		names = append(names, h.Name)
	}
	slices.Sort(names)
	if want := fmt.Sprintf("d-%[1]s/ d-%[1]s/a d-%[1]s/sub/ d-%[1]s/sub/b", phase); strings.Join(names, " ") != want {
		t.Errorf("%s: cp - names %v, want %s", phase, names, want)
	}
	var in bytes.Buffer
	tw := tar.NewWriter(&in)
	tw.WriteHeader(&tar.Header{Name: "fromtar/", Typeflag: tar.TypeDir, Mode: 0o755})
	tw.WriteHeader(&tar.Header{Name: "fromtar/x", Typeflag: tar.TypeReg, Mode: 0o644, Size: 2})
	tw.Write([]byte("tx"))
	tw.Close()
	cmd := env.Command("cp", "-", "cpt:/tmp")
	cmd.Stdin = &in
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s: cp - cpt:/tmp: %v %s", phase, err, b)
	}
	if got := env.MustRun(t, "cp", "cpt:/tmp/fromtar/x", "-").Stdout; !strings.Contains(got, "tx") {
		t.Errorf("%s: the tar streamed in is not there", phase)
	}
	// A hostile stream is refused.
	var bad bytes.Buffer
	tw = tar.NewWriter(&bad)
	tw.WriteHeader(&tar.Header{Name: "../../../../etc/dockling-evil", Typeflag: tar.TypeReg, Mode: 0o644})
	tw.Close()
	cmd = env.Command("cp", "-", "cpt:/tmp")
	cmd.Stdin = &bad
	if b, err := cmd.CombinedOutput(); err == nil || !strings.Contains(string(b), "climbs out") {
		t.Errorf("%s: a tar with ../ was not refused: %v %s", phase, err, b)
	}

	// Through symlinks that point at the host's /etc, inside the
	// container: reads get the container's files, writes land there.
	for _, evil := range []string{"evil1", "evil2"} {
		got := tmp + "/hostname-" + evil
		run(t, "cp", "cpt:/"+evil+"/hostname", got)
		if h := strings.TrimSpace(readFile(t, got)); h != ctrHost {
			t.Errorf("%s: cp cpt:/%s/hostname read %q, want the container's %q (the host's is %q)", phase, evil, h, ctrHost, strings.TrimSpace(hostHost))
		}
		x := "x-" + phase + "-" + evil
		run(t, "cp", tmp+"/in.txt", "cpt:/"+evil+"/"+x)
		if _, err := os.Lstat("/etc/" + x); err == nil {
			os.Remove("/etc/" + x)
			t.Errorf("%s: cp into cpt:/%s/ wrote the HOST's /etc/%s", phase, evil, x)
		}
		if got := env.MustRun(t, "cp", "cpt:/etc/"+x, "-").Stdout; !strings.Contains(got, "hello") {
			t.Errorf("%s: /etc/%s is not in the container", phase, x)
		}
	}
	// /proc/self/root is a magic link: the root of whoever opens it, here
	// dockling on the host. It leads nowhere: in the running container's
	// own /proc, "self" is dockling, which its PID namespace does not show
	// (and were it shown, openat2's RESOLVE_NO_MAGICLINKS refuses the
	// link); a stopped container has no /proc mounted at all.
	if r := env.Run(t, "cp", "cpt:/evil3/etc/hostname", tmp+"/h3"); r.Code == 0 {
		t.Errorf("%s: cp cpt:/evil3/etc/hostname succeeded: %q", phase, readFile(t, tmp+"/h3"))
	} else if strings.Count(strings.TrimSpace(r.Stderr), "\n") > 0 {
		t.Errorf("%s: the error is not one line: %q", phase, r.Stderr)
	}
	x := "x-" + phase + "-evil3"
	env.Run(t, "cp", tmp+"/in.txt", "cpt:/evil3/etc/"+x)
	if _, err := os.Lstat("/etc/" + x); err == nil {
		os.Remove("/etc/" + x)
		t.Errorf("%s: cp into cpt:/evil3/etc/ wrote the HOST's /etc/%s", phase, x)
	}
}

// mountTable is the host's mounts as "mount point fstype" lines, sorted.
func mountTable(t *testing.T) []string {
	var out []string
	for _, line := range strings.Split(readFile(t, "/proc/self/mountinfo"), "\n") {
		f := strings.Fields(line)
		if len(f) < 9 {
			continue
		}
		i := slices.Index(f, "-")
		out = append(out, f[4]+" "+f[i+1])
	}
	slices.Sort(out)
	return out
}
