//go:build integration

package remote

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/dockling/dockling/internal/testenv"
	"github.com/dockling/dockling/sandbox/image"
)

// The whole way a learner takes it: an image with a whiteout and an opaque
// directory is pushed to a registry, pulled through dockling into its
// store, and run at step 4, where the kernel's overlay applies them.
func TestIntegrationPulledImageRunsAtStep4(t *testing.T) {
	env := testenv.ForTest(t, false) // and fails it for anything left behind
	host := startRegistry(t)
	ref := host + "/test/img:v1"
	pushTestImage(t, openStore(t), ref)
	t.Setenv("DOCKLING_PROBE", env.Bin+"/probe")
	store, err := image.Open(env.Root)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Pull(store, ref, testOptions(nil)); err != nil {
		t.Fatal(err)
	}
	check := func(e *testenv.Env, how string) {
		r := e.MustRun(t, "step", "4", "-q", "--image", ref, "--",
			"sh", "-c", "test -e /etc/hostname && echo hostname-present || echo hostname-gone; ls /data")
		if !strings.Contains(r.Stdout, "hostname-gone") || strings.TrimSpace(r.Stdout[strings.Index(r.Stdout, "\n")+1:]) != "c" {
			t.Errorf("at step 4 the %s image shows:\n%s\nwant /etc/hostname deleted and /data holding only c", how, r.Stdout)
		}
	}
	check(env, "pulled")

	// The classroom's USB stick: save, load into an empty state root, run.
	archive := filepath.Join(t.TempDir(), "img.tar")
	env.MustRun(t, "save", "-o", archive, ref)
	other := *env
	other.Root = filepath.Join(t.TempDir(), "root")
	other.MustRun(t, "load", "-i", archive)
	check(&other, "saved and loaded")
}
