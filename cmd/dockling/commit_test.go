package main

import (
	"archive/tar"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dockling/dockling/sandbox"
	"github.com/dockling/dockling/sandbox/container"
)

// fakeContainer records a container of hostbox whose writable layer holds
// one new file, as if it had run `echo hi > /root/new`. No root needed:
// nothing runs, commit and export only read the record and the layers.
func fakeContainer(t *testing.T, name string) *container.Container {
	t.Helper()
	probe := filepath.Join(t.TempDir(), "probe")
	os.WriteFile(probe, []byte("#!/bin/sh\n"), 0o755)
	t.Setenv("DOCKLING_PROBE", probe)
	t.Setenv("DOCKLING_ROOT", t.TempDir())
	images, err := openImageStore()
	if err != nil {
		t.Fatal(err)
	}
	img, err := images.Resolve("hostbox")
	if err != nil {
		t.Fatal(err)
	}
	cs, err := container.Open(sandbox.Root())
	if err != nil {
		t.Fatal(err)
	}
	c := &container.Container{Name: name, Image: "hostbox", ImageID: img.ID}
	if err := cs.Create(c); err != nil {
		t.Fatal(err)
	}
	cs.Prepare(c, img.Layers)
	if err := cs.Save(c); err != nil {
		t.Fatal(err)
	}
	upper := c.Config.Overlay.Upper
	if err := os.MkdirAll(filepath.Join(upper, "root"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(upper, "root/new"), []byte("hi\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return c
}

func TestCommitExportImportCommands(t *testing.T) {
	fakeContainer(t, "w")
	id := strings.TrimSpace(mustRun(t, "commit", "-m", "said hi", "w", "mine:v1"))
	if !strings.HasPrefix(id, "sha256:") || len(id) != 71 {
		t.Fatalf("commit printed %q, want an image ID", id)
	}
	if out := mustRun(t, "history", "mine:v1"); !strings.Contains(out, "dockling commit") || !strings.Contains(out, "said hi") {
		t.Errorf("history:\n%s", out)
	}

	tarPath := filepath.Join(t.TempDir(), "x.tar")
	mustRun(t, "export", "w", "-o", tarPath)
	f, err := os.Open(tarPath)
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{}
	tr := tar.NewReader(f)
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		names[hdr.Name] = true
	}
	f.Close()
	if !names["root/new"] || !names["etc/passwd"] {
		t.Errorf("export lacks root/new or etc/passwd: %d entries", len(names))
	}

	flatID := strings.TrimSpace(mustRun(t, "import", tarPath, "flat:v1"))
	if !strings.HasPrefix(flatID, "sha256:") {
		t.Fatalf("import printed %q", flatID)
	}
	out := mustRun(t, "images", "--format", "{{.Repository}}:{{.Tag}}")
	for _, ref := range []string{"mine:v1", "flat:v1", "hostbox:latest"} {
		if !strings.Contains(out, ref) {
			t.Errorf("images lacks %s:\n%s", ref, out)
		}
	}
	if got := strings.TrimSpace(mustRun(t, "image", "inspect", "-f", "{{len .RootFS.Layers}}", "flat:v1")); got != "1" {
		t.Errorf("flat:v1 has %s layers, want 1", got)
	}
}

func TestCommitExportErrors(t *testing.T) {
	fakeContainer(t, "w")
	for _, args := range [][]string{
		{"commit", "nosuch"},
		{"export", "nosuch", "-o", filepath.Join(t.TempDir(), "x.tar")},
	} {
		if _, err := runImageCmd(t, args...); err == nil || !strings.Contains(err.Error(), "no such container: nosuch") {
			t.Errorf("%v: %v", args, err)
		}
	}
	if _, err := runImageCmd(t, "import", filepath.Join(t.TempDir(), "missing.tar")); err == nil {
		t.Error("import of a missing file succeeded")
	}
	if _, err := runImageCmd(t, "commit", "w", "Bad:Name"); err == nil || !strings.Contains(err.Error(), "lowercase") {
		t.Errorf("commit to a bad name: %v", err)
	}
}
