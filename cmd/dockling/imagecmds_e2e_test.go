package main

import (
	"bytes"
	"io"
	"log"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/registry"
	"github.com/spf13/cobra"
)

// runImageCmd runs one command line through the image commands and
// returns stdout and the error main would print.
func runImageCmd(t *testing.T, args ...string) (string, error) {
	t.Helper()
	root := &cobra.Command{Use: "dockling", SilenceUsage: true, SilenceErrors: true}
	root.AddCommand(imageCommands()...)
	var out bytes.Buffer
	root.SetOut(&out)
	root.SetErr(io.Discard)
	root.SetArgs(args)
	err := root.Execute()
	return out.String(), err
}

// The everyday loop through the commands: tag and push hostbox to a local
// registry, pull it into an empty root, list, save, load elsewhere, rmi.
func TestImageCommandsEndToEnd(t *testing.T) {
	useRegistryHelper(t) // pull and push run the registry client
	srv := httptest.NewServer(registry.New(registry.Logger(log.New(io.Discard, "", 0))))
	defer srv.Close()
	host := strings.TrimPrefix(srv.URL, "http://")
	probe := filepath.Join(t.TempDir(), "probe")
	os.WriteFile(probe, []byte("#!/bin/sh\n"), 0o755)
	t.Setenv("DOCKLING_PROBE", probe)
	t.Setenv("DOCKLING_CONFIG", filepath.Join(t.TempDir(), "none.json"))
	t.Setenv("DOCKER_CONFIG", t.TempDir())
	ref := host + "/teach/box:1"

	t.Setenv("DOCKLING_ROOT", t.TempDir())
	mustRun(t, "tag", "hostbox", ref)
	if out := mustRun(t, "push", ref); !strings.Contains(out, ": Pushed") {
		t.Errorf("push output: %s", out)
	}

	t.Setenv("DOCKLING_ROOT", t.TempDir())
	if out := mustRun(t, "pull", ref); !strings.Contains(out, ": Pull complete") {
		t.Errorf("pull output: %s", out)
	}
	if out := mustRun(t, "pull", ref); !strings.Contains(out, ": Already exists") {
		t.Errorf("second pull output: %s", out)
	}
	id := strings.TrimSpace(mustRun(t, "images", "-q", "--no-trunc"))
	if !strings.HasPrefix(id, "sha256:") || strings.Contains(id, "\n") {
		t.Fatalf("images -q = %q, want one ID", id)
	}
	if out := mustRun(t, "images"); !strings.Contains(out, host+"/teach/box   1 ") || !strings.Contains(out, "IMAGE ID") {
		t.Errorf("images:\n%s", out)
	}
	tarPath := filepath.Join(t.TempDir(), "box.tar")
	mustRun(t, "save", "-o", tarPath, ref)

	t.Setenv("DOCKLING_ROOT", t.TempDir())
	if out := mustRun(t, "load", "-i", tarPath); !strings.Contains(out, "Loaded image: "+ref) {
		t.Errorf("load output: %s", out)
	}
	if got := strings.TrimSpace(mustRun(t, "image", "inspect", "-f", "{{.Id}}", ref)); got != id {
		t.Errorf("loaded image ID %s, want %s", got, id)
	}
	if out := mustRun(t, "rmi", id[7:19]); !strings.Contains(out, "Deleted: "+id) {
		t.Errorf("rmi output: %s", out)
	}
	if _, err := runImageCmd(t, "rmi", ref); err == nil || !strings.Contains(err.Error(), "not found locally") {
		t.Errorf("rmi of a removed image: %v", err)
	}
}

func mustRun(t *testing.T, args ...string) string {
	t.Helper()
	out, err := runImageCmd(t, args...)
	if err != nil {
		t.Fatalf("dockling %s: %v", strings.Join(args, " "), err)
	}
	return out
}
