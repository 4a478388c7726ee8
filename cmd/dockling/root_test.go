package main

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"
)

// A command group fails on a subcommand it does not have, instead of
// printing its help and exiting 0 as cobra does below the root.
func TestGroupsRejectUnknownSubcommands(t *testing.T) {
	for _, args := range [][]string{{"system", "df"}, {"container", "ls"}, {"volume", "nosuch"}, {"image", "prune"}} {
		root := newRootCmd()
		var out bytes.Buffer
		root.SetOut(&out)
		root.SetErr(&out)
		root.SetArgs(args)
		err := root.Execute()
		if err == nil || !strings.Contains(err.Error(), `unknown command "`+args[1]+`"`) {
			t.Errorf("dockling %s: err %v, want an unknown-command error", strings.Join(args, " "), err)
		}
	}
	root := newRootCmd()
	var out bytes.Buffer
	root.SetOut(&out)
	root.SetArgs([]string{"system"})
	if err := root.Execute(); err != nil || !strings.Contains(out.String(), "reset") {
		t.Errorf("dockling system alone: err %v, want its help listing reset:\n%s", err, out.String())
	}
}

// Every error of a command that failed for several arguments gets a line
// of its own, each saying it comes from dockling.
func TestPrintErrorOneLineEach(t *testing.T) {
	var b strings.Builder
	err := errors.Join(errors.New("no such container: a"), nil, fmt.Errorf("stop b: %w", errors.New("busy")))
	printError(&b, err)
	if want := "dockling: no such container: a\ndockling: stop b: busy\n"; b.String() != want {
		t.Errorf("printError wrote %q, want %q", b.String(), want)
	}
}
