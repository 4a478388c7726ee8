package main

import (
	"bytes"
	"os"
	"strings"
	"testing"
)

// Bad flags are refused before anything is measured: one line naming the
// flag and what to give instead, and no container or VM started (the state
// root stays empty).
func TestCompareRefusesBadFlags(t *testing.T) {
	root := t.TempDir()
	t.Setenv("DOCKLING_ROOT", root)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--runs", "0"}, "--runs 0: give at least 1"},
		{[]string{"--vm-runs", "-1"}, "--vm-runs -1: give at least 1"},
		{[]string{"--accel", "hvf"}, `unknown --accel "hvf": use kvm (hardware), tcg (emulation) or auto`},
		{[]string{"--vm-memory", "lots"}, `--vm-memory: invalid memory "lots"`},
		{[]string{"--vm-memory", "16m"}, "--vm-memory 16 MiB is too little to boot Linux; give at least 64m"},
		{[]string{"extra"}, `unknown command "extra"`},
	} {
		cmd := newRootCmd()
		var out bytes.Buffer
		cmd.SetOut(&out)
		cmd.SetErr(&out)
		cmd.SetArgs(append([]string{"compare"}, c.args...))
		err := cmd.Execute()
		if err == nil || !strings.Contains(err.Error(), c.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("compare %v: error %v, want one line with %q", c.args, err, c.want)
		}
		if strings.Contains(out.String(), "| start |") {
			t.Errorf("compare %v measured despite the bad flag:\n%s", c.args, out.String())
		}
	}
	if entries, _ := os.ReadDir(root); len(entries) > 0 {
		t.Errorf("refused runs left %d entries in the state root", len(entries))
	}
}
