package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/dockling/dockling/sandbox"
	"github.com/dockling/dockling/sandbox/container"
)

func TestSplitCpArg(t *testing.T) {
	for arg, want := range map[string][2]string{
		"web:/etc/hostname": {"web", "/etc/hostname"},
		"web:etc":           {"web", "etc"},
		"web:":              {"web", ""},
		"file.txt":          {"", "file.txt"},
		"-":                 {"", "-"},
		"/abs/a:b":          {"", "/abs/a:b"}, // absolute: local, colon or not
		"./a:b":             {"", "./a:b"},    // the way to name a local a:b
	} {
		ref, p := splitCpArg(arg)
		if ref != want[0] || p != want[1] {
			t.Errorf("splitCpArg(%q) = %q, %q; want %q, %q", arg, ref, p, want[0], want[1])
		}
	}
}

func TestCpPaths(t *testing.T) {
	wd, _ := os.Getwd()
	for in, want := range map[string]string{
		"out":   filepath.Join(wd, "out"),
		"dir/":  filepath.Join(wd, "dir") + "/",
		"dir/.": filepath.Join(wd, "dir") + "/.",
		".":     wd + "/.",
		"/":     "/",
	} {
		if got, _ := hostPath(in); got != want {
			t.Errorf("hostPath(%q) = %q, want %q", in, got, want)
		}
	}
	c := &container.Container{Config: sandbox.Config{Cwd: "/srv"}}
	for in, want := range map[string]string{
		"/etc/x": "/etc/x", "x": "/srv/x", "": "/srv/", ".": "/srv/.", "d/": "/srv/d/", "../etc": "/etc",
	} {
		if got := containerPath(c, in); got != want {
			t.Errorf("containerPath(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestCpRefusesTwoLocalOrTwoContainerPaths(t *testing.T) {
	for _, args := range [][2]string{{"a", "b"}, {"web:/a", "db:/b"}} {
		err := runCp(newCpCmd(), args[0], args[1], container.CopyOptions{})
		if err == nil {
			t.Errorf("cp %s %s: no error", args[0], args[1])
		}
	}
}
