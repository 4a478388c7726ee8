package main

import (
	"bytes"
	"runtime"
	"strings"
	"testing"
	"time"
)

func TestParseSize(t *testing.T) {
	good := map[string]int64{
		"4096": 4096, "512k": 512 * kib, "512K": 512 * kib, "100m": 100 * mib,
		"100MB": 100 * mib, "2GiB": 2 * gib, "1g": gib, "1t": tib, "7b": 7,
	}
	for in, want := range good {
		if got, err := parseSize(in); err != nil || got != want {
			t.Errorf("parseSize(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "m", "-1m", "0", "1.5g", "ten", "3x", "2ib", "99999999999t"} {
		if got, err := parseSize(in); err == nil {
			t.Errorf("parseSize(%q) = %d, want an error", in, got)
		}
	}
}

func TestFormatSize(t *testing.T) {
	for n, want := range map[int64]string{8 * mib: "8 MiB", 3 * gib: "3 GiB", 1536 * kib: "1536 KiB", 100: "100 B"} {
		if got := formatSize(n); got != want {
			t.Errorf("formatSize(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestParseDuration(t *testing.T) {
	for in, want := range map[string]time.Duration{"3s": 3 * time.Second, "100ms": 100 * time.Millisecond, "2": 2 * time.Second, "0.5": 500 * time.Millisecond} {
		if got, err := parseDuration(in); err != nil || got != want {
			t.Errorf("parseDuration(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"", "soon", "-1s", "-2"} {
		if _, err := parseDuration(in); err == nil {
			t.Errorf("parseDuration(%q): want an error", in)
		}
	}
}

func TestHogSmall(t *testing.T) {
	var out bytes.Buffer
	// 17 MiB and a bit: progress at 8 and 16 MiB, and at the ragged end.
	size := 17*mib + 5*kib
	if err := hog(&out, int64(size), 0); err != nil {
		t.Fatal(err)
	}
	want := "touched: 8 MiB\ntouched: 16 MiB\ntouched: 17413 KiB\nallocated 17413 KiB\n"
	if out.String() != want {
		t.Errorf("hog output:\n%s\nwant:\n%s", out.String(), want)
	}
}

func TestSpinUsesCPU(t *testing.T) {
	r, err := spin(100 * time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	if r.procs != runtime.GOMAXPROCS(0) {
		t.Errorf("spin used %d goroutines, want GOMAXPROCS=%d", r.procs, runtime.GOMAXPROCS(0))
	}
	if r.wall < 100*time.Millisecond {
		t.Errorf("spin returned after %v, before its 100ms were up", r.wall)
	}
	// At least a good part of the time on one core must have been ours.
	if r.cpu < 50*time.Millisecond {
		t.Errorf("spin got only %v of CPU in %v", r.cpu, r.wall)
	}
}

func TestSpinPrintsCPUAndWall(t *testing.T) {
	code, stdout, _ := runProbe("spin", "50ms")
	if code != exitOK || !strings.Contains(stdout, "\ncpu: ") || !strings.Contains(stdout, "\nwall: 0.") {
		t.Errorf("probe spin 50ms: exit %d, output %q", code, stdout)
	}
}
