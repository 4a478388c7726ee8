package main

import (
	"fmt"
	"os"
	"os/exec"
	"sort"
	"strings"
	"time"
)

// phaseRun is one run with DOCKLING_TIMING=1: its wall time and the phases
// it printed ("phase  1.2ms  what"), in order.
type phaseRun struct {
	wall   time.Duration
	phases []phase
}

type phase struct {
	what string
	d    time.Duration
}

// runTimed runs args once with DOCKLING_TIMING=1.
func runTimed(args []string) (phaseRun, error) {
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Env = append(os.Environ(), "DOCKLING_TIMING=1")
	start := time.Now()
	out, err := cmd.CombinedOutput()
	r := phaseRun{wall: time.Since(start)}
	if err != nil {
		return r, fmt.Errorf("%v: %s", err, out)
	}
	for _, line := range strings.Split(string(out), "\n") {
		f := strings.Fields(line)
		if len(f) < 3 || f[0] != "phase" {
			continue
		}
		if d, err := time.ParseDuration(f[1]); err == nil {
			r.phases = append(r.phases, phase{strings.Join(f[2:], " "), d})
		}
	}
	return r, nil
}

// phaseMedians collects, over runs, every phase's durations in the order
// the phases first appeared.
func phaseMedians(runs []phaseRun) (order []string, byName map[string][]time.Duration) {
	byName = map[string][]time.Duration{}
	for _, r := range runs {
		for _, p := range r.phases {
			if _, seen := byName[p.what]; !seen {
				order = append(order, p.what)
			}
			byName[p.what] = append(byName[p.what], p.d)
		}
	}
	return order, byName
}

// printRunPhases runs dockling run n times with DOCKLING_TIMING=1 and
// prints the median of each phase it reports, and what is left outside
// them: starting the process (Go runtime, package init, cobra) and exiting.
func printRunPhases(args []string, n int) error {
	var runs []phaseRun
	var walls, outside []time.Duration
	for i := 0; i < n; i++ {
		r, err := runTimed(args)
		if err != nil {
			return fmt.Errorf("%s with DOCKLING_TIMING=1: %w", runCase, err)
		}
		runs = append(runs, r)
		walls = append(walls, r.wall)
		for _, p := range r.phases {
			if strings.HasPrefix(p.what, "run until the end") {
				outside = append(outside, r.wall-p.d)
			}
		}
	}
	order, byName := phaseMedians(runs)
	fmt.Printf("\nwhere %s's time goes (DOCKLING_TIMING=1, median of %d runs; whole run %s):\n", runCase, n, round(median(walls)))
	for _, what := range order {
		fmt.Printf("  %10s  %s\n", round(median(byName[what])), what)
	}
	if len(outside) > 0 {
		fmt.Printf("  %10s  %s\n", round(median(outside)), "outside the run command: process start (Go runtime, package init, cobra) and exit")
	}
	if line := dominant(byName, median(outside)); line != "" {
		fmt.Println("  what dominates: " + line)
	}
	return nil
}

// dominant splits a run into parts that do not overlap, from the phases'
// medians, and names the three largest: what dominates dockling run.
func dominant(byName map[string][]time.Duration, outside time.Duration) string {
	get := func(prefix string) time.Duration {
		for what, ds := range byName {
			if strings.HasPrefix(what, prefix) {
				return median(ds)
			}
		}
		return 0
	}
	total, create, untilExec := get("run until the end"), get("create the container"), get("until the command runs")
	supervise, rm, cgWait := get("supervise"), get("--rm"), get("wait for the cgroup")
	if total == 0 || supervise == 0 {
		return ""
	}
	parts := []phase{
		{"process start and exit", outside},
		{"creating the container (image, record, files)", create},
		{fmt.Sprintf("the runner until the command's execve (child setup; waiting for the cgroup move %s)", round(cgWait)), untilExec},
		{"the command itself, its exit and the cgroup's removal", supervise - untilExec},
		{"--rm's removal", rm},
		{"the rest (log, locks, records)", total - create - supervise - rm},
	}
	sort.Slice(parts, func(i, j int) bool { return parts[i].d > parts[j].d })
	var top []string
	for _, p := range parts[:3] {
		top = append(top, p.what+" "+round(p.d))
	}
	return strings.Join(top, "; ")
}

// printStepPhases reports, for steps 4 and 5, the time from the runner's
// Run to the command's execve and the network teardown, as DOCKLING_TIMING
// reports them. A whole run includes the teardown; step 5's is dominated
// by the kernel deleting the veth (an RCU grace period). The runs are
// paused apart: the kernel destroys a network namespace asynchronously,
// under the same lock the next run needs to create its veth, so back to
// back each start would also pay for the previous run's cleanup.
func printStepPhases(step func(string, ...string) []string, n int) error {
	starts := map[string][]time.Duration{}
	downs := map[string][]time.Duration{}
	for i := 0; i < n; i++ {
		for _, s := range []string{"4", "5"} {
			time.Sleep(100 * time.Millisecond)
			r, err := runTimed(step(s))
			if err != nil {
				return fmt.Errorf("dockling step %s with DOCKLING_TIMING=1: %w", s, err)
			}
			for _, p := range r.phases {
				switch {
				case strings.HasPrefix(p.what, "until the command runs"):
					starts[s] = append(starts[s], p.d)
				case p.what == "network teardown":
					downs[s] = append(downs[s], p.d)
				}
			}
		}
	}
	fmt.Printf("\n%-34s %10s %10s\n", "inside the runner (DOCKLING_TIMING)", "start", "net down")
	for _, s := range []string{"4", "5"} {
		fmt.Printf("%-34s %10s %10s\n", "dockling step "+s, round(median(starts[s])), round(median(downs[s])))
	}
	fmt.Printf("%-34s %10s\n", "step 5 start over step 4", round(median(starts["5"])-median(starts["4"])))
	return nil
}
