package main

// hog, spin and sleep: the load generators that make cgroup limits visible.
// (fork, the pids-limit generator, lives in fork.go.)

import (
	"fmt"
	"io"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/sys/unix"
)

const (
	kib = 1 << 10
	mib = 1 << 20
	gib = 1 << 30
	tib = 1 << 40
)

// parseSize reads sizes the way docker's -m does, in binary units: "512k",
// "100m", "1g", "2GiB", "4096" (bytes). Case does not matter.
func parseSize(s string) (int64, error) {
	t := strings.ToLower(strings.TrimSpace(s))
	iec := strings.HasSuffix(t, "ib") // "kib", "mib": must name a unit
	if iec {
		t = strings.TrimSuffix(t, "ib")
	} else {
		t = strings.TrimSuffix(t, "b")
	}
	unit := int64(1)
	if t != "" {
		switch t[len(t)-1] {
		case 'k':
			unit = kib
		case 'm':
			unit = mib
		case 'g':
			unit = gib
		case 't':
			unit = tib
		}
		if unit != 1 {
			t = t[:len(t)-1]
		}
	}
	n, err := strconv.ParseInt(t, 10, 64)
	if err != nil || n <= 0 || (iec && unit == 1) {
		return 0, fmt.Errorf("size %q is not a positive whole number with an optional unit k, m, g or t (e.g. 100m)", s)
	}
	if n > (1<<62)/unit {
		return 0, fmt.Errorf("size %q is too large", s)
	}
	return n * unit, nil
}

// formatSize prints a byte count in the largest binary unit that divides it.
func formatSize(n int64) string {
	switch {
	case n >= gib && n%gib == 0:
		return fmt.Sprintf("%d GiB", n/gib)
	case n >= mib && n%mib == 0:
		return fmt.Sprintf("%d MiB", n/mib)
	case n >= kib && n%kib == 0:
		return fmt.Sprintf("%d KiB", n/kib)
	}
	return fmt.Sprintf("%d B", n)
}

func runHog(args []string, stdout, stderr io.Writer) int {
	if len(args) != 1 {
		return usageError(stderr, "hog", "needs exactly one SIZE, e.g. probe hog 100m")
	}
	size, err := parseSize(args[0])
	if err != nil {
		return usageError(stderr, "hog", "%v", err)
	}
	if err := hog(stdout, size, time.Second); err != nil {
		return fail(stderr, "hog", err)
	}
	return exitOK
}

// hog maps size bytes of anonymous memory and writes to every page, 1 MiB at
// a time, reporting every 8 MiB, then holds it for hold.
//
// Why mmap and not make([]byte): memory is only charged to the cgroup when a
// page is first written, and the Go heap would add garbage-collector
// headroom on top of what we ask for. A private anonymous mapping touched
// page by page grows the resident size by exactly what the progress lines
// say, so the OOM kill lands where the learner expects it.
func hog(w io.Writer, size int64, hold time.Duration) error {
	if size > int64(^uint(0)>>1) {
		return fmt.Errorf("%s does not fit in this machine's address space", formatSize(size))
	}
	mem, err := unix.Mmap(-1, 0, int(size), unix.PROT_READ|unix.PROT_WRITE, unix.MAP_PRIVATE|unix.MAP_ANONYMOUS)
	if err != nil {
		return fmt.Errorf("reserve %s: %w", formatSize(size), err)
	}
	defer unix.Munmap(mem)
	page := os.Getpagesize()
	for off := 0; off < len(mem); off += mib {
		end := min(off+mib, len(mem))
		for p := off; p < end; p += page {
			mem[p] = 1 // the first write makes the kernel allocate the page
		}
		if end%(8*mib) == 0 || end == len(mem) {
			// os.Stdout is unbuffered: each line reaches the reader before
			// the next page fault, so the last line before an OOM kill shows
			// how far we got.
			fmt.Fprintf(w, "touched: %s\n", formatSize(int64(end)))
		}
	}
	fmt.Fprintf(w, "allocated %s\n", formatSize(size))
	time.Sleep(hold)
	return nil
}

func runSpin(args []string, stdout, stderr io.Writer) int {
	if len(args) != 1 {
		return usageError(stderr, "spin", "needs exactly one DURATION, e.g. probe spin 3s")
	}
	d, err := parseDuration(args[0])
	if err != nil {
		return usageError(stderr, "spin", "%v", err)
	}
	r, err := spin(d)
	if err != nil {
		return fail(stderr, "spin", err)
	}
	fmt.Fprintf(stdout, "gomaxprocs: %d\ncpu: %.2f\nwall: %.2f\n", r.procs, r.cpu.Seconds(), r.wall.Seconds())
	return exitOK
}

type spinResult struct {
	procs     int           // goroutines that burned CPU, one per GOMAXPROCS
	cpu, wall time.Duration // CPU time this process was given, and time passed
}

// spin keeps GOMAXPROCS goroutines busy until d has passed, then asks the
// kernel how much CPU time the process actually got. Under a cgroup CPU
// quota cpu/wall drops to the quota, whatever the number of cores. (Since Go
// 1.25 the runtime also lowers GOMAXPROCS towards a cgroup's CPU limit,
// though not below 2; we print it so that is visible too.)
func spin(d time.Duration) (spinResult, error) {
	procs := runtime.GOMAXPROCS(0)
	start := time.Now()
	deadline := start.Add(d)
	sums := make([]uint64, procs) // results are kept so the loop is not optimised away
	var wg sync.WaitGroup
	for i := range procs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var x uint64
			for time.Now().Before(deadline) {
				for j := uint64(0); j < 100_000; j++ {
					x += j ^ x>>3
				}
			}
			sums[i] = x
		}()
	}
	wg.Wait()
	wall := time.Since(start)
	var ru unix.Rusage
	if err := unix.Getrusage(unix.RUSAGE_SELF, &ru); err != nil {
		return spinResult{}, fmt.Errorf("getrusage: %w", err)
	}
	cpu := time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	return spinResult{procs: procs, cpu: cpu, wall: wall}, nil
}

func runSleep(args []string, stderr io.Writer) int {
	if len(args) != 1 {
		return usageError(stderr, "sleep", "needs exactly one DURATION, e.g. probe sleep 2s")
	}
	d, err := parseDuration(args[0])
	if err != nil {
		return usageError(stderr, "sleep", "%v", err)
	}
	time.Sleep(d)
	return exitOK
}

// parseDuration takes Go durations ("3s", "100ms", "1m30s") and, like
// sleep(1), a bare number of seconds ("2", "0.5").
func parseDuration(s string) (time.Duration, error) {
	if secs, err := strconv.ParseFloat(s, 64); err == nil && secs >= 0 {
		return time.Duration(secs * float64(time.Second)), nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return 0, fmt.Errorf("duration %q is not like 3s, 100ms or 2", s)
	}
	return d, nil
}
