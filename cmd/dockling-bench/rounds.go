package main

import (
	"fmt"
	"math/rand"
	"os/exec"
	"sort"
	"time"
)

// benchCase is one command line to time.
type benchCase struct {
	name string
	args []string
	base string // name of the case it is compared with in the table
}

// timings are one case's times, one per round (index = round), or the
// error that stopped it.
type timings struct {
	times []time.Duration
	err   error
}

// measureRounds runs every case once per round, in a new random order each
// round, warmup rounds first (not kept), then rounds kept. Interleaving puts
// whatever else the machine is doing (other engineers' tests on these two
// cores) on every case alike, instead of on whichever case happened to be
// measured while it ran; shuffling keeps a case from always following the
// same one (podman leaves work to the kernel after it exits, for instance).
// A case that fails once is dropped from the rest of the rounds.
func measureRounds(cases []benchCase, warmup, rounds int, seed int64) map[string]*timings {
	out := map[string]*timings{}
	for _, c := range cases {
		out[c.name] = &timings{}
	}
	rng := rand.New(rand.NewSource(seed))
	for r := 0; r < warmup+rounds; r++ {
		for _, i := range rng.Perm(len(cases)) {
			c, t := cases[i], out[cases[i].name]
			if t.err != nil {
				continue
			}
			d, err := timeOnce(c.args)
			if err != nil {
				t.err, t.times = err, nil
				continue
			}
			if r >= warmup {
				t.times = append(t.times, d)
			}
		}
	}
	return out
}

// timeOnce runs args to their end and returns how long that took, from
// fork to reaping the exit status, as a shell's `time` would.
func timeOnce(args []string) (time.Duration, error) {
	cmd := exec.Command(args[0], args[1:]...)
	start := time.Now()
	out, err := cmd.CombinedOutput()
	d := time.Since(start)
	if err != nil {
		return 0, fmt.Errorf("%v: %s", err, out)
	}
	return d, nil
}

// percentile returns the p-th percentile (0..100) of ds, nearest rank.
func percentile(ds []time.Duration, p int) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := append([]time.Duration(nil), ds...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	i := (len(s)*p + 99) / 100
	if i > 0 {
		i--
	}
	return s[i]
}

func median(ds []time.Duration) time.Duration { return percentile(ds, 50) }

// paired compares a with b round by round (the two ran within the same
// round, so they saw the same load): the median of a/b over the rounds
// and in how many rounds a was the faster.
func paired(a, b []time.Duration) (ratio float64, faster int) {
	n := min(len(a), len(b))
	rs := make([]float64, 0, n)
	for i := 0; i < n; i++ {
		rs = append(rs, float64(a[i])/float64(b[i]))
		if a[i] < b[i] {
			faster++
		}
	}
	if n == 0 {
		return 0, 0
	}
	sort.Float64s(rs)
	return rs[(n-1)/2], faster
}
