package sandbox

import (
	"strings"
	"testing"

	"github.com/dockling/dockling/sandbox/security"
)

// With a security spec the masks and the bounding set come right after
// pivot_root (inside the new root, after every other mount), in that order,
// and the capability sets and no_new_privs wait for ExecPlan.
func TestChildPlanSecurityOrder(t *testing.T) {
	c := &Config{Args: []string{"sh"}, Namespaces: AllNamespaces, PivotRoot: true, Rootfs: "/r"}
	plain := ChildPlan(c)
	spec, err := security.New(nil, nil, false)
	if err != nil {
		t.Fatal(err)
	}
	c.Security = spec
	secured := ChildPlan(c)
	extra := len(security.PathOps(spec)) + len(security.BoundingOp(spec))
	if len(secured) != len(plain)+extra {
		t.Fatalf("secured plan has %d ops, want %d + %d", len(secured), len(plain), extra)
	}
	for i := range plain {
		if secured[i].Call != plain[i].Call {
			t.Fatalf("op %d changed: %q, was %q", i, secured[i].Call, plain[i].Call)
		}
	}
	if last := plain[len(plain)-1].Call; last != `chdir("/")` {
		t.Errorf("plain plan ends with %q, want the chdir after pivot_root", last)
	}
	if got := secured[len(secured)-1].Call; !strings.Contains(got, "PR_CAPBSET_DROP") {
		t.Errorf("secured plan ends with %q, want the bounding set drop", got)
	}
	if ops := ExecPlan(c); len(ops) != 3 {
		t.Errorf("ExecPlan has %d ops, want capset, ambient clear, no_new_privs", len(ops))
	}
	c.User = &User{UID: 65534, GID: 65534}
	if ops := ExecPlan(c); !strings.Contains(ops[0].Call, "effective=permitted=0x0,") {
		t.Errorf("-u nobody: %s; want no capabilities", ops[0].Call)
	}
}
