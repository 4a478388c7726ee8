package compare

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/dockling/dockling/sandbox/cgroups"
	"github.com/dockling/dockling/sandbox/container"
	"github.com/dockling/dockling/sandbox/image"
)

// The container is started the way a user starts one, by running the real
// `dockling run` binary, so its start time includes everything a user
// waits for: the CLI's own start, the image lookup, namespaces, cgroup,
// overlay mount, and (in Total) the teardown of --rm.
const containerImage = "hostbox"

// runArgs is `dockling run` without a network (a VM without a network card
// is what it is compared with) and removed when it exits.
var runArgs = []string{"run", "--rm", "--network", "none"}

// ContainerResult is a dockling container measured from the outside.
type ContainerResult struct {
	// NotMeasured says why the container was skipped (no root), and is
	// empty when it was measured.
	NotMeasured string `json:"not_measured,omitempty"`
	Command     string `json:"command"`
	Timing
	// PeakRSS is the peak resident memory of cat waiting in the container,
	// read as the plain process's is.
	PeakRSS int64 `json:"peak_rss_bytes"`
	// The container's memory cgroup meanwhile: the most charged to it since
	// it was made (0 where the kernel keeps no peak: cgroup v2 before
	// 5.19), and the charge then. Pages the host had already loaded (the
	// shared libraries) are charged to whoever loaded them first, not here.
	CgroupPeak    int64 `json:"cgroup_peak_bytes"`
	CgroupCurrent int64 `json:"cgroup_current_bytes"`
	// RuntimeRSS is the peak resident memory of the `dockling run` process,
	// which stays beside an attached container until it ends.
	RuntimeRSS int64  `json:"runtime_rss_bytes"`
	Image      string `json:"image"`
	ImageBytes int64  `json:"image_bytes"` // unpacked, shared by every container of the image
	OwnBytes   int64  `json:"own_bytes"`   // the container's own files: writable layer, record, log
}

// CgroupMemory is what the container's cgroup was charged: the peak where
// the kernel keeps one, else the charge when it was read.
func (c ContainerResult) CgroupMemory() int64 {
	if c.CgroupPeak > 0 {
		return c.CgroupPeak
	}
	return c.CgroupCurrent
}

const (
	// The first run may build hostbox from the host's binaries.
	warmUpTimeout    = 3 * time.Minute
	containerTimeout = time.Minute
)

// measureContainer times n runs of `dockling run ... hostbox echo`, then
// runs `cat` in one more container to read its cgroup while it waits.
func measureContainer(ctx context.Context, o Options) (ContainerResult, error) {
	res := ContainerResult{Image: containerImage,
		Command: "dockling " + strings.Join(runArgs, " ") + " " + containerImage + " echo " + Marker}
	if os.Geteuid() != 0 {
		res.NotMeasured = "needs root (namespaces, cgroups, mounts): run sudo dockling compare"
		return res, nil
	}
	o.Progress(fmt.Sprintf("a container: %d runs of dockling run, then cat in one more", o.Runs))
	dockling := func(ctx context.Context, args ...string) *exec.Cmd {
		cmd := exec.CommandContext(ctx, o.Dockling, args...)
		// On a timeout or ^C, ask dockling to stop the container, so that
		// --rm still removes it; kill only if it does not listen.
		cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGTERM) }
		cmd.WaitDelay = 10 * time.Second
		return cmd
	}
	echo := append(append([]string{}, runArgs...), containerImage, "echo", Marker)

	// Not timed: builds hostbox on first use, and warms the page cache as
	// the runs after it will find it.
	warm, cancel := context.WithTimeout(ctx, warmUpTimeout)
	r := timeCommand(warm, dockling(warm, echo...))
	cancel()
	if err := r.failure("dockling " + strings.Join(echo, " ")); err != nil {
		return res, err
	}
	var runs []run
	for range o.Runs {
		one, cancel := context.WithTimeout(ctx, containerTimeout)
		r := timeCommand(one, dockling(one, echo...))
		cancel()
		if err := r.failure("dockling " + strings.Join(echo, " ")); err != nil {
			return res, err
		}
		runs = append(runs, r)
	}
	res.Timing = medianTiming(runs)

	if err := measureContainerMemory(ctx, o, dockling, &res); err != nil {
		return res, err
	}
	images, err := image.Open(o.StateRoot)
	if err != nil {
		return res, err
	}
	img, err := images.Resolve(containerImage)
	if err != nil {
		return res, err
	}
	res.ImageBytes = img.Size
	return res, nil
}

