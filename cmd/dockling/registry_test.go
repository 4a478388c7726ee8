package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// useRegistryHelper builds the registry client into a temporary directory
// and puts it first in $PATH, where findRegistryHelper looks last (beside
// the test binary and in ../libexec there is none).
func useRegistryHelper(t *testing.T) {
	t.Helper()
	dir := t.TempDir()
	cmd := exec.Command("go", "build", "-o", filepath.Join(dir, registryHelper), "../dockling-registry")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("build %s: %v\n%s", registryHelper, err, out)
	}
	t.Setenv("PATH", dir+string(os.PathListSeparator)+os.Getenv("PATH"))
}

// The client's failure comes back as one error of dockling's own, printed
// once by main, not as "exit status 1" after the client printed it.
func TestRegistryErrorIsDocklings(t *testing.T) {
	useRegistryHelper(t)
	t.Setenv("DOCKLING_ROOT", t.TempDir())
	var out, errOut bytes.Buffer
	err := runRegistry(nil, &out, &errOut, "pull", "--platform", "plan9", "--", "alpine")
	if err == nil || !strings.Contains(err.Error(), `invalid --platform "plan9"`) {
		t.Fatalf("err = %v, want the client's own message", err)
	}
	if errOut.Len() > 0 || out.Len() > 0 {
		t.Errorf("the client printed stdout %q stderr %q; its error should come back only as the error", out.String(), errOut.String())
	}
	err = runRegistry(nil, &out, &errOut, "fetch")
	if err == nil || !strings.Contains(err.Error(), `unknown command "fetch"`) {
		t.Errorf("unknown command: %v", err)
	}
}

// Without the client anywhere, the error says how to get it.
func TestRegistryHelperMissing(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	err := runRegistry(nil, nil, nil, "pull", "--", "alpine")
	if err == nil || !strings.Contains(err.Error(), "make build") {
		t.Errorf("err = %v, want a hint to build it", err)
	}
}
