package compare

import (
	"fmt"
	"strings"
	"time"
)

// Markdown is the report: the table, what the numbers mean, and how to
// measure what could not be measured here. hostMem is the machine's RAM in
// bytes, for the density line (0 leaves it out).
func Markdown(r Result, hostMem int64) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# VMs vs containers on this machine\n\n")
	fmt.Fprintf(&b, "%s. **start**: from starting a program that prints one line until that line arrives "+
		"(`echo`; in the VM, its /init), median of %s. "+
		"**memory**: the most resident memory held at once, by `cat` waiting for input (in the VM, by qemu). "+
		"**disk**: what it needs on disk.\n\n", hostLine(r.Host), runsLine(r))
	b.WriteString(Table(r))
	if line := totalsLine(r); line != "" {
		fmt.Fprintf(&b, "\n%s\n", line)
	}
	if points := Meaning(r, hostMem); len(points) > 0 {
		b.WriteString("\n## What this means\n\n")
		for _, p := range points {
			fmt.Fprintf(&b, "- %s\n", p)
		}
	}
	if r.VM.Install != "" {
		fmt.Fprintf(&b, "\n## Measure the VM too\n\nThe VM was not measured: %s. Install it, then run `dockling compare` again:\n\n```sh\n%s\n```\n",
			r.VM.NotMeasured, r.VM.Install)
	}
	return b.String()
}

// Table is the Markdown table of the three rows.
func Table(r Result) string {
	var b strings.Builder
	b.WriteString("| | start | memory | disk |\n|---|---|---|---|\n")
	row := func(name string, cells ...string) {
		fmt.Fprintf(&b, "| %s | %s |\n", name, strings.Join(cells, " | "))
	}
	p := r.Process
	if p.Runs > 0 {
		row("process", Duration(p.Start), Bytes(p.PeakRSS), "nothing of its own")
	} else {
		row("process", "failed", "", "")
	}
	c := r.Container
	if c.NotMeasured == "" {
		row("container (`dockling run`)", Duration(c.Start), Bytes(c.PeakRSS),
			fmt.Sprintf("%s image, shared; %s of its own", Bytes(c.ImageBytes), Bytes(c.OwnBytes)))
	} else {
		row("container (`dockling run`)", "not measured: "+c.NotMeasured, "", "")
	}
	v := r.VM
	if v.NotMeasured == "" {
		row(fmt.Sprintf("VM (qemu, %s, %d MiB)", v.Accel.Describe(), v.MemoryMiB), Duration(v.Start), Bytes(v.PeakRSS),
			fmt.Sprintf("%s kernel + %s initramfs", Bytes(v.KernelBytes), Bytes(v.InitramfsBytes)))
	} else {
		row("VM (qemu)", "not measured: "+v.NotMeasured, "", "")
	}
	return b.String()
}

// Meaning is a few sentences on what the table says: ratios, where the
// numbers come from, and what they leave out.
func Meaning(r Result, hostMem int64) []string {
	p, c, v := r.Process, r.Container, r.VM
	haveP := p.Runs > 0
	haveC := c.NotMeasured == "" && c.Runs > 0 && c.PeakRSS > 0
	haveV := v.NotMeasured == "" && v.Runs > 0 && v.PeakRSS > 0
	var out []string
	if haveC && haveV {
		out = append(out, fmt.Sprintf("**Start**: the VM took %s as long as the container to run its program. "+
			"A container is a process that the running kernel sets up (namespaces, a cgroup, an overlay mount); "+
			"a VM is a machine that must start: firmware, its own kernel, its own init.", Ratio(v.Start, c.Start)))
	}
	if haveV && haveP && !haveC {
		out = append(out, fmt.Sprintf("**Start**: the VM took %s as long as a plain process to run its program: "+
			"a VM is a machine that must start: firmware, its own kernel, its own init.", Ratio(v.Start, p.Start)))
	}
	if haveC && haveP {
		out = append(out, fmt.Sprintf("The container took %s as long as a plain process: that difference is "+
			"all of dockling's work, from its own start to the overlay mount, on a kernel that is already running.",
			Ratio(c.Start, p.Start)))
	}
	if haveC {
		line := fmt.Sprintf("**Memory**: `cat`, waiting for input, held %s in the container", Bytes(c.PeakRSS))
		if haveP {
			line += fmt.Sprintf(" and %s as a plain process", Bytes(p.PeakRSS))
		}
		out = append(out, line+fmt.Sprintf(": the program in a container is an ordinary process, with no second kernel under it. "+
			"Its cgroup was charged %s: only the pages the container brought in, not the libraries the host had already loaded. "+
			"While it runs attached, the `dockling run` that started it stays beside it (%s resident), "+
			"as docker keeps a shim process per container.", Bytes(c.CgroupMemory()), Bytes(c.RuntimeRSS)))
	}
	if haveV {
		line := fmt.Sprintf("The VM's qemu held %s: the guest kernel and the part of its %d MiB it touched, plus qemu itself",
			Bytes(v.PeakRSS), v.MemoryMiB)
		if v.Accel == TCG {
			line += " and its cache of translated code"
		}
		if haveC {
			line += fmt.Sprintf("; %s the container, or %s counting the `dockling run` beside it",
				Ratio(v.PeakRSS, c.PeakRSS), Ratio(v.PeakRSS, c.PeakRSS+c.RuntimeRSS))
		}
		out = append(out, line+".")
	}
	if hostMem > 0 && haveC && haveV {
		out = append(out, fmt.Sprintf("**Density**: by memory alone, this machine's %s would hold about %d such VMs, "+
			"or %d such containers (%d with a `dockling run` beside each). A real app's own memory comes on top in both cases; "+
			"what differs is the overhead.", Bytes(hostMem), hostMem/v.PeakRSS, hostMem/c.PeakRSS, hostMem/(c.PeakRSS+c.RuntimeRSS)))
	}
	if haveC {
		out = append(out, fmt.Sprintf("**Disk**: the container's files are the image, stored once and shared "+
			"read-only by every container made from it; each container adds only its writable layer, record and log (%s here).",
			Bytes(c.OwnBytes)))
	}
	if haveV {
		out = append(out, "This VM has no disk at all: its whole system is an initramfs in RAM. "+
			"A VM with a real distribution boots from a disk image of its own, several GB, one per VM.")
		out = append(out, accelLine(v))
	}
	return out
}

