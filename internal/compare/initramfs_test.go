package compare

import (
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"testing"
)

// readNewc parses a newc archive the way the kernel does
// (init/initramfs.c): 110-byte header, name, data, each padded to 4.
func readNewc(t *testing.T, b []byte) []cpioEntry {
	t.Helper()
	var out []cpioEntry
	for off := 0; ; {
		if off+110 > len(b) {
			t.Fatalf("archive ends at %d inside a header", off)
		}
		hdr := string(b[off : off+110])
		if hdr[:6] != "070701" {
			t.Fatalf("bad magic %q at %d", hdr[:6], off)
		}
		field := func(i int) uint32 {
			n, err := strconv.ParseUint(hdr[6+8*i:14+8*i], 16, 32)
			if err != nil {
				t.Fatalf("header field %d at %d: %v", i, off, err)
			}
			return uint32(n)
		}
		mode, size, rmaj, rmin, namesize := field(1), field(6), field(9), field(10), field(11)
		name := string(b[off+110 : off+110+int(namesize)-1])
		if b[off+110+int(namesize)-1] != 0 {
			t.Fatalf("name %q not NUL-terminated", name)
		}
		off = align4(off + 110 + int(namesize))
		data := b[off : off+int(size)]
		off = align4(off + int(size))
		if name == "TRAILER!!!" {
			if off != len(b) {
				t.Errorf("%d bytes after the trailer", len(b)-off)
			}
			return out
		}
		out = append(out, cpioEntry{name: name, mode: mode, data: data, rmaj: rmaj, rmin: rmin})
	}
}

func align4(n int) int { return (n + 3) &^ 3 }

func TestWriteCpioIsWhatTheKernelReads(t *testing.T) {
	busybox := []byte("\x7fELF pretend busybox, 37 bytes long.")
	var buf bytes.Buffer
	if err := writeCpio(&buf, initramfsEntries(busybox)); err != nil {
		t.Fatal(err)
	}
	got := readNewc(t, buf.Bytes())
	want := []struct {
		name       string
		mode       uint32
		data       string
		rmaj, rmin uint32
	}{
		{"bin", sIFDIR | 0o755, "", 0, 0},
		{"bin/busybox", sIFREG | 0o755, string(busybox), 0, 0},
		{"dev", sIFDIR | 0o755, "", 0, 0},
		{"dev/console", sIFCHR | 0o600, "", 5, 1},
		{"init", sIFREG | 0o755, initScript, 0, 0},
	}
	if len(got) != len(want) {
		t.Fatalf("%d entries, want %d: %+v", len(got), len(want), got)
	}
	for i, w := range want {
		g := got[i]
		if g.name != w.name || g.mode != w.mode || string(g.data) != w.data || g.rmaj != w.rmaj || g.rmin != w.rmin {
			t.Errorf("entry %d = %q mode %o major %d minor %d data %q; want %q mode %o major %d minor %d data %q",
				i, g.name, g.mode, g.rmaj, g.rmin, g.data, w.name, w.mode, w.rmaj, w.rmin, w.data)
		}
	}
}

func TestInitPrintsTheMarkerThenPowersOff(t *testing.T) {
	if initScript[:20] != "#!/bin/busybox sh\n/b" {
		t.Errorf("/init does not start with busybox's shell: %q", initScript)
	}
	if !bytes.Contains([]byte(initScript), []byte("echo "+Marker+"\n/bin/busybox poweroff -f\n")) {
		t.Errorf("/init does not echo the marker and power off: %q", initScript)
	}
}

func TestWriteInitramfsGzipsTheArchive(t *testing.T) {
	dir := t.TempDir()
	bb := filepath.Join(dir, "busybox")
	if err := os.WriteFile(bb, []byte("static busybox bytes"), 0o755); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "initrd.gz")
	if err := writeInitramfs(out, bb); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatalf("initramfs is not gzip: %v", err)
	}
	raw, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	if got := readNewc(t, raw); len(got) != 5 || string(got[1].data) != "static busybox bytes" {
		t.Errorf("initramfs holds %+v", got)
	}
	// It never overwrites: the temporary directory is ours alone.
	if err := writeInitramfs(out, bb); err == nil {
		t.Error("writeInitramfs overwrote an existing file")
	}
}
