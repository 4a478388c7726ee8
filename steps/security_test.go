package steps

import (
	"strings"
	"testing"

	"github.com/dockling/dockling/sandbox"
)

// The steps show one layer each; the secure defaults belong to `dockling
// run`. No step may set them, so no step's plan (and --explain, --script)
// changes because run got them.
func TestStepsLeaveSecurityToRun(t *testing.T) {
	for n := range All {
		c, err := Config(n, []string{"sh"})
		if err != nil {
			t.Fatal(err)
		}
		if c.Security != nil {
			t.Errorf("step %d sets Config.Security", n)
		}
		if ops := sandbox.ExecPlan(c); len(ops) != 0 {
			t.Errorf("step %d: ExecPlan has %d ops, want none", n, len(ops))
		}
		for _, op := range sandbox.ChildPlan(c) {
			if strings.Contains(op.Call, "PR_CAPBSET_DROP") || strings.Contains(op.Call, "/proc/kcore") {
				t.Errorf("step %d plan has a security op: %s", n, op.Call)
			}
		}
	}
}
