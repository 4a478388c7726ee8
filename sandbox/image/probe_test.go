package image

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestProbePathFromEnv(t *testing.T) {
	dir := t.TempDir()
	exe := filepath.Join(dir, "probe")
	mustWrite(t, exe, "x")
	if err := os.Chmod(exe, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("DOCKLING_PROBE", exe)
	if got, err := ProbePath(); err != nil || got != exe {
		t.Errorf("ProbePath() = %q, %v", got, err)
	}
	notExec := filepath.Join(dir, "plain")
	mustWrite(t, notExec, "x")
	t.Setenv("DOCKLING_PROBE", notExec)
	if _, err := ProbePath(); err == nil || !strings.Contains(err.Error(), "not executable") {
		t.Errorf("non-executable probe: %v", err)
	}
}

// Without $DOCKLING_PROBE, the test binary (in a go-build temp dir) has no
// probe beside it, so the error must say how to get one.
func TestProbePathMissing(t *testing.T) {
	t.Setenv("DOCKLING_PROBE", "")
	exe, _ := os.Executable()
	if _, err := os.Stat(filepath.Join(filepath.Dir(exe), "probe")); err == nil {
		t.Skip("a probe binary sits next to the test binary")
	}
	_, err := ProbePath()
	if err == nil || err.Error() != "probe helper not found next to dockling; run make build" {
		t.Errorf("got %v", err)
	}
}
