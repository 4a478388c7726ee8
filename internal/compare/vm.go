package compare

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// VMResult is a small VM: Linux booted under qemu with a busybox initramfs
// whose /init prints the marker and powers off. Start is boot to userland
// (qemu's start, firmware, kernel, /init), Total includes the power-off.
type VMResult struct {
	// NotMeasured says why there is no VM row; Install, when set, is the
	// command that gets what is missing.
	NotMeasured string `json:"not_measured,omitempty"`
	Install     string `json:"install,omitempty"`
	Qemu        string `json:"qemu,omitempty"`
	Kernel      string `json:"kernel,omitempty"`
	Accel       Accel  `json:"accel,omitempty"`
	// AccelNote explains why the VM ran under emulation when KVM was
	// wanted (auto): /dev/kvm missing, or a KVM boot that failed.
	AccelNote string `json:"accel_note,omitempty"`
	MemoryMiB int64  `json:"memory_mib"` // RAM given to the guest (-m)
	Timing
	// PeakRSS is qemu's ru_maxrss: the guest RAM it touched plus its own.
	// ru_maxrss also counts what dockling held when it forked qemu (see
	// procfs.go), but that is a dozen MB, far below any qemu's peak, and
	// unlike a sampled VmHWM it misses nothing up to the power-off.
	PeakRSS        int64 `json:"peak_rss_bytes"`
	KernelBytes    int64 `json:"kernel_bytes"`
	InitramfsBytes int64 `json:"initramfs_bytes"`
}

const (
	// A KVM boot of this initramfs takes about a second; one that has not
	// reached userland after this long is stuck (as on hosts where nested
	// KVM hangs guests), and emulation is tried instead.
	kvmBootTimeout = 20 * time.Second
	// Emulation is slow, and slower still on a busy or old machine.
	tcgBootTimeout = 3 * time.Minute
	// The kernel command line: messages on the serial port, which qemu
	// -nographic connects to its standard output; quiet, so the console
	// holds little besides the marker; a panic powers off (with
	// -no-reboot) instead of waiting forever.
	kernelCmdline = "console=ttyS0 panic=-1 quiet"
)

// defaultFinder looks in the real places.
func defaultFinder() toolFinder {
	var u syscall.Utsname
	_ = syscall.Uname(&u)
	return toolFinder{lookPath: exec.LookPath, bootDir: "/boot", release: utsString(u.Release[:]),
		qemuPaths: []string{"/usr/libexec/qemu-kvm"}}
}

// measureVM boots the VM o.VMRuns times under the first accelerator of the
// plan that works.
func measureVM(ctx context.Context, o Options, f toolFinder, progress func(string)) (VMResult, error) {
	res := VMResult{MemoryMiB: o.VMMemory >> 20}
	if runtime.GOARCH != "amd64" {
		res.NotMeasured = "the VM boots an x86-64 kernel, and this machine is " + runtime.GOARCH
		return res, nil
	}
	tools, missing, err := f.find(o.Kernel)
	if err != nil {
		return res, err
	}
	if len(missing) > 0 {
		var whys []string
		for _, m := range missing {
			whys = append(whys, m.what+" ("+m.why+")")
		}
		res.NotMeasured = "missing " + strings.Join(whys, ", ")
		res.Install = installHint(missing, osFamily("/etc/os-release"))
		return res, nil
	}
	res.Qemu, res.Kernel = tools.qemu, tools.kernel
	plan, note, err := accelPlan(o.Accel, func() error { return probeKVM(kvmDevice) })
	if err != nil {
		return res, err
	}
	res.AccelNote = note

	dir, err := os.MkdirTemp("", "dockling-compare-")
	if err != nil {
		return res, fmt.Errorf("make a directory for the initramfs: %w", err)
	}
	defer os.RemoveAll(dir)
	initrd := filepath.Join(dir, "initramfs.cpio.gz")
	if err := writeInitramfs(initrd, tools.busybox); err != nil {
		return res, err
	}
	res.KernelBytes, res.InitramfsBytes = fileSize(tools.kernel), fileSize(initrd)

	for i, accel := range plan {
		progress(fmt.Sprintf("booting a VM: qemu, %s, %d MiB, %s", accel.Describe(), res.MemoryMiB, filepath.Base(tools.kernel)))
		runs, failed, err := bootRuns(ctx, tools, initrd, accel, res.MemoryMiB, o.VMRuns)
		if err != nil && i+1 < len(plan) && ctx.Err() == nil {
			// Only auto has a next accelerator: say why KVM was passed over.
			res.AccelNote = "KVM was tried first and failed: " + failed.reason()
			progress(res.AccelNote)
			continue
		}
		if err != nil {
			return res, err
		}
		res.Accel = accel
		res.Timing = medianTiming(runs)
		var rss []int64
		for _, r := range runs {
			rss = append(rss, r.maxRSS)
		}
		res.PeakRSS = median(rss)
		return res, nil
	}
	return res, fmt.Errorf("no accelerator to try") // unreachable: plans are never empty
}

// bootRuns boots the VM n times and returns the runs, or the first failed
// run and why it failed.
func bootRuns(ctx context.Context, t vmTools, initrd string, accel Accel, memMiB int64, n int) ([]run, run, error) {
	timeout := tcgBootTimeout
	if accel == KVM {
		timeout = kvmBootTimeout
	}
	var runs []run
	for range n {
		boot, cancel := context.WithTimeout(ctx, timeout)
		cmd := exec.CommandContext(boot, t.qemu, qemuArgs(accel, t.kernel, initrd, memMiB)...)
		// If dockling dies, the VM goes with it.
		cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
		r := timeCommand(boot, cmd)
		cancel()
		if err := r.failure("boot the VM under " + accel.Describe()); err != nil {
			return nil, r, err
		}
		runs = append(runs, r)
	}
	return runs, run{}, nil
}

// qemuArgs is the qemu command line. -machine accel= rather than -accel:
// the older spelling also works on CentOS 7's qemu-kvm 1.5. No network
// card (the container runs with --network none too), no graphics: the
// serial console is qemu's standard output.
func qemuArgs(accel Accel, kernel, initrd string, memMiB int64) []string {
	args := []string{"-machine", "accel=" + string(accel)}
	if accel == KVM {
		// The host CPU as it is, as every KVM setup does.
		args = append(args, "-cpu", "host")
	}
	return append(args, "-m", strconv.FormatInt(memMiB, 10), "-smp", "1",
		"-nographic", "-no-reboot", "-net", "none",
		"-kernel", kernel, "-initrd", initrd, "-append", kernelCmdline)
}

func fileSize(path string) int64 {
	st, err := os.Stat(path)
	if err != nil {
		return 0
	}
	return st.Size()
}

// reason is a failed boot in a few words: what qemu said went wrong (its
// first line that says "error"), or how it ended.
func (r run) reason() string {
	for _, line := range strings.Split(r.stderr, "\n") {
		if strings.Contains(strings.ToLower(line), "error") {
			return strings.TrimSpace(line)
		}
	}
	switch {
	case errors.Is(r.err, context.DeadlineExceeded):
		return fmt.Sprintf("the guest did not reach userland within %s", kvmBootTimeout)
	case r.err != nil:
		return "qemu: " + r.err.Error()
	}
	return "the guest powered off without reaching userland"
}

func utsString(b []int8) string {
	var s strings.Builder
	for _, c := range b {
		if c == 0 {
			break
		}
		s.WriteByte(byte(c))
	}
	return s.String()
}
