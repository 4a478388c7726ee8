//go:build integration

package security_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/dockling/dockling/internal/testenv"
	"github.com/dockling/dockling/sandbox/security"
)

var env *testenv.Env

// TestMain runs real containers through the CLI inside a throwaway network
// namespace, then checks that nothing was left behind.
func TestMain(m *testing.M) {
	testenv.Main(m, testenv.Options{Name: "security", Netns: true}, func(e *testenv.Env) { env = e })
}

// sh runs a shell command in a fresh hostbox container with extra run flags.
func sh(t *testing.T, flags []string, script string) testenv.Result {
	t.Helper()
	args := append([]string{"run", "--rm", "--network", "none"}, flags...)
	return env.Run(t, append(args, "hostbox", "sh", "-c", script)...)
}

func mustSh(t *testing.T, flags []string, script string) string {
	t.Helper()
	r := sh(t, flags, script)
	if r.Code != 0 {
		t.Fatalf("run %v sh -c %q: exit %d\nstdout: %s\nstderr: %s", flags, script, r.Code, r.Stdout, r.Stderr)
	}
	return r.Stdout
}

// status reads the capability and no_new_privs lines of the container's
// /proc/self/status (as grep sees them, in grep's own process).
func status(t *testing.T, flags ...string) map[string]string {
	t.Helper()
	return testenv.Fields(strings.ReplaceAll(mustSh(t, flags, "grep -E '^(Cap|NoNewPrivs)' /proc/self/status"), ":\t", ": "))
}

// wantDefault is docker's set, 0xa80425fb, less CAP_MKNOD where there is no
// devices cgroup to stop a new node being opened (cgroup v2).
func wantDefault() string {
	return fmt.Sprintf("%016x", security.Mask(must(security.New(nil, nil, false)).Capabilities))
}

func must(s *security.Spec, err error) *security.Spec {
	if err != nil {
		panic(err)
	}
	return s
}

func TestIntegrationDefaultCapabilitiesAreDockers(t *testing.T) {
	st := status(t)
	want := wantDefault()
	if security.DeviceCgroup() && want != "00000000a80425fb" {
		t.Fatalf("default set %s, want docker's 00000000a80425fb", want)
	}
	for _, k := range []string{"CapEff", "CapPrm", "CapBnd"} {
		if st[k] != want {
			t.Errorf("%s = %s, want %s", k, st[k], want)
		}
	}
	for _, k := range []string{"CapInh", "CapAmb"} {
		if st[k] != "0000000000000000" {
			t.Errorf("%s = %s, want none", k, st[k])
		}
	}
	if st["NoNewPrivs"] != "1" {
		t.Errorf("NoNewPrivs = %q, want 1", st["NoNewPrivs"])
	}

	// -u: a non-root user has nothing effective or permitted, as in docker.
	u := status(t, "-u", "65534:65534")
	if u["CapEff"] != "0000000000000000" || u["CapPrm"] != "0000000000000000" || u["CapBnd"] != want {
		t.Errorf("-u 65534: CapEff %s CapPrm %s CapBnd %s; want 0, 0, %s", u["CapEff"], u["CapPrm"], u["CapBnd"], want)
	}
}

func TestIntegrationCapAddDrop(t *testing.T) {
	if got := status(t, "--cap-drop", "ALL")["CapEff"]; got != "0000000000000000" {
		t.Errorf("--cap-drop ALL: CapEff %s, want 0", got)
	}
	want := fmt.Sprintf("%016x", security.Mask(must(security.New(nil, []string{"NET_RAW", "KILL"}, false)).Capabilities))
	if got := status(t, "--cap-drop", "net_raw,CAP_KILL")["CapEff"]; got != want || got == wantDefault() {
		t.Errorf("--cap-drop net_raw,CAP_KILL: CapEff %s, want %s", got, want)
	}
	r := env.Run(t, "run", "--rm", "--cap-add", "FLY", "hostbox", "true")
	if r.Code == 0 || !strings.Contains(r.Stderr, `unknown capability "FLY"`) {
		t.Errorf("--cap-add FLY: exit %d, stderr %q; want a one-line error naming valid names", r.Code, r.Stderr)
	}
}

// Without CAP_SYS_ADMIN nothing can be mounted, so neither a masked path
// can be unmasked nor the host's devices or filesystems brought in.
func TestIntegrationMountNeedsSysAdmin(t *testing.T) {
	r := sh(t, nil, "mkdir -p /mnt && mount -t tmpfs x /mnt")
	if r.Code == 0 {
		t.Fatalf("mount succeeded in a default container:\n%s%s", r.Stdout, r.Stderr)
	}
	if !strings.Contains(r.Stderr, "permission denied") {
		t.Errorf("mount failed for another reason than EPERM: %s", r.Stderr)
	}
	mustSh(t, []string{"--cap-add", "SYS_ADMIN"}, "mkdir -p /mnt && mount -t tmpfs x /mnt && grep -q ' /mnt tmpfs' /proc/mounts")
}

