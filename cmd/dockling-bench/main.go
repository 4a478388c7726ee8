// Command dockling-bench measures how long dockling takes to start a
// container beside the bare kernel tools and other runtimes doing the same
// work, in one run on the same root filesystem, and prints medians, p90s
// and ratios. `make bench`.
//
// It runs inside a throwaway network and mount namespace (it re-executes
// itself under unshare --net --mount), so the step 5 line's bridge and rules
// never touch the machine's own network.
package main

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	"github.com/dockling/dockling/sandbox/cgroups"
)

func main() {
	bin := flag.String("bin", "bin", "directory with the built dockling, probe and dockling-lessons")
	runs := flag.Int("n", 50, "rounds: each case runs once per round, the median and p90 are reported (with -render: runs per lesson)")
	flag.Parse()
	bench := run
	if *renderOnly {
		bench = benchRender // render.go
	}
	if err := bench(*bin, *runs); err != nil {
		fmt.Fprintln(os.Stderr, "dockling-bench:", err)
		os.Exit(1)
	}
}

// The line issue #7 is about, and the cases it is compared with.
const (
	runCase    = "dockling run --rm --network none"
	bareCase   = "unshare + chroot (bare tools)"
	runcCase   = "runc run"
	crunCase   = "crun run"
	podmanCase = "podman run --rm --network none"
)

