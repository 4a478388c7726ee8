// Package compare measures, on this machine, what it costs to start a plain
// process, a dockling container and a small virtual machine: how long each
// takes until its program runs, how much memory it holds, and how much disk
// it needs. `dockling compare` prints the numbers; lesson 03 explains them.
//
// Every number is measured the same way for all three: start a real
// program, note when its first line of output arrives, wait for its end,
// and ask the kernel (wait4's rusage, the container's cgroup) how much
// memory it held. Nothing is estimated.
package compare

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"syscall"
)

// Options says what to measure and how often.
type Options struct {
	Dockling  string // the dockling binary that runs the containers
	StateRoot string // $DOCKLING_ROOT, where the container and its image live
	Runs      int    // runs of the process and of the container (the median is kept)
	VMRuns    int    // boots of the VM
	Accel     Accel  // kvm, tcg or auto
	VMMemory  int64  // bytes of RAM for the guest
	Kernel    string // the kernel to boot; "" finds one in /boot
	// Progress, when set, hears what is being measured, for a learner
	// waiting on an emulated boot.
	Progress func(string)
}

// Host is the machine the numbers come from.
type Host struct {
	CPUs   int    `json:"cpus"`
	Kernel string `json:"kernel"`
}

// Result holds the three rows.
type Result struct {
	Host      Host            `json:"host"`
	Process   ProcessResult   `json:"process"`
	Container ContainerResult `json:"container"`
	VM        VMResult        `json:"vm"`
}

// MinVMMemory is the least RAM the guest gets: Debian's cloud kernel needs
// about this much to unpack itself and the initramfs.
const MinVMMemory = 64 << 20

// Validate checks the options a user typed, before anything runs.
func (o Options) Validate() error {
	switch {
	case o.Runs < 1:
		return fmt.Errorf("--runs %d: give at least 1", o.Runs)
	case o.VMRuns < 1:
		return fmt.Errorf("--vm-runs %d: give at least 1", o.VMRuns)
	case o.VMMemory < MinVMMemory:
		return fmt.Errorf("--vm-memory %d MiB is too little to boot Linux; give at least %dm", o.VMMemory>>20, MinVMMemory>>20)
	}
	_, err := ParseAccel(string(o.Accel))
	return err
}

// Run measures all three. A part that cannot be measured here (no root for
// the container, no qemu for the VM) says why in its NotMeasured and is no
// error; a measurement that fails is, and the other parts still run.
func Run(ctx context.Context, o Options) (Result, error) {
	if err := o.Validate(); err != nil {
		return Result{}, err
	}
	if o.Progress == nil {
		o.Progress = func(string) {}
	}
	progress := o.Progress
	var u syscall.Utsname
	_ = syscall.Uname(&u)
	res := Result{Host: Host{CPUs: runtime.NumCPU(), Kernel: utsString(u.Release[:])}}
	var errs []error
	var err error

	progress(fmt.Sprintf("a plain process: %d runs of %s", o.Runs, echoPath))
	if res.Process, err = measureProcess(ctx, o.Runs); err != nil {
		errs = append(errs, fmt.Errorf("measure the plain process: %w", err))
	}
	if ctx.Err() == nil {
		if res.Container, err = measureContainer(ctx, o); err != nil {
			res.Container.NotMeasured = "failed: see the error below"
			errs = append(errs, fmt.Errorf("measure the container: %w", err))
		}
	}
	if ctx.Err() == nil {
		if res.VM, err = measureVM(ctx, o, defaultFinder(), progress); err != nil {
			res.VM.NotMeasured = "failed: see the error below"
			errs = append(errs, fmt.Errorf("measure the VM: %w", err))
		}
	}
	if ctx.Err() != nil && len(errs) == 0 {
		errs = append(errs, fmt.Errorf("interrupted: %w", ctx.Err()))
	}
	return res, errors.Join(errs...)
}
