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