// measureContainerMemory starts `cat` in a container with its standard
// input held open by us, reads its memory once cat runs, then closes the
// input: cat ends, the container ends, --rm removes it.
func measureContainerMemory(ctx context.Context, o Options, dockling func(context.Context, ...string) *exec.Cmd, res *ContainerResult) error {
	name := fmt.Sprintf("dockling-compare-%d", os.Getpid())
	args := append(append([]string{"run", "-i", "--name", name}, runArgs[1:]...), containerImage, "cat")
	ctx, cancel := context.WithTimeout(ctx, containerTimeout)
	defer cancel()
	store, err := container.Open(o.StateRoot)
	if err != nil {
		return err
	}
	h, err := startHeld(ctx, dockling(ctx, args...))
	if err != nil {
		return fmt.Errorf("start dockling %s: %w", strings.Join(args, " "), err)
	}
	sampleErr := sampleRunningCat(ctx, h, store, name, res)
	r := h.release()
	if r.err != nil {
		return fmt.Errorf("dockling %s: %w\n%s", strings.Join(args, " "), r.err, r.stderr)
	}
	if sampleErr != nil {
		return sampleErr
	}
	if c, err := store.Find(name); err == nil {
		return fmt.Errorf("container %s (%s) was not removed after it ended; remove it with: dockling rm -f %s", name, container.ShortID(c.ID), name)
	}
	return nil
}

// sampleRunningCat waits until cat runs in container name, then reads its
// memory, the container's cgroup, dockling run's memory and the
// container's own files.
func sampleRunningCat(ctx context.Context, h *held, store *container.Store, name string, res *ContainerResult) error {
	for {
		if c, err := store.Find(name); err == nil {
			if m, err := cgroups.Load(c.ID); err == nil {
				if pid := catIn(m); pid > 0 {
					time.Sleep(settle)
					return readContainer(m, pid, h.cmd.Process.Pid, store.Dir(c.ID), res)
				}
			}
		}
		select {
		case <-h.exited:
			return fmt.Errorf("container %s ended before cat ran in it", name)
		case <-ctx.Done():
			return fmt.Errorf("container %s: cat did not start in its cgroup within %s", name, containerTimeout)
		case <-time.After(5 * time.Millisecond):
		}
	}
}

func readContainer(m cgroups.Manager, catPid, runPid int, dir string, res *ContainerResult) error {
	u, err := m.Usage()
	if err != nil {
		return err
	}
	res.CgroupPeak, res.CgroupCurrent = u.MemoryPeak, u.MemoryCurrent
	if res.PeakRSS, err = peakRSS(catPid); err != nil {
		return err
	}
	if res.RuntimeRSS, err = peakRSS(runPid); err != nil {
		return err
	}
	res.OwnBytes, err = diskUsage(dir, "rootfs")
	return err
}

// catIn is the pid of the cgroup's cat, or 0 while there is none yet
// (the container's first process is still the runtime's child side,
// setting up, until it executes cat).
func catIn(m cgroups.Manager) int {
	pids, err := m.Procs()
	if err != nil {
		return 0
	}
	for _, pid := range pids {
		comm, err := os.ReadFile(fmt.Sprintf("/proc/%d/comm", pid))
		if err == nil && strings.TrimSpace(string(comm)) == "cat" {
			return pid
		}
	}
	return 0
}

// diskUsage adds up the blocks allocated under dir, as du does, leaving out
// the top-level entry skip (the container's root mount point: through it
// the image's shared layers would be counted again).
func diskUsage(dir, skip string) (int64, error) {
	var total int64
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && path == filepath.Join(dir, skip) {
			return filepath.SkipDir
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		if st, ok := info.Sys().(*syscall.Stat_t); ok {
			total += st.Blocks * 512
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("measure the files of %s: %w", dir, err)
	}
	return total, nil
}