func TestIntegrationMaskedAndReadonlyPaths(t *testing.T) {
	// This kernel may lack /proc/kcore (CONFIG_PROC_KCORE=n): check the
	// masks on the files it has. timer_list is there and root may read it.
	out := mustSh(t, nil, `
for f in /proc/kcore /proc/timer_list /proc/keys /proc/sched_debug; do
  [ -e $f ] && echo "$f $(wc -c < $f)"
done
echo "firmware [$(ls -A /sys/firmware)]"
echo x > /proc/sys/kernel/hostname 2>/dev/null && echo sysctl-written || echo sysctl-refused
echo x > /proc/sysrq-trigger 2>/dev/null && echo sysrq-written || echo sysrq-refused
`)
	for _, f := range []string{"/proc/kcore", "/proc/timer_list", "/proc/keys", "/proc/sched_debug"} {
		if _, err := os.Stat(f); err == nil && !strings.Contains(out, f+" 0\n") {
			t.Errorf("%s not masked (want 0 bytes, like /dev/null):\n%s", f, out)
		}
	}
	for _, want := range []string{"firmware []", "sysctl-refused", "sysrq-refused"} {
		if !strings.Contains(out, want) {
			t.Errorf("want %q in:\n%s", want, out)
		}
	}

	// --privileged: nothing masked, every capability the host has.
	priv := mustSh(t, []string{"--privileged"}, "wc -c < /proc/timer_list; grep CapEff /proc/self/status")
	if n, _ := strconv.Atoi(strings.Fields(priv)[0]); n == 0 {
		t.Errorf("--privileged: /proc/timer_list still masked:\n%s", priv)
	}
	host := testenv.Fields(strings.ReplaceAll(readFile(t, "/proc/self/status"), ":\t", ": "))["CapBnd"]
	if !strings.Contains(priv, host) {
		t.Errorf("--privileged: CapEff not the host's full set %s:\n%s", host, priv)
	}
}

// tools is a host directory holding host binaries that hostbox lacks
// (mknod) and a setuid-root copy of id (suid/id), shown read-only at /tools.
func tools(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.Chmod(dir, 0o755); err != nil { // so 65534 may enter it
		t.Fatal(err)
	}
	for _, c := range []struct{ src, dst, mode string }{
		// The copy keeps the name id, in a directory of its own, so a
		// busybox build (the v2 VM's) still knows which applet it is.
		{"mknod", "mknod", "755"}, {"id", "suid/id", "4755"},
	} {
		src, err := exec.LookPath(c.src)
		if err != nil {
			t.Fatalf("the host needs %s for this test: %v", c.src, err)
		}
		dst := filepath.Join(dir, c.dst)
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			t.Fatal(err)
		}
		if out, err := exec.Command("sh", "-c", `cp "$0" "$1" && chown 0:0 "$1" && chmod "$2" "$1"`, src, dst, c.mode).CombinedOutput(); err != nil {
			t.Fatalf("prepare %s: %v\n%s", dst, err, out)
		}
	}
	return dir
}

// With no_new_privs a setuid-root binary runs as its caller: the euid a
// user gets from it stays the user's own.
func TestIntegrationSetuidGainsNothing(t *testing.T) {
	vol := tools(t) + ":/tools:ro"
	got := strings.TrimSpace(mustSh(t, []string{"-u", "65534:65534", "-v", vol}, "/tools/suid/id -u"))
	if got != "65534" {
		t.Errorf("setuid-root id under no_new_privs: euid %s, want 65534", got)
	}
	// The control: the same binary without no_new_privs (--privileged)
	// does make 65534 root, so it is no_new_privs that stopped it above.
	// busybox (the v2 VM's only id) drops setuid for its id applet by
	// itself, so there the control cannot show anything.
	if p, _ := exec.LookPath("id"); isBusybox(p) {
		t.Log("id is busybox here, which drops setuid itself: no control run")
		return
	}
	got = strings.TrimSpace(mustSh(t, []string{"--privileged", "-u", "65534:65534", "-v", vol}, "/tools/suid/id -u"))
	if got != "0" {
		t.Errorf("setuid-root id without no_new_privs: euid %s, want 0 (is the temp dir's mount nosuid?)", got)
	}
}

// A disk's node may be made (docker allows mknod of anything, "b *:* m")
// but not opened: the devices cgroup answers EPERM before any driver is
// asked. Where there is no devices cgroup (v2), CAP_MKNOD is gone and
// mknod itself fails with EPERM.
func TestIntegrationDiskNodeRefused(t *testing.T) {
	vol := []string{"-v", tools(t) + ":/tools:ro"}
	r := sh(t, vol, "/tools/mknod /dev/sda b 8 0 && head -c1 /dev/sda")
	if r.Code == 0 || !strings.Contains(r.Stderr, "Operation not permitted") {
		t.Errorf("mknod+read of a disk: exit %d, stderr %q; want EPERM", r.Code, r.Stderr)
	}
	if security.DeviceCgroup() {
		// The node was made; only the read was refused. And an allowed
		// device made the same way opens fine.
		mustSh(t, vol, "/tools/mknod /dev/sda b 8 0 && ! head -c1 /dev/sda && /tools/mknod /dev/null2 c 1 3 && head -c1 /dev/null2")
	}
}

func readFile(t *testing.T, p string) string {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func isBusybox(path string) bool {
	real, err := filepath.EvalSymlinks(path)
	return err == nil && filepath.Base(real) == "busybox"
}
