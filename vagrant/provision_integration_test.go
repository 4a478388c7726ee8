//go:build integration

package vagrant

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dockling/dockling/internal/testenv"
)

// TestIntegrationProvisionLocal runs provision.sh --local on this host, as
// `vagrant provision` runs it in a VM minus the package and Go downloads:
// build, `make install` under a temporary prefix, doctor, preload, a first
// container. Everything runs inside a throwaway network namespace, so the
// machine's network is never touched and no registry can be reached: that
// is the offline classroom.
//
// First with a `dockling save` tarball in the images directory: it must be
// loaded (same image ID) and run. Then with an empty images directory: the
// busybox pull must fail fast on its own (not by the timeout) and the
// built-in hostbox must be there instead.
func TestIntegrationProvisionLocal(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Fatal("integration tests need root: run them with sudo (make test does)")
	}
	for _, tool := range []string{"make", "go", "nsenter", "timeout"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s is not in PATH: run make deps", tool)
		}
	}
	// env builds the binaries that make the saved image, in its own root.
	env, err := testenv.Setup()
	if err != nil {
		t.Fatal(err)
	}
	defer env.Close()
	if env.Netns, err = testenv.NewNetns(); err != nil {
		t.Fatal(err)
	}
	defer env.Netns.Close()

	tmp := t.TempDir()
	prefix := filepath.Join(tmp, "prefix")
	leakEnvs := []*testenv.Env{env, {Bin: tmp, Root: tmp}}
	var before []testenv.Snapshot
	for _, e := range leakEnvs {
		s, err := e.Take()
		if err != nil {
			t.Fatal(err)
		}
		before = append(before, s)
	}
	_, realRootErr := os.Stat("/var/lib/dockling")

	// The instructor's side: an image made on one machine, saved to a tar.
	images := filepath.Join(tmp, "images")
	if err := os.Mkdir(images, 0o755); err != nil {
		t.Fatal(err)
	}
	env.MustRun(t, "run", "--rm", "--network", "none", "hostbox", "true")
	env.MustRun(t, "tag", "hostbox", "classroom/box:v1")
	env.MustRun(t, "save", "-o", filepath.Join(images, "box.tar"), "classroom/box:v1")
	wantID := strings.TrimSpace(env.MustRun(t, "images", "--no-trunc", "-q", "classroom/box:v1").Stdout)

	provision := func(t *testing.T, root, images string) (string, time.Duration) {
		t.Helper()
		argv := env.Netns.Wrap("bash", "provision.sh", "--local", "--prefix", prefix, "--images", images,
			"--build-dir", filepath.Join(tmp, "build"), "--pull-timeout", "120")
		cmd := exec.Command(argv[0], argv[1:]...)
		cmd.Env = append(os.Environ(), "DOCKLING_ROOT="+root, "LANG=C")
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		start := time.Now()
		err := cmd.Run()
		took := time.Since(start)
		if err != nil {
			t.Fatalf("provision.sh --local: %v\n%s", err, out.String())
		}
		return out.String(), took
	}
	installed := func(t *testing.T, root string, args ...string) string {
		t.Helper()
		argv := env.Netns.Wrap(append([]string{filepath.Join(prefix, "bin", "dockling")}, args...)...)
		cmd := exec.Command(argv[0], argv[1:]...)
		cmd.Env = append(os.Environ(), "DOCKLING_ROOT="+root, "LANG=C")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("installed dockling %v: %v\n%s", args, err, out)
		}
		return string(out)
	}

	t.Run("saved image", func(t *testing.T) {
		root := filepath.Join(tmp, "root-saved")
		out, _ := provision(t, root, images)
		for _, want := range []string{"loading " + filepath.Join(images, "box.tar"), "dockling doctor", "ok    root", "ready: sudo dockling tour"} {
			if !strings.Contains(out, want) {
				t.Errorf("provision output lacks %q:\n%s", want, out)
			}
		}
		if strings.Contains(out, "unreachable") || strings.Contains(out, "pull") {
			t.Errorf("a registry was tried although a saved image was there:\n%s", out)
		}
		if got := strings.TrimSpace(installed(t, root, "images", "--no-trunc", "-q", "classroom/box:v1")); got != wantID {
			t.Errorf("classroom/box:v1 after provisioning: ID %q, want %q (the saved one)", got, wantID)
		}
		if info := installed(t, root, "run", "--rm", "--network", "none", "classroom/box:v1", "probe", "info"); !strings.Contains(info, "pid: 1") {
			t.Errorf("the loaded image does not run: %s", info)
		}
	})

	t.Run("offline", func(t *testing.T) {
		root := filepath.Join(tmp, "root-offline")
		empty := t.TempDir()
		out, took := provision(t, root, empty)
		if !strings.Contains(out, "unreachable") || !strings.Contains(out, "the built-in hostbox will do") {
			t.Errorf("offline provisioning did not report the failed pull and fall back:\n%s", out)
		}
		// 120 s is the pull timeout: finishing well before it means the
		// pull gave up by itself.
		if took > 60*time.Second {
			t.Errorf("offline provisioning took %v: the pull waited instead of failing", took)
		}
		t.Logf("offline provisioning (build cached, doctor, failed pull, hostbox, smoke test): %v", took)
		images := installed(t, root, "images", "--format", "{{.Repository}}:{{.Tag}}")
		if !strings.Contains(images, "hostbox:latest") || strings.Contains(images, "busybox") {
			t.Errorf("images after offline provisioning:\n%s", images)
		}
	})

	for i, e := range leakEnvs {
		if leaks := e.LeftSince(before[i]); len(leaks) > 0 {
			t.Errorf("left behind:\n  %s", strings.Join(leaks, "\n  "))
		}
	}
	if _, err := os.Stat("/var/lib/dockling"); realRootErr != nil && err == nil {
		t.Error("/var/lib/dockling was created: something ignored DOCKLING_ROOT")
	}
}
