package cgroups

import (
	"fmt"
	"math"
	"runtime"
	"strconv"
	"strings"
)

// ParseMemory reads a size as docker's -m does: a number of bytes with an
// optional unit b, k, m or g (powers of 1024; "kb", "mb", "gb" too).
func ParseMemory(s string) (int64, error) {
	bad := fmt.Errorf("invalid memory %q: use a number with an optional unit b, k, m or g (e.g. 64m)", s)
	t := strings.ToLower(strings.TrimSpace(s))
	t = strings.TrimSuffix(t, "ib") // accept "64mib" as well
	if len(t) > 1 && strings.HasSuffix(t, "b") && strings.ContainsAny(t[len(t)-2:len(t)-1], "kmg") {
		t = t[:len(t)-1] // "64mb" → "64m"
	}
	mult := int64(1)
	if t != "" {
		switch t[len(t)-1] {
		case 'b':
			t = t[:len(t)-1]
		case 'k':
			mult, t = 1<<10, t[:len(t)-1]
		case 'm':
			mult, t = 1<<20, t[:len(t)-1]
		case 'g':
			mult, t = 1<<30, t[:len(t)-1]
		}
	}
	// Docker accepts fractions ("1.5g"); the result is whole bytes.
	n, err := strconv.ParseFloat(t, 64)
	if err != nil || t == "" || n < 0 || math.IsInf(n, 0) || math.IsNaN(n) || n*float64(mult) > math.MaxInt64/2 {
		return 0, bad
	}
	return int64(n * float64(mult)), nil
}

// ParseCPUs reads docker's --cpus: how many CPUs' worth of time the
// container may use, fractions allowed ("0.5", "2").
func ParseCPUs(s string) (float64, error) {
	n, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || math.IsNaN(n) || math.IsInf(n, 0) {
		return 0, fmt.Errorf("invalid --cpus %q: use a number of CPUs (e.g. 0.5)", s)
	}
	if n <= 0 {
		return 0, fmt.Errorf("invalid --cpus %q: must be greater than 0 (e.g. 0.5)", s)
	}
	if c := runtime.NumCPU(); n > float64(c) {
		return 0, fmt.Errorf("invalid --cpus %q: this machine has %d CPUs, use at most %d", s, c, c)
	}
	if n*cpuPeriod < minCPUQuota {
		return 0, fmt.Errorf("invalid --cpus %q: the minimum is 0.01", s)
	}
	return n, nil
}
