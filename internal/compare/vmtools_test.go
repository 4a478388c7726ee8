package compare

import (
	"bytes"
	"context"
	"debug/elf"
	"encoding/binary"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
)

// writeELF writes a minimal x86-64 executable header to path: one PT_LOAD,
// plus a PT_INTERP when dynamic, which is all findStaticBusybox reads.
func writeELF(t *testing.T, path string, dynamic bool) {
	t.Helper()
	progs := []elf.Prog64{{Type: uint32(elf.PT_LOAD), Flags: uint32(elf.PF_R | elf.PF_X), Vaddr: 0x400000, Align: 0x1000}}
	if dynamic {
		progs = append([]elf.Prog64{{Type: uint32(elf.PT_INTERP), Flags: uint32(elf.PF_R), Align: 1}}, progs...)
	}
	hdr := elf.Header64{Type: uint16(elf.ET_EXEC), Machine: uint16(elf.EM_X86_64), Version: uint32(elf.EV_CURRENT),
		Entry: 0x400000, Phoff: 64, Ehsize: 64, Phentsize: 56, Phnum: uint16(len(progs)), Shentsize: 64}
	copy(hdr.Ident[:], []byte{0x7f, 'E', 'L', 'F', byte(elf.ELFCLASS64), byte(elf.ELFDATA2LSB), byte(elf.EV_CURRENT)})
	var b bytes.Buffer
	if err := binary.Write(&b, binary.LittleEndian, hdr); err != nil {
		t.Fatal(err)
	}
	if err := binary.Write(&b, binary.LittleEndian, progs); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b.Bytes(), 0o755); err != nil {
		t.Fatal(err)
	}
}

// fakeHost is a $PATH directory and a /boot of a test's own.
func fakeHost(t *testing.T) (bin, boot string, f toolFinder) {
	t.Helper()
	bin, boot = t.TempDir(), t.TempDir()
	look := func(name string) (string, error) {
		p := filepath.Join(bin, name)
		if !isExecutable(p) {
			return "", exec.ErrNotFound
		}
		return p, nil
	}
	return bin, boot, toolFinder{lookPath: look, bootDir: boot, release: "6.1.0-9-amd64"}
}

func touch(t *testing.T, path string, mode os.FileMode) {
	t.Helper()
	if err := os.WriteFile(path, []byte("#!/bin/sh\n"), mode); err != nil {
		t.Fatal(err)
	}
}

func TestFindToolsPrefersTheNewestCloudKernel(t *testing.T) {
	bin, boot, f := fakeHost(t)
	touch(t, filepath.Join(bin, "qemu-system-x86_64"), 0o755)
	writeELF(t, filepath.Join(bin, "busybox"), false)
	for _, k := range []string{"vmlinuz-6.1.0-9-amd64", "vmlinuz-6.1.0-9-cloud-amd64", "vmlinuz-6.1.0-10-cloud-amd64", "vmlinuz-5.10.0-30-cloud-amd64"} {
		touch(t, filepath.Join(boot, k), 0o644)
	}
	tools, missing, err := f.find("")
	if err != nil || len(missing) > 0 {
		t.Fatalf("find: %v, missing %+v", err, missing)
	}
	if want := filepath.Join(boot, "vmlinuz-6.1.0-10-cloud-amd64"); tools.kernel != want {
		t.Errorf("kernel %s, want %s (the newest cloud kernel: 10 sorts after 9)", tools.kernel, want)
	}
	if tools.qemu != filepath.Join(bin, "qemu-system-x86_64") || tools.busybox != filepath.Join(bin, "busybox") {
		t.Errorf("tools %+v", tools)
	}
}

func TestFindToolsFallsBackToTheRunningKernelThenAnyKernel(t *testing.T) {
	_, boot, f := fakeHost(t)
	touch(t, filepath.Join(boot, "vmlinuz-6.1.0-10-amd64"), 0o644)
	touch(t, filepath.Join(boot, "vmlinuz-6.1.0-9-amd64"), 0o644) // uname -r
	if k, err := f.findKernel(); err != nil || k != filepath.Join(boot, "vmlinuz-6.1.0-9-amd64") {
		t.Errorf("findKernel = %s, %v; want the running kernel's image", k, err)
	}
	f.release = "3.10.0-1160.el7.x86_64" // not in this /boot
	if k, err := f.findKernel(); err != nil || k != filepath.Join(boot, "vmlinuz-6.1.0-10-amd64") {
		t.Errorf("findKernel = %s, %v; want the newest kernel", k, err)
	}
}

