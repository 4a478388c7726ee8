//go:build integration

package steps_test

import (
	"crypto/sha256"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// treeHash fingerprints a directory: every path, mode, owner and content.
func treeHash(t *testing.T, root string) string {
	t.Helper()
	h := sha256.New()
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		st := fi.Sys().(*syscall.Stat_t)
		fmt.Fprintf(h, "%s %o %d %d %d\n", strings.TrimPrefix(p, root), fi.Mode(), st.Uid, st.Gid, fi.Size())
		switch {
		case fi.Mode()&fs.ModeSymlink != 0:
			target, _ := os.Readlink(p)
			io.WriteString(h, target)
		case fi.Mode().IsRegular():
			f, err := os.Open(p)
			if err != nil {
				return err
			}
			_, err = io.Copy(h, f)
			f.Close()
			return err
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("%x", h.Sum(nil))
}

func layerDirs(t *testing.T) []string {
	t.Helper()
	dirs, _ := filepath.Glob(filepath.Join(env.Root, "layers", "[0-9a-f]*"))
	if len(dirs) == 0 {
		t.Fatal("no layer directories in the store")
	}
	return dirs
}

// overlayOf returns the overlay mount options of a container's root.
func overlayOf(t *testing.T, pid int) string {
	t.Helper()
	mi, err := os.ReadFile(fmt.Sprintf("/proc/%d/mountinfo", pid))
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(mi), "\n") {
		f := strings.Fields(line)
		if len(f) > 4 && f[4] == "/" && strings.Contains(line, " - overlay ") {
			return f[len(f)-1]
		}
	}
	t.Fatalf("pid %d: / is not an overlay mount:\n%s", pid, mi)
	return ""
}

func option(opts, key string) string {
	for _, o := range strings.Split(opts, ",") {
		if v, ok := strings.CutPrefix(o, key+"="); ok {
			return v
		}
	}
	return ""
}

func TestIntegrationStep4WritesStayInUpperAndLayersAreShared(t *testing.T) {
	env.MustRun(t, "step", "2", "-q", "--", "true") // make sure hostbox exists
	before := map[string]string{}
	for _, d := range layerDirs(t) {
		before[d] = treeHash(t, d)
	}

	a := startStep(t, 4, "sh", "-c", "echo hello > /root/new-file; rm /etc/hostname; sleep 30")
	b := startStep(t, 4, "sleep", "30")
	optsA, optsB := overlayOf(t, a.pid), overlayOf(t, b.pid)
	if la, lb := option(optsA, "lowerdir"), option(optsB, "lowerdir"); la == "" || la != lb {
		t.Errorf("two containers of one image should share their lower layers: %q vs %q", la, lb)
	}
	upperA, upperB := option(optsA, "upperdir"), option(optsB, "upperdir")
	if upperA == upperB {
		t.Errorf("two containers share one upper dir %s", upperA)
	}

	// The write lands in A's upper dir, the delete as a whiteout there.
	newFile := filepath.Join(upperA, "root", "new-file")
	for end := time.Now().Add(10 * time.Second); time.Now().Before(end); time.Sleep(20 * time.Millisecond) {
		if _, err := os.Stat(newFile); err == nil {
			break
		}
	}
	if b, err := os.ReadFile(newFile); err != nil || string(b) != "hello\n" {
		t.Errorf("write inside: %s holds %q (%v), want hello", newFile, b, err)
	}
	var st syscall.Stat_t
	if err := syscall.Lstat(filepath.Join(upperA, "etc", "hostname"), &st); err != nil || st.Mode&syscall.S_IFMT != syscall.S_IFCHR || st.Rdev != 0 {
		t.Errorf("delete inside: want a 0/0 character device (whiteout) in upper, got mode %o rdev %d (%v)", st.Mode, st.Rdev, err)
	}
	if _, err := os.Stat(filepath.Join(upperB, "root", "new-file")); err == nil {
		t.Error("container B sees A's write in its own upper dir")
	}
	// End both, then the layers must be byte for byte as before.
	for _, r := range []*running{a, b} {
		_ = syscall.Kill(r.pid, syscall.SIGKILL)
		_ = r.cmd.Wait()
	}
	for d, h := range before {
		if now := treeHash(t, d); now != h {
			t.Errorf("layer %s changed during the run", d)
		}
	}
	if _, err := os.Stat(filepath.Dir(upperA)); !os.IsNotExist(err) {
		t.Errorf("the run's writable layer %s was not removed (%v)", filepath.Dir(upperA), err)
	}
}

func TestIntegrationStep4Script(t *testing.T) {
	script := env.MustRun(t, "step", "4", "--script", "--", "cat", "/proc/self/mountinfo").Stdout
	path := filepath.Join(t.TempDir(), "step4.sh")
	if err := os.WriteFile(path, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("bash", path).CombinedOutput()
	if err != nil {
		t.Fatalf("bash step4.sh: %v\n%s\n%s", err, out, script)
	}
	if !strings.Contains(string(out), " / / ") || !strings.Contains(string(out), " - overlay overlay ") {
		t.Errorf("the script's container root is not an overlay:\n%s", out)
	}
}
