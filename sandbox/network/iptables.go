package network

import (
	"bytes"
	"errors"
	"fmt"
	"os/exec"
	"strings"

	"github.com/dockling/dockling/sandbox/explain"
)

// Rule is one iptables rule, kept as data so it can be shown, saved in an
// Attachment, checked (-C), added (-A or -I) and deleted (-D) by the very
// same words. iptables has no stable library API, so dockling runs the
// command; on Debian 12 it is iptables-nft, which turns each rule into
// nf_tables objects in the kernel.
type Rule struct {
	Table string   `json:"table"` // "nat" or "filter"
	Chain string   `json:"chain"`
	Args  []string `json:"args"` // the match and target, e.g. -s 10.77.0.0/16 -j MASQUERADE
	// First puts the rule at the top of its chain (-I) instead of the end
	// (-A), ahead of whatever a distribution's firewall already put there.
	First bool `json:"first,omitempty"`
}

// argv is the rule as iptables arguments for action -C, -A, -I or -D.
func (r Rule) argv(action string) []string {
	return append([]string{"-t", r.Table, action, r.Chain}, r.Args...)
}

// addAction is -I for rules that go first, -A for the rest.
func (r Rule) addAction() string {
	if r.First {
		return "-I"
	}
	return "-A"
}

// String is the rule as `iptables -S` would list it (roughly; iptables
// adds implied matches such as -m tcp).
func (r Rule) String() string {
	return "-t " + r.Table + " " + explain.QuoteArgs(append([]string{r.addAction(), r.Chain}, r.Args...))
}

// iptables runs the iptables command at path.
type iptables struct{ path string }

// run executes one iptables command. -w waits for the xtables lock that
// the legacy backend uses instead of failing when another program holds it.
func (ipt iptables) run(args ...string) (exitCode int, err error) {
	cmd := exec.Command(ipt.path, append([]string{"-w"}, args...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err = cmd.Run()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return exit.ExitCode(), fmt.Errorf("iptables %s: %s", strings.Join(args, " "), strings.TrimSpace(stderr.String()))
	}
	if err != nil {
		return -1, fmt.Errorf("run iptables: %w", err)
	}
	return 0, nil
}

// exists asks iptables -C. Exit status 1 means "no such rule"; anything
// else that is not 0 is a real failure (bad syntax, no permission).
func (ipt iptables) exists(r Rule) (bool, error) {
	code, err := ipt.run(r.argv("-C")...)
	switch code {
	case 0:
		return true, nil
	case 1:
		return false, nil
	}
	return false, err
}

// ensure adds r unless it is already there, so setup can run twice.
func (ipt iptables) ensure(r Rule) error {
	ok, err := ipt.exists(r)
	if err != nil || ok {
		return err
	}
	_, err = ipt.run(r.argv(r.addAction())...)
	return err
}

// remove deletes r if it is there, so teardown can run twice.
func (ipt iptables) remove(r Rule) error {
	ok, err := ipt.exists(r)
	if err != nil || !ok {
		return err
	}
	_, err = ipt.run(r.argv("-D")...)
	return err
}

// ensureRuleOp adds one rule, under the network lock: -C then -A is two
// commands, and two processes between them would both add the rule.
func ensureRuleOp(cfg Config, r Rule, why string) explain.Op {
	ipt := iptables{cfg.Iptables}
	check := "iptables " + explain.QuoteArgs(r.argv("-C"))
	add := "iptables " + explain.QuoteArgs(r.argv(r.addAction()))
	return explain.Op{
		Call:  fmt.Sprintf("nf_tables via iptables: %s %s/%s unless present: %s", verb(r), r.Table, r.Chain, explain.QuoteArgs(r.Args)),
		Shell: check + " 2>/dev/null || " + add,
		Why:   why,
		Do:    func() error { return withLock(cfg, func() error { return ipt.ensure(r) }) },
	}
}

// addRuleOp adds a rule that cannot be there yet: a container's own port
// rules carry its id in a comment. Skipping the -C check halves the
// iptables runs on the path that starts a container.
func addRuleOp(cfg Config, r Rule, why string) explain.Op {
	ipt := iptables{cfg.Iptables}
	return explain.Op{
		Call:  fmt.Sprintf("nf_tables via iptables: %s %s/%s: %s", verb(r), r.Table, r.Chain, explain.QuoteArgs(r.Args)),
		Shell: "iptables " + explain.QuoteArgs(r.argv(r.addAction())),
		Why:   why,
		Do: func() error {
			_, err := ipt.run(r.argv(r.addAction())...)
			return err
		},
	}
}

// removeRuleOp deletes one rule if it is there.
func removeRuleOp(cfg Config, r Rule) explain.Op {
	ipt := iptables{cfg.Iptables}
	return explain.Op{
		Call:  fmt.Sprintf("nf_tables via iptables: delete from %s/%s: %s", r.Table, r.Chain, explain.QuoteArgs(r.Args)),
		Shell: "iptables " + explain.QuoteArgs(r.argv("-D")),
		Why:   "remove exactly the rule this container added",
		Do: func() error {
			if cfg.Iptables == "" {
				return fmt.Errorf("iptables is not installed, so rule %s cannot be removed; install iptables and remove the container again", r)
			}
			return withLock(cfg, func() error { return ipt.remove(r) })
		},
	}
}

func verb(r Rule) string {
	if r.First {
		return "insert first in"
	}
	return "append to"
}
