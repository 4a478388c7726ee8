package image

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

func TestNormalizeRef(t *testing.T) {
	for in, want := range map[string]string{
		"hostbox":                "hostbox:latest",
		"hostbox:latest":         "hostbox:latest",
		"hostbox:1.0":            "hostbox:1.0",
		"library/alpine":         "alpine:latest",
		"docker.io/library/a:1":  "a:1",
		"docker.io/user/app":     "user/app:latest",
		"localhost:5000/x":       "localhost:5000/x:latest",
		"localhost:5000/x:v2":    "localhost:5000/x:v2",
		"alpine@sha256:abcd":     "alpine@sha256:abcd",
		"  hostbox ":             "hostbox:latest",
		"":                       "",
		"registry.example/a/b/c": "registry.example/a/b/c:latest",
	} {
		if got := NormalizeRef(in); got != want {
			t.Errorf("NormalizeRef(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestResolveUnknownImage(t *testing.T) {
	s := newTestStore(t)
	for _, name := range []string{"centos:7", "hostbox:2"} {
		_, err := s.Resolve(name)
		want := `image "` + name + `" not found locally; run "dockling pull ` + name + `" or use "hostbox"`
		if err == nil || err.Error() != want {
			t.Errorf("Resolve(%q) = %v, want %s", name, err, want)
		}
		var nf *NotFoundError
		if !errors.As(err, &nf) || nf.Name != name {
			t.Errorf("Resolve(%q): error is not a *NotFoundError: %v", name, err)
		}
	}
}

// The second Resolve finds the image in the index: same ID, nothing rebuilt.
func TestResolveTwiceBuildsOnce(t *testing.T) {
	s := newTestStore(t)
	first, err := s.Resolve("hostbox")
	if err != nil {
		t.Fatal(err)
	}
	blobsBefore, _ := os.ReadDir(s.blobDir())
	// Break the builder: if Resolve tried to build again, it would fail.
	t.Setenv("DOCKLING_PROBE", filepath.Join(t.TempDir(), "gone"))
	second, err := s.Resolve("hostbox:latest")
	if err != nil {
		t.Fatal(err)
	}
	if first.ID != second.ID || first.Layers[0] != second.Layers[0] {
		t.Errorf("first %s %v, second %s %v", first.ID, first.Layers, second.ID, second.Layers)
	}
	blobsAfter, _ := os.ReadDir(s.blobDir())
	if len(blobsAfter) != len(blobsBefore) {
		t.Errorf("blobs: %d before, %d after", len(blobsBefore), len(blobsAfter))
	}
	// Also by ID, as `docker run <image id>` allows.
	byID, err := s.Resolve(strings.TrimPrefix(first.ID, "sha256:")[:12])
	if err != nil || byID.ID != first.ID {
		t.Errorf("resolve by short ID: %v %v", byID, err)
	}
}

func TestResolveConcurrentGoroutines(t *testing.T) {
	s := newTestStore(t)
	const n = 6
	ids := make([]string, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			img, err := s.Resolve("hostbox")
			if err == nil {
				ids[i] = img.ID
			}
			errs[i] = err
		}()
	}
	wg.Wait()
	for i := range n {
		if errs[i] != nil || ids[i] != ids[0] {
			t.Errorf("goroutine %d: %s %v (first: %s)", i, ids[i], errs[i], ids[0])
		}
	}
	checkOneImage(t, s)
}

// Two dockling processes racing on an empty store: the flock makes one
// build and the other wait and then use the result.
func TestResolveFromTwoProcesses(t *testing.T) {
	s := newTestStore(t)
	var cmds []*exec.Cmd
	var outs []*strings.Builder
	for range 2 {
		cmd := exec.Command(os.Args[0])
		cmd.Env = append(os.Environ(), "DOCKLING_IMAGE_TEST_RESOLVE="+s.root)
		out := &strings.Builder{}
		cmd.Stdout, cmd.Stderr = out, out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		cmds, outs = append(cmds, cmd), append(outs, out)
	}
	for i, cmd := range cmds {
		if err := cmd.Wait(); err != nil {
			t.Fatalf("process %d: %v: %s", i, err, outs[i])
		}
	}
	if a, b := strings.TrimSpace(outs[0].String()), strings.TrimSpace(outs[1].String()); a != b || !strings.HasPrefix(a, "sha256:") {
		t.Errorf("processes resolved %q and %q", a, b)
	}
	checkOneImage(t, s)
}

// checkOneImage asserts the store holds exactly one image and one layer,
// and no temporary directories were left behind.
func checkOneImage(t *testing.T, s *Store) {
	t.Helper()
	imgs, err := s.List()
	if err != nil {
		t.Fatal(err)
	}
	if len(imgs) != 1 || imgs[0].Ref != HostboxRef {
		t.Errorf("List: %d images", len(imgs))
	}
	layers, _ := os.ReadDir(s.layersDir())
	if len(layers) != 1 {
		names := []string{}
		for _, l := range layers {
			names = append(names, l.Name())
		}
		t.Errorf("layers dir holds %v, want one layer", names)
	}
}

func TestOpenCreatesPrivateRoot(t *testing.T) {
	root := filepath.Join(t.TempDir(), "state")
	if _, err := Open(root); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(root)
	if err != nil || fi.Mode().Perm() != 0o700 {
		t.Fatalf("root: %v %v", fi, err)
	}
	for _, p := range []string{"images/oci-layout", "images/index.json", "images/blobs/sha256", "layers", "flat"} {
		if _, err := os.Stat(filepath.Join(root, p)); err != nil {
			t.Errorf("missing %s", p)
		}
	}
	// Opening again keeps what is there.
	s, err := Open(root)
	if err != nil {
		t.Fatal(err)
	}
	if imgs, err := s.List(); err != nil || len(imgs) != 0 {
		t.Errorf("List on empty store: %v %v", imgs, err)
	}
}
