package security

import (
	"slices"
	"strings"
	"testing"
)

func TestDefaultMaskIsDockers(t *testing.T) {
	// What `grep CapEff /proc/self/status` prints in a docker container.
	if got := Mask(DefaultCapabilities); got != 0xa80425fb {
		t.Errorf("Mask(DefaultCapabilities) = %#x, want 0xa80425fb", got)
	}
	if n := len(capNames); n != 41 {
		t.Errorf("%d capabilities in the table, want 41 (0..CAP_CHECKPOINT_RESTORE)", n)
	}
}

func TestParseCapabilities(t *testing.T) {
	got, err := ParseCapabilities([]string{"net_admin", "CAP_SYS_TIME", "Sys_Admin", "all", " kill "})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"CAP_NET_ADMIN", "CAP_SYS_TIME", "CAP_SYS_ADMIN", "ALL", "CAP_KILL"}
	if !slices.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
	for _, bad := range []string{"NET_ADMINN", "CAP_", "", "CAP_ALL"} {
		_, err := ParseCapabilities([]string{bad})
		if err == nil || !strings.Contains(err.Error(), "NET_ADMIN or CAP_SYS_TIME") {
			t.Errorf("ParseCapabilities(%q) error = %v; want one naming valid spellings", bad, err)
		}
	}
}

func TestBuildCapabilities(t *testing.T) {
	mask := func(add, drop []string, priv, devices bool) uint64 {
		t.Helper()
		s, err := build(add, drop, priv, devices)
		if err != nil {
			t.Fatal(err)
		}
		return Mask(s.Capabilities)
	}
	all := Mask(AllCapabilities())
	for _, c := range []struct {
		name       string
		add, drop  []string
		priv, devs bool
		want       uint64
	}{
		{"default", nil, nil, false, true, 0xa80425fb},
		{"v2: no devices cgroup, no MKNOD", nil, nil, false, false, 0xa80425fb &^ (1 << 27)},
		{"v2 with --cap-add MKNOD", []string{"MKNOD"}, nil, false, false, 0xa80425fb},
		{"drop ALL", nil, []string{"ALL"}, false, true, 0},
		{"drop ALL, add back CHOWN", []string{"chown"}, []string{"all"}, false, true, 1},
		{"add SYS_ADMIN", []string{"SYS_ADMIN"}, nil, false, true, 0xa80425fb | 1<<21},
		{"drop NET_RAW", nil, []string{"CAP_NET_RAW"}, false, true, 0xa80425fb &^ (1 << 13)},
		{"add ALL but SYS_ADMIN", []string{"ALL"}, []string{"SYS_ADMIN"}, false, true, all &^ (1 << 21)},
		{"add twice", []string{"KILL", "kill"}, nil, false, true, 0xa80425fb},
		{"privileged ignores drop", nil, []string{"ALL"}, true, true, all},
	} {
		if got := mask(c.add, c.drop, c.priv, c.devs); got != c.want {
			t.Errorf("%s: mask %#x, want %#x", c.name, got, c.want)
		}
	}
	if _, err := build([]string{"FLY"}, nil, false, true); err == nil || !strings.HasPrefix(err.Error(), "--cap-add: ") {
		t.Errorf("bad --cap-add: error %v", err)
	}
}

func TestBuildDefaultsAndPrivileged(t *testing.T) {
	s, _ := build(nil, nil, false, true)
	if !s.NoNewPrivs || len(s.MaskedPaths) != 11 || len(s.ReadonlyPaths) != 5 || !slices.Equal(s.Devices, DefaultDevices) {
		t.Errorf("default spec = %+v", s)
	}
	if s, _ := build(nil, nil, false, false); s.Devices != nil {
		t.Errorf("no devices cgroup: Devices = %v, want nil (no devices hierarchy)", s.Devices)
	}
	p, _ := build(nil, nil, true, true)
	if p.NoNewPrivs || p.MaskedPaths != nil || p.ReadonlyPaths != nil || p.Devices != nil {
		t.Errorf("privileged spec = %+v, want nothing masked, no nnp, every device", p)
	}
	if PathOps(p) != nil || BoundingOp(p) != nil || CapsOps(p, false) != nil {
		t.Error("privileged: want no security ops")
	}
	if PathOps(nil) != nil || BoundingOp(nil) != nil || CapsOps(nil, false) != nil {
		t.Error("no spec (the steps): want no security ops")
	}
}

func TestPathOpsPlan(t *testing.T) {
	s, _ := build(nil, nil, false, true)
	var shells []string
	for _, op := range PathOps(s) {
		if op.Do == nil {
			t.Errorf("op %q does nothing", op.Call)
		}
		shells = append(shells, op.Shell)
	}
	for _, want := range []string{
		"mount --bind /dev/null /proc/kcore",
		"mount -t tmpfs -o ro tmpfs /proc/acpi",
		"mount -t tmpfs -o ro tmpfs /sys/firmware",
		"mount --rbind /proc/sys /proc/sys",
		"mount -o remount,bind,ro,nosuid,nodev,noexec /proc/sys",
		"mount -o remount,bind,ro,nosuid,nodev,noexec /proc/sysrq-trigger",
	} {
		if !slices.Contains(shells, want) {
			t.Errorf("plan lacks %q; have:\n%s", want, strings.Join(shells, "\n"))
		}
	}
	// 11 masks, then 5 read-only paths of two ops each; masks first.
	if len(shells) != 21 || !strings.HasPrefix(shells[0], "mount -t tmpfs") || !strings.HasPrefix(shells[11], "mount --rbind") {
		t.Errorf("plan order/length wrong: %q", shells)
	}
}

func TestCapsOpsPlan(t *testing.T) {
	s, _ := build(nil, nil, false, true)
	root := CapsOps(s, false)
	if len(root) != 3 || !strings.Contains(root[0].Call, "effective=permitted=0xa80425fb") ||
		!strings.Contains(root[2].Call, "PR_SET_NO_NEW_PRIVS") {
		t.Errorf("root plan: %+v", root)
	}
	user := CapsOps(s, true)
	if !strings.Contains(user[0].Call, "effective=permitted=0x0,") {
		t.Errorf("non-root user must get no capabilities: %s", user[0].Call)
	}
	b := BoundingOp(s)
	if len(b) != 1 || !strings.Contains(b[0].Shell, "-all,+chown,+dac_override,+fowner,+fsetid,+kill,") {
		t.Errorf("bounding op: %+v", b)
	}
}
