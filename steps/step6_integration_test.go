//go:build integration

package steps_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestIntegrationStep6VolumesOutliveTheStep(t *testing.T) {
	host := t.TempDir()
	if err := os.WriteFile(filepath.Join(host, "from-host"), []byte("hi\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out := inThrowawayNetns(t, `
dockling step 6 -q -v notes6:/notes -v `+host+`:/h -- sh -c 'echo kept > /notes/f; echo back > /h/from-step'
echo "second run: $(dockling step 6 -q -v notes6:/notes -- cat /notes/f)"
echo "read-only: $(dockling step 6 -q -v `+host+`:/h:ro -- sh -c 'cat /h/from-host; touch /h/x 2>&1 || true')"
dockling volume rm notes6
`+afterChecks)
	for _, want := range []string{"second run: kept", "read-only: hi", "Read-only file system"} {
		if !strings.Contains(out, want) {
			t.Errorf("want %q in:\n%s", want, out)
		}
	}
	if b, _ := os.ReadFile(filepath.Join(host, "from-step")); string(b) != "back\n" {
		t.Errorf("a write through the bind mount did not reach the host: %q", b)
	}
	if _, err := os.Stat(filepath.Join(host, "x")); err == nil {
		t.Error("a write through a :ro mount reached the host")
	}
	checkClean(t, out)
}
