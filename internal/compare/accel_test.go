package compare

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestAccelPlan(t *testing.T) {
	works := func() error { return nil }
	broken := func() error { return errors.New("open /dev/kvm: permission denied") }
	for _, c := range []struct {
		want     Accel
		probe    func() error
		plan     []Accel
		note     string // part of the note
		errorHas string
	}{
		{want: TCG, probe: broken, plan: []Accel{TCG}},
		{want: TCG, probe: works, plan: []Accel{TCG}},
		{want: KVM, probe: works, plan: []Accel{KVM}},
		{want: KVM, probe: broken, errorHas: "--accel kvm: open /dev/kvm: permission denied; use --accel tcg"},
		// auto with a KVM that answers still keeps emulation as the fallback.
		{want: Auto, probe: works, plan: []Accel{KVM, TCG}},
		{want: Auto, probe: broken, plan: []Accel{TCG}, note: "KVM is not usable here: open /dev/kvm: permission denied"},
		{want: "xen", probe: works, errorHas: `unknown accelerator "xen"`},
	} {
		plan, note, err := accelPlan(c.want, c.probe)
		if c.errorHas != "" {
			if err == nil || !strings.Contains(err.Error(), c.errorHas) {
				t.Errorf("accelPlan(%s): error %v, want one with %q", c.want, err, c.errorHas)
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(plan, c.plan) || note != c.note {
			t.Errorf("accelPlan(%s) = %v, %q, %v; want %v, %q", c.want, plan, note, err, c.plan, c.note)
		}
	}
}

func TestParseAccel(t *testing.T) {
	for _, s := range []string{"kvm", "tcg", "auto"} {
		if a, err := ParseAccel(s); err != nil || string(a) != s {
			t.Errorf("ParseAccel(%q) = %q, %v", s, a, err)
		}
	}
	_, err := ParseAccel("hvf")
	if err == nil || !strings.Contains(err.Error(), `unknown --accel "hvf": use kvm (hardware), tcg (emulation) or auto`) {
		t.Errorf("ParseAccel(hvf) error = %v", err)
	}
	if TCG.Describe() != "emulation (tcg)" || KVM.Describe() != "hardware (KVM)" {
		t.Errorf("Describe: %q, %q", TCG.Describe(), KVM.Describe())
	}
}

// probeKVM against files that are not KVM: it must say what is wrong
// rather than let qemu fail later.
func TestProbeKVMRefusesWhatIsNotKVM(t *testing.T) {
	dir := t.TempDir()
	err := probeKVM(filepath.Join(dir, "kvm"))
	if err == nil || !strings.Contains(err.Error(), "no "+filepath.Join(dir, "kvm")+": the CPU's virtualization support is off") {
		t.Errorf("probeKVM(missing) = %v", err)
	}
	plain := filepath.Join(dir, "plain")
	if err := os.WriteFile(plain, []byte("not a device"), 0o600); err != nil {
		t.Fatal(err)
	}
	// A regular file takes no ioctl: ENOTTY.
	err = probeKVM(plain)
	if err == nil || !strings.Contains(err.Error(), plain+" does not answer as KVM") {
		t.Errorf("probeKVM(regular file) = %v", err)
	}
	// /dev/null is a device, but not KVM.
	if err := probeKVM(os.DevNull); err == nil || !strings.Contains(err.Error(), "does not answer as KVM") {
		t.Errorf("probeKVM(/dev/null) = %v", err)
	}
}
