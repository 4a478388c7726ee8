package security

import (
	"fmt"
	"strings"
)

// capNames are the capabilities by number, as in linux/capability.h (up to
// kernel 5.9's CHECKPOINT_RESTORE, still the last in 6.18). The number is
// the bit in /proc/PID/status's CapEff and in capset(2)'s masks.
var capNames = []string{
	"CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID",
	"CAP_KILL", "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE",
	"CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_IPC_LOCK",
	"CAP_IPC_OWNER", "CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT", "CAP_SYS_PTRACE",
	"CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE", "CAP_SYS_RESOURCE",
	"CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE", "CAP_AUDIT_WRITE",
	"CAP_AUDIT_CONTROL", "CAP_SETFCAP", "CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN", "CAP_SYSLOG",
	"CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ", "CAP_PERFMON", "CAP_BPF",
	"CAP_CHECKPOINT_RESTORE",
}

// capNumber is capNames backwards.
var capNumber = func() map[string]int {
	m := make(map[string]int, len(capNames))
	for i, n := range capNames {
		m[n] = i
	}
	return m
}()

// AllCapabilities lists every capability dockling knows, by number.
func AllCapabilities() []string { return append([]string(nil), capNames...) }

// ParseCapabilities normalises names as docker accepts them: any case, with
// or without "CAP_" ("net_admin", "CAP_NET_ADMIN"), or ALL.
func ParseCapabilities(names []string) ([]string, error) {
	var out []string
	for _, n := range names {
		c := strings.ToUpper(strings.TrimSpace(n))
		if c == "ALL" {
			out = append(out, c)
			continue
		}
		if !strings.HasPrefix(c, "CAP_") {
			c = "CAP_" + c
		}
		if _, ok := capNumber[c]; !ok {
			return nil, fmt.Errorf("unknown capability %q: use a name from capabilities(7) such as NET_ADMIN or CAP_SYS_TIME, or ALL", n)
		}
		out = append(out, c)
	}
	return out, nil
}

// Mask is the bit mask of a capability list, as the kernel shows it in
// CapEff (docker's default set is 0x00000000a80425fb).
func Mask(caps []string) uint64 {
	var m uint64
	for _, c := range caps {
		if n, ok := capNumber[c]; ok {
			m |= 1 << uint(n)
		}
	}
	return m
}

// lower spells names the way setpriv(1) and capsh(1) take them: "chown".
func lower(caps []string) []string {
	out := make([]string, len(caps))
	for i, c := range caps {
		out[i] = strings.ToLower(strings.TrimPrefix(c, "CAP_"))
	}
	return out
}