func TestFindToolsNamesWhatIsMissing(t *testing.T) {
	bin, _, f := fakeHost(t)
	writeELF(t, filepath.Join(bin, "busybox"), true) // Debian's busybox package, not busybox-static
	_, missing, err := f.find("")
	if err != nil {
		t.Fatal(err)
	}
	var what []string
	for _, m := range missing {
		what = append(what, m.what+": "+m.why)
	}
	want := []string{
		"qemu: qemu-system-x86_64 is not in $PATH",
		"a kernel to boot: no vmlinuz-* in " + f.bootDir,
		"a static busybox: " + filepath.Join(bin, "busybox") + " is dynamically linked",
	}
	if !slices.Equal(what, want) {
		t.Errorf("missing:\n  %s\nwant:\n  %s", strings.Join(what, "\n  "), strings.Join(want, "\n  "))
	}
	for family, hint := range map[string]string{
		"debian": "apt install qemu-system-x86 linux-image-cloud-amd64 busybox-static",
		"redhat": "yum install epel-release && yum install qemu-kvm kernel busybox",
		"":       "apt install qemu-system-x86 linux-image-cloud-amd64 busybox-static (Debian, Ubuntu), or yum install epel-release && yum install qemu-kvm kernel busybox (CentOS, Fedora)",
	} {
		if got := installHint(missing, family); got != hint {
			t.Errorf("installHint(%q) = %q, want %q", family, got, hint)
		}
	}
	// Only qemu missing: only qemu to install.
	if got := installHint(missing[:1], "redhat"); got != "yum install qemu-kvm" {
		t.Errorf("installHint(qemu only, redhat) = %q", got)
	}
}

func TestFindToolsUsesCentOSQemuKVM(t *testing.T) {
	_, _, f := fakeHost(t)
	libexec := filepath.Join(t.TempDir(), "qemu-kvm")
	touch(t, libexec, 0o755)
	f.qemuPaths = []string{libexec}
	tools, _, err := f.find("")
	if err != nil || tools.qemu != libexec {
		t.Errorf("qemu = %q, %v; want %s", tools.qemu, err, libexec)
	}
}

func TestFindToolsRefusesAKernelFlagThatIsNoFile(t *testing.T) {
	_, boot, f := fakeHost(t)
	_, _, err := f.find(filepath.Join(boot, "vmlinuz-nope"))
	if err == nil || !strings.Contains(err.Error(), "--kernel: open "+filepath.Join(boot, "vmlinuz-nope")) {
		t.Errorf("find(missing kernel) error = %v", err)
	}
}

func TestOSFamily(t *testing.T) {
	dir := t.TempDir()
	for content, want := range map[string]string{
		"ID=debian\nVERSION_ID=\"12\"\n":             "debian",
		"ID=ubuntu\nID_LIKE=debian\n":                "debian",
		"ID=\"centos\"\nID_LIKE=\"rhel fedora\"\n":   "redhat",
		"ID=rocky\nID_LIKE=\"rhel centos fedora\"\n": "redhat",
		"ID=arch\n": "",
		"NAME=\"nothing useful\"\nPRETTY_NAME=\"Debian-ish\"\n": "",
	} {
		p := filepath.Join(dir, "os-release")
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		if got := osFamily(p); got != want {
			t.Errorf("osFamily(%q) = %q, want %q", content, got, want)
		}
	}
	if got := osFamily(filepath.Join(dir, "none")); got != "" {
		t.Errorf("osFamily(no file) = %q", got)
	}
}

func TestVersionCompare(t *testing.T) {
	in := []string{"vmlinuz-6.1.0-10-cloud-amd64", "vmlinuz-5.10.0-30-cloud-amd64", "vmlinuz-6.1.0-9-cloud-amd64", "vmlinuz-6.1.0-09-cloud-amd64x"}
	slices.SortFunc(in, versionCompare)
	want := []string{"vmlinuz-5.10.0-30-cloud-amd64", "vmlinuz-6.1.0-9-cloud-amd64", "vmlinuz-6.1.0-09-cloud-amd64x", "vmlinuz-6.1.0-10-cloud-amd64"}
	if !slices.Equal(in, want) {
		t.Errorf("sorted %v, want %v", in, want)
	}
}

// The real finder with a $PATH that holds no qemu: the VM is not measured,
// no error, and the report says what to install.
func TestMeasureVMWithoutQemuSaysHowToGetIt(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	f := defaultFinder()
	f.qemuPaths = nil // CentOS's /usr/libexec/qemu-kvm is outside $PATH
	res, err := measureVM(context.Background(), Options{Accel: Auto, VMMemory: 128 << 20, VMRuns: 1}, f, func(string) {})
	if err != nil {
		t.Fatalf("measureVM without qemu: %v", err)
	}
	if runtime.GOARCH != "amd64" {
		if !strings.Contains(res.NotMeasured, "this machine is "+runtime.GOARCH) {
			t.Errorf("NotMeasured = %q", res.NotMeasured)
		}
		return
	}
	if !strings.Contains(res.NotMeasured, "missing qemu (qemu-system-x86_64 is not in $PATH)") ||
		!strings.Contains(res.NotMeasured, "a static busybox (busybox is not in $PATH)") {
		t.Errorf("NotMeasured = %q", res.NotMeasured)
	}
	if !strings.Contains(res.Install, "qemu-system-x86") && !strings.Contains(res.Install, "qemu-kvm") {
		t.Errorf("Install = %q, want the qemu package", res.Install)
	}
	md := Markdown(Result{Host: Host{CPUs: 1}, VM: res}, 0)
	if !strings.Contains(md, "## Measure the VM too") || !strings.Contains(md, res.Install) || !strings.Contains(md, "| VM (qemu) | not measured: missing qemu") {
		t.Errorf("report does not say how to get the VM:\n%s", md)
	}
}
