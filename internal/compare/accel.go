package compare

import (
	"fmt"
	"os"

	"golang.org/x/sys/unix"
)

// Accel is how qemu runs the guest's instructions.
type Accel string

const (
	// KVM runs guest code directly on the CPU, with the hardware's
	// virtualization support (VT-x, AMD-V) trapping what it may not do.
	KVM Accel = "kvm"
	// TCG is qemu's Tiny Code Generator: it translates every guest
	// instruction in software. Slow, but it needs nothing from the host.
	TCG Accel = "tcg"
	// Auto tries KVM where /dev/kvm answers, and falls back to TCG.
	Auto Accel = "auto"
)

// Describe is the name shown in the table.
func (a Accel) Describe() string {
	switch a {
	case KVM:
		return "hardware (KVM)"
	case TCG:
		return "emulation (tcg)"
	}
	return string(a)
}

// ParseAccel reads --accel.
func ParseAccel(s string) (Accel, error) {
	switch a := Accel(s); a {
	case KVM, TCG, Auto:
		return a, nil
	}
	return "", fmt.Errorf("unknown --accel %q: use kvm (hardware), tcg (emulation) or auto (kvm if /dev/kvm works, else tcg)", s)
}

// kvmDevice is where the kernel's KVM module answers.
const kvmDevice = "/dev/kvm"

// kvmAPIVersion is the only version KVM has ever reported (since Linux
// 2.6.22); anything else is not a KVM we can talk to.
const kvmAPIVersion = 12

// probeKVM asks the KVM device at path for its API version, which is what
// qemu does first. It fails when the module is not loaded (no device), when
// we may not open it (not in the kvm group), or when it is not KVM.
func probeKVM(path string) error {
	fd, err := unix.Open(path, unix.O_RDWR|unix.O_CLOEXEC, 0)
	if err != nil {
		if os.IsNotExist(err) {
			return fmt.Errorf("no %s: the CPU's virtualization support is off or hidden (in a VM: nested virtualization), or the kvm module is not loaded", path)
		}
		return fmt.Errorf("open %s: %w", path, err)
	}
	defer unix.Close(fd)
	// KVM_GET_API_VERSION is _IO(0xAE, 0x00).
	v, err := unix.IoctlRetInt(fd, 0xAE00)
	if err != nil {
		return fmt.Errorf("%s does not answer as KVM: %w", path, err)
	}
	if v != kvmAPIVersion {
		return fmt.Errorf("%s reports KVM API version %d, want %d", path, v, kvmAPIVersion)
	}
	return nil
}

// accelPlan turns --accel into the accelerators to try, in order, and a
// note for the reader when auto could not use KVM. An explicit kvm that
// cannot work is an error: the user asked for exactly that.
func accelPlan(want Accel, probe func() error) (plan []Accel, note string, err error) {
	switch want {
	case TCG:
		return []Accel{TCG}, "", nil
	case KVM:
		if err := probe(); err != nil {
			return nil, "", fmt.Errorf("--accel kvm: %w; use --accel tcg for emulation", err)
		}
		return []Accel{KVM}, "", nil
	case Auto:
		if err := probe(); err != nil {
			return []Accel{TCG}, "KVM is not usable here: " + err.Error(), nil
		}
		// /dev/kvm answering is not proof that guests run: some nested
		// setups crash or hang them. If the KVM boot fails, emulate.
		return []Accel{KVM, TCG}, "", nil
	}
	return nil, "", fmt.Errorf("unknown accelerator %q", want)
}
