package compare

import (
	"strings"
	"testing"
	"time"
)

// measured is a result as this machine produced it once, rounded.
func measured() Result {
	return Result{
		Host:    Host{CPUs: 2, Kernel: "6.1.0-test"},
		Process: ProcessResult{Timing: Timing{Start: 900 * time.Microsecond, Total: 1070 * time.Microsecond, Runs: 5}, PeakRSS: 1600 << 10},
		Container: ContainerResult{Timing: Timing{Start: 20 * time.Millisecond, Total: 25 * time.Millisecond, Runs: 5},
			PeakRSS: 1200 << 10, CgroupPeak: 768 << 10, CgroupCurrent: 512 << 10, RuntimeRSS: 13 << 20,
			Image: "hostbox", ImageBytes: 17 << 20, OwnBytes: 52 << 10},
		VM: VMResult{Accel: TCG, AccelNote: "KVM was tried first and failed: no luck", MemoryMiB: 128,
			Timing:  Timing{Start: 2400 * time.Millisecond, Total: 2430 * time.Millisecond, Runs: 1},
			PeakRSS: 213 << 20, KernelBytes: 14 << 20, InitramfsBytes: 1100 << 10},
	}
}

func TestTableHasARowPerKindWithItsNumbers(t *testing.T) {
	got := Table(measured())
	want := `| | start | memory | disk |
|---|---|---|---|
| process | 0.90 ms | 1.6 MiB | nothing of its own |
| container (` + "`dockling run`" + `) | 20 ms | 1.2 MiB | 17 MiB image, shared; 52 KiB of its own |
| VM (qemu, emulation (tcg), 128 MiB) | 2.40 s | 213 MiB | 14 MiB kernel + 1.1 MiB initramfs |
`
	if got != want {
		t.Errorf("Table:\n%s\nwant:\n%s", got, want)
	}
}

func TestTableSaysWhatWasNotMeasured(t *testing.T) {
	r := measured()
	r.Container = ContainerResult{NotMeasured: "needs root (namespaces, cgroups, mounts): run sudo dockling compare"}
	r.VM = VMResult{NotMeasured: "missing qemu (qemu-system-x86_64 is not in $PATH)", Install: "apt install qemu-system-x86"}
	got := Table(r)
	for _, want := range []string{
		"| container (`dockling run`) | not measured: needs root (namespaces, cgroups, mounts): run sudo dockling compare |  |  |",
		"| VM (qemu) | not measured: missing qemu (qemu-system-x86_64 is not in $PATH) |  |  |",
		"| process | 0.90 ms |",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("table lacks %q:\n%s", want, got)
		}
	}
}

func TestMeaningGivesRatiosFromTheNumbers(t *testing.T) {
	text := strings.Join(Meaning(measured(), 24<<30), "\n")
	for _, want := range []string{
		"the VM took 120× as long as the container",         // 2.4 s / 20 ms
		"The container took 22× as long as a plain process", // 20 ms / 0.9 ms
		"held 1.2 MiB in the container and 1.6 MiB as a plain process",
		"Its cgroup was charged 768 KiB",
		"stays beside it (13 MiB resident)",
		"The VM's qemu held 213 MiB",
		"and its cache of translated code", // tcg only
		"182× the container, or 15× counting the `dockling run`",
		"this machine's 24.0 GiB would hold about 115 such VMs, or 20971 such containers (1734 with",
		"(52 KiB here)",
		"KVM was tried first and failed: no luck",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("the explanation lacks %q:\n%s", want, text)
		}
	}
}

func TestMeaningUnderKVMSaysNothingOfEmulation(t *testing.T) {
	r := measured()
	r.VM.Accel, r.VM.AccelNote = KVM, ""
	text := strings.Join(Meaning(r, 0), "\n")
	if strings.Contains(text, "translated code") || strings.Contains(text, "Emulation") {
		t.Errorf("a KVM run is explained as emulation:\n%s", text)
	}
	if !strings.Contains(text, "hardware virtualization") {
		t.Errorf("a KVM run does not say it used hardware virtualization:\n%s", text)
	}
	if strings.Contains(text, "Density") {
		t.Errorf("density given without the host's memory:\n%s", text)
	}
}

func TestMeaningWithoutTheVMComparesOnlyWhatRan(t *testing.T) {
	r := measured()
	r.VM = VMResult{NotMeasured: "missing qemu"}
	text := strings.Join(Meaning(r, 24<<30), "\n")
	if strings.Contains(text, "VM") {
		t.Errorf("the explanation talks about a VM that did not run:\n%s", text)
	}
	if !strings.Contains(text, "The container took 22× as long as a plain process") {
		t.Errorf("the explanation lacks the container/process ratio:\n%s", text)
	}
}

func TestMarkdownTellsHowToGetTheVM(t *testing.T) {
	r := measured()
	r.VM = VMResult{NotMeasured: "missing qemu (not in $PATH)", Install: "apt install qemu-system-x86 busybox-static"}
	md := Markdown(r, 0)
	if !strings.HasPrefix(md, "# VMs vs containers on this machine\n") {
		t.Errorf("report does not start with its title:\n%s", md)
	}
	want := "## Measure the VM too\n\nThe VM was not measured: missing qemu (not in $PATH). Install it, then run `dockling compare` again:\n\n```sh\napt install qemu-system-x86 busybox-static\n```\n"
	if !strings.Contains(md, want) {
		t.Errorf("report lacks the install section %q:\n%s", want, md)
	}
	if !strings.Contains(md, "Until each had exited: process 1.07 ms, container 25 ms (with --rm's removal).") {
		t.Errorf("report lacks the totals line:\n%s", md)
	}
}

func TestFormatting(t *testing.T) {
	for _, c := range []struct {
		got, want string
	}{
		{Duration(420 * time.Microsecond), "0.42 ms"},
		{Duration(9990 * time.Microsecond), "9.99 ms"},
		{Duration(35400 * time.Microsecond), "35 ms"},
		{Duration(2346 * time.Millisecond), "2.35 s"},
		{Bytes(900), "900 B"},
		{Bytes(52 << 10), "52 KiB"},
		{Bytes(1600 << 10), "1.6 MiB"},
		{Bytes(213 << 20), "213 MiB"},
		{Bytes(3 << 30), "3.0 GiB"},
		{Ratio(2400*time.Millisecond, 20*time.Millisecond), "120×"},
		{Ratio(int64(34), int64(10)), "3.4×"},
		{Ratio(int64(5), int64(0)), "∞×"},
		{hostLine(Host{CPUs: 1, Kernel: "3.10.0"}), "Measured on this machine: 1 CPU, Linux 3.10.0"},
	} {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
}

func TestMeaningWithoutTheContainerComparesTheVMWithTheProcess(t *testing.T) {
	r := measured()
	r.Container = ContainerResult{NotMeasured: "needs root"}
	text := strings.Join(Meaning(r, 24<<30), "\n")
	if !strings.Contains(text, "the VM took 2667× as long as a plain process") { // 2.4 s / 0.9 ms
		t.Errorf("the explanation lacks the VM/process ratio:\n%s", text)
	}
	if strings.Contains(text, "container took") || strings.Contains(text, "Density") {
		t.Errorf("the explanation uses the container that did not run:\n%s", text)
	}
}
