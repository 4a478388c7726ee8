// Command dockling-bench measures how long dockling takes to start a
// container beside the bare kernel tools doing the same work, in one run on
// the same root filesystem, and prints medians and ratios. `make bench`.
package main

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"time"
)

// benchCase is one command line to time.
type benchCase struct {
	name string
	args []string
}

func main() {
	bin := flag.String("bin", "bin", "directory with the built dockling, probe and dockling-lessons")
	runs := flag.Int("n", 100, "runs per command (the median is reported)")
	flag.Parse()
	if err := run(*bin, *runs); err != nil {
		fmt.Fprintln(os.Stderr, "dockling-bench:", err)
		os.Exit(1)
	}
}

func run(bin string, runs int) error {
	if os.Geteuid() != 0 {
		return fmt.Errorf("needs root (it starts containers); run: sudo make bench")
	}
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

	// Warm up: builds hostbox and its flat copy, which the steps use.
	if out, err := exec.Command(dockling, "step", "2", "-q", "--", "/bin/true").CombinedOutput(); err != nil {
		return fmt.Errorf("warm-up run: %v\n%s", err, out)
	}
	flats, _ := filepath.Glob(filepath.Join(root, "flat", "*"))
	if len(flats) != 1 {
		return fmt.Errorf("expected one flat rootfs under %s, found %d", root, len(flats))
	}
	rootfs := flats[0]

	baseline := benchCase{"unshare + chroot (bare tools)",
		[]string{"unshare", "--pid", "--fork", "--mount", "--uts", "--ipc", "--net", "chroot", rootfs, "/bin/true"}}
	cases := []benchCase{
		baseline,
		{"dockling step 0", []string{dockling, "step", "0", "-q", "--", "/bin/true"}},
		{"dockling step 1", []string{dockling, "step", "1", "-q", "--", "/bin/true"}},
		{"dockling step 2", []string{dockling, "step", "2", "-q", "--", "/bin/true"}},
	}
	fmt.Printf("start-up, median of %d runs each, same rootfs (%s)\n\n", runs, rootfs)
	fmt.Printf("%-34s %10s %10s %8s\n", "command", "median", "p90", "ratio")
	var base time.Duration
	for i, c := range cases {
		med, p90, err := measure(c.args, runs)
		if err != nil {
			return fmt.Errorf("%s: %w", c.name, err)
		}
		if i == 0 {
			base = med
		}
		fmt.Printf("%-34s %10s %10s %7.2fx\n", c.name, round(med), round(p90), float64(med)/float64(base))
	}
	fmt.Println("\nratio: against the bare unshare + chroot line (target for step 2: at most 3x)")
	return nil
}

// measure runs args n times and returns the median and 90th percentile.
func measure(args []string, n int) (med, p90 time.Duration, err error) {
	times := make([]time.Duration, 0, n)
	for i := 0; i < n; i++ {
		cmd := exec.Command(args[0], args[1:]...)
		start := time.Now()
		if out, err := cmd.CombinedOutput(); err != nil {
			return 0, 0, fmt.Errorf("%v\n%s", err, out)
		}
		times = append(times, time.Since(start))
	}
	sort.Slice(times, func(i, j int) bool { return times[i] < times[j] })
	return times[n/2], times[n*9/10], nil
}

func round(d time.Duration) string { return d.Round(10 * time.Microsecond).String() }
