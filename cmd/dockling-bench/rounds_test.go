package main

import (
	"strings"
	"testing"
	"time"
)

func ms(ns ...int) []time.Duration {
	out := make([]time.Duration, len(ns))
	for i, n := range ns {
		out[i] = time.Duration(n) * time.Millisecond
	}
	return out
}

func TestPercentile(t *testing.T) {
	ds := ms(5, 1, 4, 2, 3, 10, 9, 8, 7, 6)
	for _, c := range []struct {
		p    int
		want time.Duration
	}{{50, 5 * time.Millisecond}, {90, 9 * time.Millisecond}, {100, 10 * time.Millisecond}, {1, time.Millisecond}} {
		if got := percentile(ds, c.p); got != c.want {
			t.Errorf("percentile(%d) = %v, want %v", c.p, got, c.want)
		}
	}
	if ds[0] != 5*time.Millisecond {
		t.Error("percentile sorted its argument in place; the rounds' order is needed for the paired ratios")
	}
	if percentile(nil, 50) != 0 {
		t.Error("percentile of nothing should be 0")
	}
}

// Paired ratios compare round with round: a case twice as slow in every
// round is 2x even when the load changes a lot between rounds.
func TestPaired(t *testing.T) {
	a := ms(2, 20, 4, 200)
	b := ms(1, 10, 2, 100)
	r, faster := paired(a, b)
	if r != 2 || faster != 0 {
		t.Errorf("paired = %.2f, %d faster; want 2.00, 0", r, faster)
	}
	r, faster = paired(b, a)
	if r != 0.5 || faster != 4 {
		t.Errorf("paired = %.2f, %d faster; want 0.50, 4", r, faster)
	}
}

// Real processes: every case runs once per kept round, warm-up rounds are
// dropped, and a failing case is reported and left out of later rounds.
func TestMeasureRounds(t *testing.T) {
	cases := []benchCase{
		{name: "true", args: []string{"true"}},
		{name: "sleep", args: []string{"sleep", "0.01"}},
		{name: "false", args: []string{"sh", "-c", "echo broken; exit 3"}},
	}
	res := measureRounds(cases, 2, 5, 1)
	for _, name := range []string{"true", "sleep"} {
		if res[name].err != nil || len(res[name].times) != 5 {
			t.Fatalf("%s: %d times, err %v; want 5 times", name, len(res[name].times), res[name].err)
		}
	}
	if median(res["sleep"].times) < 10*time.Millisecond {
		t.Errorf("sleep 0.01 measured %v", median(res["sleep"].times))
	}
	if r, _ := paired(res["true"].times, res["sleep"].times); r >= 1 {
		t.Errorf("true / sleep 0.01 = %.2f, want < 1", r)
	}
	f := res["false"]
	if f.err == nil || len(f.times) != 0 || !strings.Contains(f.err.Error(), "broken") {
		t.Errorf("failing case: times %v, err %v; want no times and its output in the error", f.times, f.err)
	}
}
