package cgroups

import (
	"fmt"
	"runtime"
	"strings"
	"testing"
)

func TestParseMemory(t *testing.T) {
	good := map[string]int64{
		"1024": 1024, "100b": 100, "512k": 512 << 10, "32m": 32 << 20, "1g": 1 << 30,
		"64M": 64 << 20, "64mb": 64 << 20, "1.5g": 3 << 29, " 8m ": 8 << 20,
	}
	for in, want := range good {
		got, err := ParseMemory(in)
		if err != nil || got != want {
			t.Errorf("ParseMemory(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"12q", "", "m", "-5m", "abc", "1e400", "NaN"} {
		_, err := ParseMemory(in)
		want := fmt.Sprintf("invalid memory %q: use a number with an optional unit b, k, m or g (e.g. 64m)", in)
		if err == nil || err.Error() != want {
			t.Errorf("ParseMemory(%q) error = %v; want %q", in, err, want)
		}
	}
}

func TestParseCPUs(t *testing.T) {
	for in, want := range map[string]float64{"0.5": 0.5, "1": 1, "0.01": 0.01} {
		got, err := ParseCPUs(in)
		if err != nil || got != want {
			t.Errorf("ParseCPUs(%q) = %g, %v; want %g", in, got, err, want)
		}
	}
	_, err := ParseCPUs("0")
	if err == nil || err.Error() != `invalid --cpus "0": must be greater than 0 (e.g. 0.5)` {
		t.Errorf("ParseCPUs(0) error = %v", err)
	}
	if _, err := ParseCPUs("-1"); err == nil || !strings.Contains(err.Error(), "greater than 0") {
		t.Errorf("ParseCPUs(-1) error = %v", err)
	}
	tooMany := fmt.Sprint(runtime.NumCPU() + 1)
	_, err = ParseCPUs(tooMany)
	if err == nil || !strings.Contains(err.Error(), fmt.Sprintf("this machine has %d CPUs", runtime.NumCPU())) {
		t.Errorf("ParseCPUs(%s) error = %v; want it to name the CPU count", tooMany, err)
	}
	for _, in := range []string{"half", "0.001", ""} {
		if _, err := ParseCPUs(in); err == nil {
			t.Errorf("ParseCPUs(%q) accepted", in)
		}
	}
}

func TestLimitsValidate(t *testing.T) {
	err := Limits{Memory: 4 << 20}.validate()
	if err == nil || err.Error() != "memory limit 4 MiB is too low: the minimum is 6 MiB" {
		t.Errorf("4 MiB: %v", err)
	}
	if err := (Limits{Memory: 6 << 20}).validate(); err != nil {
		t.Errorf("6 MiB refused: %v", err)
	}
	bad := []Limits{
		{Memory: 64 << 20, MemorySwap: 32 << 20}, // swap total below memory
		{MemorySwap: 64 << 20},                   // swap without memory
		{MemorySwap: -2},
		{CPUs: -1},
		{CPUs: float64(runtime.NumCPU() + 1)},
		{CPUShares: 1},
		{PidsLimit: -3},
	}
	for _, l := range bad {
		if err := l.validate(); err == nil {
			t.Errorf("%+v accepted", l)
		}
	}
}

func TestSwapTotal(t *testing.T) {
	cases := []struct {
		l     Limits
		total int64
		set   bool
	}{
		{Limits{}, 0, false},
		{Limits{Memory: 64 << 20}, 128 << 20, true}, // docker's default: twice the memory
		{Limits{Memory: 64 << 20, MemorySwap: 100 << 20}, 100 << 20, true},
		{Limits{Memory: 64 << 20, MemorySwap: -1}, -1, true},
	}
	for _, c := range cases {
		total, set := c.l.swapTotal()
		if total != c.total || set != c.set {
			t.Errorf("%+v: swapTotal = %d, %v; want %d, %v", c.l, total, set, c.total, c.set)
		}
	}
}

func TestSharesToWeight(t *testing.T) {
	// The ends of both ranges must meet, and the defaults nearly so.
	for shares, want := range map[int64]int64{2: 1, 1024: 39, 262144: 10000} {
		if got := sharesToWeight(shares); got != want {
			t.Errorf("sharesToWeight(%d) = %d; want %d", shares, got, want)
		}
	}
}

func TestHumanBytes(t *testing.T) {
	for n, want := range map[int64]string{4 << 20: "4 MiB", 2 << 30: "2 GiB", 3 << 10: "3 KiB", 1000: "1000 bytes"} {
		if got := humanBytes(n); got != want {
			t.Errorf("humanBytes(%d) = %q; want %q", n, got, want)
		}
	}
}
