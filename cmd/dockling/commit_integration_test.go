//go:build integration

package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dockling/dockling/internal/testenv"
)

// The whole loop with the real binaries, as a learner types it: change a
// container, commit it, run the new image; export it, import the tar, run
// that. Then remove everything and prove nothing was left: no container,
// image, layer, mount, process or cgroup.
//
// The brief's example deleted /etc/hostname, but every container gets its
// own /etc/hostname bind-mounted over the image's (create_net.go), so rm
// fails with EBUSY and the next container has one again. /etc/os-release is
// an ordinary image file.
func TestIntegrationCommitExportImport(t *testing.T) {
	env := testenv.ForTest(t, true)
	run := func(args ...string) string { t.Helper(); return strings.TrimSpace(env.MustRun(t, args...).Stdout) }

	run("run", "--network", "none", "--name", "w", "hostbox", "sh", "-c", "echo hi > /root/new; rm /etc/os-release")
	id := run("commit", "w", "mine:v1")
	if !strings.HasPrefix(id, "sha256:") {
		t.Fatalf("commit printed %q", id)
	}
	check := "cat /root/new; test ! -e /etc/os-release && echo gone"
	if out := run("run", "--rm", "--network", "none", "mine:v1", "sh", "-c", check); out != "hi\ngone" {
		t.Errorf("run mine:v1: %q, want hi and gone", out)
	}
	// As docker does, the container's command is the new image's CMD.
	if out := run("image", "inspect", "-f", "{{json .Config.Cmd}}", "mine:v1"); !strings.HasPrefix(out, `["sh","-c","echo hi`) || !strings.HasSuffix(out, `rm /etc/os-release"]`) {
		t.Errorf("mine:v1's CMD: %s; want w's command", out)
	}
	// The layer holds the container's writes only (3 bytes of "hi\n" and a
	// whiteout), not the mount points of /etc/hosts, hostname, resolv.conf.
	if sizes := strings.Fields(run("history", "--format", "{{.Size}}", "mine:v1")); len(sizes) == 0 || sizes[0] != "3B" {
		t.Errorf("history sizes of mine:v1 %v; want the committed layer to be 3B", sizes)
	}
	if out := run("history", "mine:v1"); !strings.Contains(out, "dockling commit") {
		t.Errorf("history mine:v1:\n%s", out)
	}

	tarPath := filepath.Join(t.TempDir(), "x.tar")
	run("export", "w", "-o", tarPath)
	run("import", tarPath, "flat:v1")
	if out := run("run", "--rm", "--network", "none", "flat:v1", "sh", "-c", check); out != "hi\ngone" {
		t.Errorf("run flat:v1: %q, want hi and gone", out)
	}

	// A running container commits too: upper is read as it is now.
	run("run", "-d", "--network", "none", "--name", "live", "hostbox", "sh", "-c", "echo live > /root/live; exec sleep 1000")
	upper := filepath.Join(env.Root, "containers", run("inspect", "-f", "{{.Id}}", "live"), "upper")
	for end := time.Now().Add(5 * time.Second); time.Now().Before(end); time.Sleep(50 * time.Millisecond) {
		if b, _ := os.ReadFile(filepath.Join(upper, "root/live")); string(b) == "live\n" {
			break // the write reached the writable layer
		}
	}
	run("commit", "live", "live:v1")
	if out := run("run", "--rm", "--network", "none", "live:v1", "cat", "/root/live"); out != "live" {
		t.Errorf("commit of a running container: /root/live = %q", out)
	}

	run("rm", "-f", "w", "live")
	run("rmi", "mine:v1", "flat:v1", "live:v1", "hostbox")
	if imgs := run("images", "-q"); imgs != "" {
		t.Errorf("images left: %s", imgs)
	}
	if layers, _ := os.ReadDir(filepath.Join(env.Root, "layers")); len(layers) > 0 {
		t.Errorf("%d layer directories left after rmi of every image", len(layers))
	}
	if ids, _ := os.ReadDir(filepath.Join(env.Root, "containers")); len(ids) > 0 {
		for _, id := range ids {
			if id.IsDir() {
				t.Errorf("container record %s left", id.Name())
			}
		}
	}
}
