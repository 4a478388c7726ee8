// Command dockling-bench measures how long dockling takes to start a
// container beside the bare kernel tools and other runtimes doing the same
// work, in one run on the same root filesystem, and prints medians and
// ratios. `make bench`.
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
	"sort"
	"strings"
	"time"
)

// benchCase is one command line to time.
type benchCase struct {
	name string
	args []string
	base string // name of the case it is compared with
}

func main() {
	bin := flag.String("bin", "bin", "directory with the built dockling, probe and dockling-lessons")
	runs := flag.Int("n", 100, "runs per command (the median is reported)")
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

func run(bin string, runs int) error {
	if os.Geteuid() != 0 {
		return fmt.Errorf("needs root (it starts containers); run: sudo make bench")
	}
	if os.Getenv("DOCKLING_BENCH_NETNS") == "" {
		self, _ := os.Executable()
		cmd := exec.Command("unshare", append([]string{"--net", "--mount", "--fork", self}, os.Args[1:]...)...)
		cmd.Env = append(os.Environ(), "DOCKLING_BENCH_NETNS=1")
		cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
		return cmd.Run()
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
	const bare = "unshare + chroot (bare tools)"
	cases := []benchCase{
		{bare, []string{"unshare", "--pid", "--fork", "--mount", "--uts", "--ipc", "--net", "chroot", rootfs, "/bin/true"}, ""},
		{"dockling step 0", step("0"), bare},
		{"dockling step 1", step("1"), bare},
		{"dockling step 2", step("2"), bare},
		{"dockling step 3", step("3", "-m", "64m", "--pids-limit", "100"), bare},
		{"dockling step 4", step("4"), bare},
		{"dockling step 5", step("5"), "dockling step 4"},
		{"dockling run --rm --network none", []string{dockling, "run", "--rm", "--network", "none", "hostbox", "/bin/true"}, bare},
	}
	cases = append(cases, peers(rootfs, root)...)

	fmt.Printf("start-up of /bin/true, median of %d runs each, same rootfs (%s)\n\n", runs, rootfs)
	fmt.Printf("%-34s %10s %10s  %s\n", "command", "median", "p90", "ratio")
	medians := map[string]time.Duration{}
	for _, c := range cases {
		med, p90, err := measure(c.args, runs)
		if err != nil {
			fmt.Printf("%-34s skipped: %v\n", c.name, firstLine(err))
			continue
		}
		medians[c.name] = med
		ratio := ""
		if b, ok := medians[c.base]; ok && c.base != "" {
			ratio = fmt.Sprintf("%5.2fx %s (+%s)", float64(med)/float64(b), c.base, round(med-b))
		}
		fmt.Printf("%-34s %10s %10s  %s\n", c.name, round(med), round(p90), ratio)
	}
	if d, ok := medians["dockling run --rm --network none"]; ok {
		for _, peer := range []string{"runc run", "crun run", "podman run --rm --network none"} {
			if m, ok := medians[peer]; ok {
				fmt.Printf("%-34s %9.2fx\n", "dockling run / "+peer, float64(d)/float64(m))
			}
		}
	}

	// A whole run includes the teardown; step 5's is dominated by the
	// kernel deleting the veth (an RCU grace period). The start alone:
	// from the runner's Run to the command's execve, as DOCKLING_TIMING
	// reports it, with a pause between runs: the kernel destroys a network
	// namespace asynchronously, under the same lock the next run needs to
	// create its veth, so back to back each start would also pay for the
	// previous run's cleanup.
	fmt.Printf("\n%-34s %10s %10s\n", "inside the runner (DOCKLING_TIMING)", "start", "net down")
	starts := map[string]time.Duration{}
	for _, n := range []string{"4", "5"} {
		start, down, err := measurePhases(step(n), runs)
		if err != nil {
			return err
		}
		starts[n] = start
		fmt.Printf("%-34s %10s %10s\n", "dockling step "+n, round(start), round(down))
	}
	fmt.Printf("%-34s %10s\n", "step 5 start over step 4", round(starts["5"]-starts["4"]))
	fmt.Println("\ntargets: step 2 at most 3x bare unshare+chroot; step 5 starts under 10 ms after step 4")
	return nil
}

// measurePhases runs args with DOCKLING_TIMING=1 and returns the median time
// until the command ran and the median network teardown time.
func measurePhases(args []string, n int) (start, down time.Duration, err error) {
	var starts, downs []time.Duration
	for i := 0; i < n; i++ {
		time.Sleep(100 * time.Millisecond)
		cmd := exec.Command(args[0], args[1:]...)
		cmd.Env = append(os.Environ(), "DOCKLING_TIMING=1")
		out, err := cmd.CombinedOutput()
		if err != nil {
			return 0, 0, fmt.Errorf("%v: %s", err, out)
		}
		for _, line := range strings.Split(string(out), "\n") {
			f := strings.Fields(line)
			if len(f) < 3 || f[0] != "phase" {
				continue
			}
			d, _ := time.ParseDuration(f[1])
			switch rest := strings.Join(f[2:], " "); {
			case strings.HasPrefix(rest, "until the command runs"):
				starts = append(starts, d)
			case rest == "network teardown":
				downs = append(downs, d)
			}
		}
	}
	return median(starts), median(downs), nil
}

func median(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
	return ds[len(ds)/2]
}

// peers are other runtimes starting the same rootfs, where installed: runc
// and crun from an OCI bundle made with `runc spec`.
func peers(rootfs, root string) []benchCase {
	bundle := filepath.Join(root, "bundle")
	if err := os.MkdirAll(bundle, 0o755); err != nil {
		return nil
	}
	if _, err := exec.LookPath("runc"); err != nil {
		return nil
	}
	if err := exec.Command("runc", "spec", "--bundle", bundle).Run(); err != nil {
		return nil
	}
	if err := writeBundleConfig(bundle, rootfs); err != nil {
		return nil
	}
	var out []benchCase
	for _, rt := range []string{"runc", "crun"} {
		if _, err := exec.LookPath(rt); err == nil {
			out = append(out, benchCase{rt + " run", []string{rt, "run", "--bundle", bundle, "bench-" + rt}, "unshare + chroot (bare tools)"})
		}
	}
	// podman on the same files; the ulimits because this machine lacks
	// CAP_SYS_RESOURCE and podman would raise the hard limits otherwise.
	if _, err := exec.LookPath("podman"); err == nil {
		out = append(out, benchCase{"podman run --rm --network none", []string{"podman", "run", "--rm", "--network", "none",
			"--ulimit", "nofile=1024:1024", "--ulimit", "nproc=1024:1024", "--rootfs", rootfs, "/bin/true"}, "unshare + chroot (bare tools)"})
	}
	return out
}

// measure runs args n times and returns the median and 90th percentile.
func measure(args []string, n int) (med, p90 time.Duration, err error) {
	times := make([]time.Duration, 0, n)
	for i := 0; i < n; i++ {
		cmd := exec.Command(args[0], args[1:]...)
		start := time.Now()
		if out, err := cmd.CombinedOutput(); err != nil {
			return 0, 0, fmt.Errorf("%v: %s", err, out)
		}
		times = append(times, time.Since(start))
	}
	sort.Slice(times, func(i, j int) bool { return times[i] < times[j] })
	return times[n/2], times[n*9/10], nil
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