func run(bin string, rounds int) error {
	if os.Geteuid() != 0 {
		return fmt.Errorf("needs root (it starts containers); run: sudo make bench")
	}
	if rounds < 1 {
		return fmt.Errorf("-n %d: give at least one round", rounds)
	}
	if os.Getenv("DOCKLING_BENCH_NETNS") == "" {
		self, _ := os.Executable()
		cmd := exec.Command("unshare", append([]string{"--net", "--mount", "--fork", self}, os.Args[1:]...)...)
		cmd.Env = append(os.Environ(), "DOCKLING_BENCH_NETNS=1")
		cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
		// The dockling/ parent cgroups the runs make go again afterwards,
		// where there were none before.
		had := map[string]bool{}
		for _, p := range cgroups.Parents() {
			had[p] = true
		}
		err := cmd.Run()
		if _, rmErr := cgroups.RemoveParents(func(p string) bool { return had[p] }); rmErr != nil && err == nil {
			err = rmErr
		}
		return err
	}
	_ = exec.Command("ip", "link", "set", "lo", "up").Run()
	// crun refuses a hybrid cgroup layout (v1 controllers plus an empty
	// cgroup2 tree). In this private mount namespace the empty tree can go,
	// which makes the host plain v1 for every runtime measured here alike.
	_ = exec.Command("mount", "--make-rprivate", "/").Run()
	_ = exec.Command("umount", "/sys/fs/cgroup/unified").Run()

	bin, err := filepath.Abs(bin)
	if err != nil {
		return err
	}
	root, err := os.MkdirTemp("", "dockling-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(root)
	os.Setenv("DOCKLING_ROOT", root)
	dockling := filepath.Join(bin, "dockling")

	// Warm up: builds hostbox and its flat copy (steps 1-3), probes
	// overlay (step 4) and makes the bridge (step 5).
	for _, n := range []string{"2", "5"} {
		if out, err := exec.Command(dockling, "step", n, "-q", "--", "/bin/true").CombinedOutput(); err != nil {
			return fmt.Errorf("warm-up run: %v\n%s", err, out)
		}
	}
	flats, _ := filepath.Glob(filepath.Join(root, "flat", "[0-9a-f]*"))
	if len(flats) != 1 {
		return fmt.Errorf("expected one flat rootfs under %s, found %d", root, len(flats))
	}
	rootfs := flats[0]

	step := func(n string, extra ...string) []string {
		return append(append([]string{dockling, "step", n, "-q"}, extra...), "--", "/bin/true")
	}
	runArgs := []string{dockling, "run", "--rm", "--network", "none", "hostbox", "/bin/true"}
	cases := []benchCase{
		{bareCase, []string{"unshare", "--pid", "--fork", "--mount", "--uts", "--ipc", "--net", "chroot", rootfs, "/bin/true"}, ""},
		{"dockling step 0", step("0"), bareCase},
		{"dockling step 1", step("1"), bareCase},
		{"dockling step 2", step("2"), bareCase},
		{"dockling step 3", step("3", "-m", "64m", "--pids-limit", "100"), bareCase},
		{"dockling step 4", step("4"), bareCase},
		{"dockling step 5", step("5"), "dockling step 4"},
		{runCase, runArgs, bareCase},
	}
	cases = append(cases, peers(rootfs, root)...)

	const warmup = 3
	fmt.Printf("start-up of /bin/true, same rootfs (%s)\n", rootfs)
	fmt.Printf("%d rounds after %d warm-up rounds; each round runs every case once, in a shuffled order,\n", rounds, warmup)
	fmt.Printf("so the load of whatever else runs on this machine falls on every case alike\n\n")
	res := measureRounds(cases, warmup, rounds, time.Now().UnixNano())
	printTable(cases, res)
	met := printRatios(res, rounds)
	printFairness(cases, res)

	// Where dockling run's own time goes, and step 5's network cost.
	if err := printRunPhases(runArgs, rounds); err != nil {
		return err
	}
	if err := printStepPhases(step, rounds); err != nil {
		return err
	}
	fmt.Println("\ntargets: step 2 at most 3x bare unshare+chroot; step 5 starts under 10 ms after step 4;")
	fmt.Printf("dockling run faster than runc and within 1.5x of crun (issue #7): %s\n", met)
	return nil
}

// printTable prints every case's median and p90, and its ratio to its base.
func printTable(cases []benchCase, res map[string]*timings) {
	fmt.Printf("%-34s %10s %10s  %s\n", "command", "median", "p90", "ratio of medians")
	for _, c := range cases {
		t := res[c.name]
		if t.err != nil {
			fmt.Printf("%-34s skipped: %v\n", c.name, firstLine(t.err))
			continue
		}
		med := median(t.times)
		ratio := ""
		if b := res[c.base]; c.base != "" && b != nil && b.err == nil {
			bm := median(b.times)
			ratio = fmt.Sprintf("%5.2fx %s (+%s)", float64(med)/float64(bm), c.base, round(med-bm))
		}
		fmt.Printf("%-34s %10s %10s  %s\n", c.name, round(med), round(percentile(t.times, 90)), ratio)
	}
}

// printRatios compares dockling run with each other way of starting the
// same command, from the same rounds, and says whether issue #7's targets
// are met.
func printRatios(res map[string]*timings, rounds int) string {
	d := res[runCase]
	if d.err != nil {
		return "not measured (dockling run failed)"
	}
	fmt.Printf("\n%s against the others, from the same %d rounds:\n", runCase, rounds)
	fmt.Printf("  %-32s %8s %8s  %s\n", "", "medians", "p90s", "per round: median ratio, rounds dockling was faster")
	ratio := map[string]float64{}
	for _, peer := range []string{runcCase, crunCase, podmanCase, bareCase} {
		p := res[peer]
		if p == nil || p.err != nil {
			continue
		}
		ratio[peer] = float64(median(d.times)) / float64(median(p.times))
		pr, faster := paired(d.times, p.times)
		fmt.Printf("  %-32s %7.2fx %7.2fx  %.2fx, %d of %d\n", "/ "+peer, ratio[peer],
			float64(percentile(d.times, 90))/float64(percentile(p.times, 90)), pr, faster, len(d.times))
	}
	verdict := func(peer string, ok func(float64) bool, what string) string {
		r, measured := ratio[peer]
		switch {
		case !measured:
			return what + ": not measured (" + peer + " missing)"
		case ok(r):
			return fmt.Sprintf("%s: met (%.2fx)", what, r)
		}
		return fmt.Sprintf("%s: NOT met (%.2fx)", what, r)
	}
	return verdict(runcCase, func(r float64) bool { return r < 1 }, "faster than runc") + "; " +
		verdict(crunCase, func(r float64) bool { return r <= 1.5 }, "within 1.5x of crun")
}

func round(d time.Duration) string { return d.Round(10 * time.Microsecond).String() }

func firstLine(err error) string {
	s := err.Error()
	for i, r := range s {
		if r == '\n' {
			return s[:i]
		}
	}
	return s
}
