//go:build integration

package image

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// The proof that hostbox is a working root filesystem: chroot into its flat
// copy with the host's own chroot(8) and run the image's shell and tools,
// which can only start if their interpreter and libraries were all copied.
func TestIntegrationHostboxRunsInChroot(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("chroot needs root")
	}
	s := newTestStore(t)
	img, err := s.Resolve("hostbox")
	if err != nil {
		t.Fatal(err)
	}
	flat, err := s.FlatRootfs(img)
	if err != nil {
		t.Fatal(err)
	}
	script := "ls / && cat /etc/os-release && id -un && echo ok | tr a-z A-Z && /bin/probe"
	if _, ok := findHostTool("bash"); ok {
		script += ` && bash -c 'echo bash:$((6*7))'`
	}
	out, err := exec.Command("chroot", flat, "/bin/sh", "-c", script).CombinedOutput()
	if err != nil {
		t.Fatalf("chroot %s: %v\n%s", flat, err, out)
	}
	for _, want := range []string{"proc", "tmp", `NAME="hostbox"`, "root", "OK", "probe"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if _, ok := findHostTool("bash"); ok && !strings.Contains(string(out), "bash:42") {
		t.Errorf("bash did not run:\n%s", out)
	}
}
