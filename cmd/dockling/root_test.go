package main

import (
	"bytes"
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
