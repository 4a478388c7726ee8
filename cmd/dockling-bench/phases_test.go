package main

import (
	"testing"
	"time"
)

// runTimed reads the phase lines dockling prints with DOCKLING_TIMING=1,
// and ignores the rest of its output.
func TestRunTimedReadsPhases(t *testing.T) {
	script := `[ "$DOCKLING_TIMING" = 1 ] || exit 9
echo 'phase   1.5ms  create the container' >&2
echo 'child     22µs  mount("", "/")' >&2
echo 'phase  12.25ms  run until the end, with --rm'"'"'s removal' >&2
echo hello`
	r, err := runTimed([]string{"sh", "-c", script})
	if err != nil {
		t.Fatal(err)
	}
	want := []phase{{"create the container", 1500 * time.Microsecond}, {"run until the end, with --rm's removal", 12250 * time.Microsecond}}
	if len(r.phases) != len(want) {
		t.Fatalf("phases = %v, want %v", r.phases, want)
	}
	for i := range want {
		if r.phases[i] != want[i] {
			t.Errorf("phase %d = %v, want %v", i, r.phases[i], want[i])
		}
	}
	order, by := phaseMedians([]phaseRun{r, r})
	if len(order) != 2 || len(by[order[0]]) != 2 {
		t.Errorf("phaseMedians = %v %v", order, by)
	}
}

// The parts dominant adds up do not overlap, and it names the largest first.
func TestDominant(t *testing.T) {
	ms := func(n float64) []time.Duration { return []time.Duration{time.Duration(n * float64(time.Millisecond))} }
	by := map[string][]time.Duration{
		"create the container (image, record, files)":  ms(1.5),
		"until the command runs (execve)":              ms(4),
		"wait for the cgroup after sending the config": ms(0.5),
		"supervise (lock, run, record the end)":        ms(7),
		"--rm: remove the container":                   ms(1.2),
		"run until the end, with --rm's removal":       ms(10),
	}
	got := dominant(by, 3500*time.Microsecond)
	want := "the runner until the command's execve (child setup; waiting for the cgroup move 500µs) 4ms; " +
		"process start and exit 3.5ms; the command itself, its exit and the cgroup's removal 3ms"
	if got != want {
		t.Errorf("dominant =\n %s\nwant\n %s", got, want)
	}
	if dominant(map[string][]time.Duration{}, time.Millisecond) != "" {
		t.Error("no phases should give no summary")
	}
}