// accelLine says how the VM's instructions ran, and why.
func accelLine(v VMResult) string {
	if v.Accel == KVM {
		return "**KVM**: the VM ran with hardware virtualization, as clouds run their VMs."
	}
	why := "--accel tcg asked for it."
	if v.AccelNote != "" {
		why = v.AccelNote + "."
	}
	return "**Emulation**: the VM ran under emulation (tcg), which translates every guest instruction in software. " + why +
		" With KVM the same boot is much faster, yet still a whole machine starting."
}

// hostLine names the machine: "2 CPUs, Linux 6.1.0".
func hostLine(h Host) string {
	cpus := fmt.Sprintf("%d CPUs", h.CPUs)
	if h.CPUs == 1 {
		cpus = "1 CPU"
	}
	return fmt.Sprintf("Measured on this machine: %s, Linux %s", cpus, h.Kernel)
}

func runsLine(r Result) string {
	s := fmt.Sprintf("%d %s", max(r.Process.Runs, r.Container.Runs), plural(max(r.Process.Runs, r.Container.Runs), "run", "runs"))
	if r.VM.Runs > 0 {
		s += fmt.Sprintf(" (the VM: %d %s)", r.VM.Runs, plural(r.VM.Runs, "boot", "boots"))
	}
	return s
}

// totalsLine gives the time until each had exited: for the container that
// includes --rm's teardown, for the VM its power-off.
func totalsLine(r Result) string {
	var parts []string
	if r.Process.Runs > 0 {
		parts = append(parts, "process "+Duration(r.Process.Total))
	}
	if r.Container.NotMeasured == "" && r.Container.Runs > 0 {
		parts = append(parts, "container "+Duration(r.Container.Total)+" (with --rm's removal)")
	}
	if r.VM.NotMeasured == "" && r.VM.Runs > 0 {
		parts = append(parts, "VM "+Duration(r.VM.Total)+" (with its power-off)")
	}
	if len(parts) == 0 {
		return ""
	}
	return "Until each had exited: " + strings.Join(parts, ", ") + "."
}

// Duration prints a time with the precision that matters at its size.
func Duration(d time.Duration) string {
	ms := float64(d) / float64(time.Millisecond)
	switch {
	case d >= time.Second:
		return fmt.Sprintf("%.2f s", d.Seconds())
	case ms >= 10:
		return fmt.Sprintf("%.0f ms", ms)
	default:
		return fmt.Sprintf("%.2f ms", ms)
	}
}

// Bytes prints a size in binary units, about three significant digits.
func Bytes(n int64) string {
	f := float64(n)
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", f/(1<<30))
	case n >= 10<<20:
		return fmt.Sprintf("%.0f MiB", f/(1<<20))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", f/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.0f KiB", f/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}

// Ratio is how many times a is b, as "120×" or "3.4×".
func Ratio[T time.Duration | int64](a, b T) string {
	if b <= 0 {
		return "∞×"
	}
	r := float64(a) / float64(b)
	if r >= 10 {
		return fmt.Sprintf("%.0f×", r)
	}
	return fmt.Sprintf("%.1f×", r)
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
