package network

import (
	"fmt"
	"os"
	"strings"

	"github.com/dockling/dockling/sandbox/explain"
)

// sysctlOp writes a kernel setting under /proc/sys/net. Those files belong
// to the network namespace of whoever opens them, so in the tests' throwaway
// namespace they change that namespace only, never the machine's.
func sysctlOp(key, value, why string) explain.Op {
	path := "/proc/sys/" + strings.ReplaceAll(key, ".", "/")
	return explain.Op{
		Call:  fmt.Sprintf("write(%q, %q)", path, value),
		Shell: fmt.Sprintf("sysctl -qw %s=%s", key, value),
		Why:   why,
		Do: func() error {
			if cur, err := os.ReadFile(path); err == nil && strings.TrimSpace(string(cur)) == value {
				return nil // already set: no write, no needless change event
			}
			if err := os.WriteFile(path, []byte(value), 0o644); err != nil {
				return fmt.Errorf("set %s=%s: %w", key, value, err)
			}
			return nil
		},
	}
}
