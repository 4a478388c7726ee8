//go:build integration

package installtest

import (
	"bytes"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dockling/dockling/internal/testenv"
)

// prefix is the PREFIX the test installs under (inside DESTDIR): the
// Makefile's default, so the test checks the layout a user gets.
const prefix = "/usr/local"

// TestIntegrationMakeInstall stages `make install` in a temporary DESTDIR
// and uses what it installed as a user would: the binary runs, starts a
// container with the dockling-init beside it and a hostbox whose probe came
// from libexec, renders a lesson with the dockling-lessons beside it, and
// man and bash find their pages and completions. Then `make uninstall`
// must leave no file behind.
func TestIntegrationMakeInstall(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Fatal("integration tests need root: run them with sudo (make test does)")
	}
	for _, tool := range []string{"make", "man", "strace", "script", "bash"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s is not installed: run make deps (.ci/deps.sh installs it)", tool)
		}
	}
	tmp := t.TempDir()
	destdir := filepath.Join(tmp, "stage")
	root := filepath.Join(tmp, "root") // DOCKLING_ROOT
	installed := filepath.Join(destdir, prefix)
	// BIN keeps the build out of the shared tree's bin/.
	makeVars := []string{"DESTDIR=" + destdir, "BIN=" + filepath.Join(tmp, "build")}

	leakEnv := &testenv.Env{Bin: installed, Root: root}
	before, err := leakEnv.Take()
	if err != nil {
		t.Fatal(err)
	}

	runMake(t, append([]string{"install"}, makeVars...)...)
	checkLayout(t, installed)

	dockling := filepath.Join(installed, "bin", "dockling")
	// A clean environment: PATH without the install, so nothing is found
	// by PATH lookup, and no DOCKLING_PROBE pointing elsewhere.
	env := []string{"PATH=/usr/sbin:/usr/bin:/sbin:/bin", "DOCKLING_ROOT=" + root, "LANG=C",
		"HOME=" + tmp, "XDG_STATE_HOME=" + filepath.Join(tmp, "state")}

	out := mustRun(t, env, dockling, "version")
	if !strings.Contains(out, "dockling") {
		t.Errorf("dockling version printed %q", out)
	}

	// The container start, traced: execve calls show which init ran, and
	// the first use of hostbox needs probe, which only libexec holds.
	trace := filepath.Join(tmp, "execve.trace")
	out = mustRun(t, env, "strace", "-f", "-qq", "-e", "trace=execve", "-e", "signal=none", "-o", trace,
		dockling, "run", "--rm", "--network", "none", "hostbox", "probe", "info")
	if !strings.Contains(out, "pid: 1") {
		t.Errorf("probe info in the container did not report PID 1:\n%s", out)
	}
	execs, err := os.ReadFile(trace)
	if err != nil {
		t.Fatal(err)
	}
	initPath := filepath.Join(installed, "bin", "dockling-init")
	if !bytes.Contains(execs, []byte(`execve("`+initPath+`"`)) {
		t.Errorf("the container was not started by %s; execve calls:\n%s", initPath, execs)
	}
	if images := mustRun(t, env, dockling, "images", "--format", "{{.Repository}}"); !strings.Contains(images, "hostbox") {
		t.Errorf("hostbox was not built from the installed probe; images:\n%s", images)
	}

	checkRenderer(t, env, dockling)
	checkManAndCompletion(t, installed)

	runMake(t, append([]string{"uninstall"}, makeVars...)...)
	var left []string
	_ = filepath.WalkDir(destdir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			left = append(left, p)
		}
		return nil
	})
	if len(left) > 0 {
		t.Errorf("make uninstall left files:\n  %s", strings.Join(left, "\n  "))
	}
	if _, err := os.Stat(filepath.Join(installed, "libexec", "dockling")); err == nil {
		t.Error("make uninstall left the empty libexec/dockling directory")
	}

	if leaks := leakEnv.LeftSince(before); len(leaks) > 0 {
		t.Errorf("left behind:\n  %s", strings.Join(leaks, "\n  "))
	}
}

// checkLayout: every file where the brief of `make install` says, with the
// right modes, and the man pages identical to the committed ones.
func checkLayout(t *testing.T, installed string) {
	t.Helper()
	for path, mode := range map[string]os.FileMode{
		"bin/dockling":                                  0o755,
		"bin/dockling-init":                             0o755,
		"bin/dockling-lessons":                          0o755,
		"libexec/dockling/probe":                        0o755,
		"libexec/dockling/dockling-registry":            0o755,
		"share/bash-completion/completions/dockling":    0o644,
		"share/zsh/site-functions/_dockling":            0o644,
		"share/fish/vendor_completions.d/dockling.fish": 0o644,
	} {
		fi, err := os.Stat(filepath.Join(installed, path))
		if err != nil {
			t.Errorf("not installed: %v", err)
			continue
		}
		if fi.Mode().Perm() != mode || fi.Size() == 0 {
			t.Errorf("%s: mode %v size %d, want %v and not empty", path, fi.Mode().Perm(), fi.Size(), mode)
		}
	}
	if _, err := os.Stat(filepath.Join(installed, "bin", "probe")); err == nil {
		t.Error("probe was installed in bin/: it belongs in libexec/dockling, out of users' PATH")
	}
	pages, _ := filepath.Glob(filepath.Join(repoRoot(t), "docs", "man", "*.1"))
	if len(pages) < 10 {
		t.Fatalf("only %d man pages in docs/man", len(pages))
	}
	for _, p := range pages {
		want, _ := os.ReadFile(p)
		got, err := os.ReadFile(filepath.Join(installed, "share", "man", "man1", filepath.Base(p)))
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("man page %s not installed as committed (%v)", filepath.Base(p), err)
		}
	}
}

// checkRenderer: on a terminal, `dockling lesson` hands the Markdown to
// dockling-lessons, which must be found beside the installed binary (PATH
// does not have it). Rendered output has colour escapes and no "# " heading.
func checkRenderer(t *testing.T, env []string, dockling string) {
	t.Helper()
	// script gives the command a pseudo-terminal; TERM makes it a colour one.
	out := mustRun(t, append(env, "TERM=xterm-256color"),
		"script", "-qec", dockling+" lesson 1 --no-pager", "/dev/null")
	if !strings.Contains(out, "\x1b[") || strings.Contains(out, "# Why containers") {
		t.Errorf("lesson 1 on a terminal was not rendered by dockling-lessons:\n%.400q", out)
	}
}

// checkManAndCompletion: man finds the pages under the installed
// share/man, and bash registers the completion function from the file.
func checkManAndCompletion(t *testing.T, installed string) {
	t.Helper()
	env := []string{"PATH=/usr/bin:/bin", "MANPAGER=cat", "MANWIDTH=80", "LANG=C"}
	man := mustRun(t, env, "man", "-M", filepath.Join(installed, "share", "man"), "1", "dockling-run")
	if !strings.Contains(man, "dockling-run - Create and start a container") {
		t.Errorf("man -M .../share/man dockling-run:\n%.600s", man)
	}
	page := filepath.Join(installed, "share", "man", "man1", "dockling-load.1")
	if man := mustRun(t, env, "man", "-l", page); !strings.Contains(man, "dockling-load - Load images") {
		t.Errorf("man -l %s:\n%.600s", page, man)
	}
	comp := filepath.Join(installed, "share", "bash-completion", "completions", "dockling")
	reg := mustRun(t, env, "bash", "-c", `source "$1" && complete -p dockling`, "bash", comp)
	if !strings.Contains(reg, "complete") || !strings.HasSuffix(strings.TrimSpace(reg), " dockling") {
		t.Errorf("bash did not register a completion for dockling from %s: %q", comp, reg)
	}
}

func runMake(t *testing.T, args ...string) {
	t.Helper()
	mustRun(t, os.Environ(), "make", append([]string{"-C", repoRoot(t)}, args...)...)
}

// mustRun runs name with env and returns stdout and stderr together.
func mustRun(t *testing.T, env []string, name string, args ...string) string {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Env = env
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return string(out)
}

// repoRoot is the module's root, where the Makefile is: two levels up from
// this package's directory, where go test runs the test.
func repoRoot(t *testing.T) string {
	t.Helper()
	dir, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "Makefile")); err != nil {
		t.Fatalf("no Makefile in %s: %v", dir, err)
	}
	return dir
}
