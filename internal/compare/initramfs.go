package compare

import (
	"compress/gzip"
	"fmt"
	"io"
	"os"
)

// The VM's whole userland: busybox and an /init script that prints the
// marker on the serial console and powers the machine off at once. The
// kernel unpacks this archive (an initramfs) into memory and runs /init as
// PID 1; there is no disk.
//
// /init writes straight to /dev/console: before devtmpfs is mounted that is
// the node below, which the kernel opened for init as fds 0, 1 and 2.
const initScript = `#!/bin/busybox sh
/bin/busybox echo ` + Marker + `
/bin/busybox poweroff -f
`

// cpioEntry is one file of a newc ("070701") cpio archive, the format the
// kernel reads an initramfs in (Documentation/driver-api/early-userspace).
type cpioEntry struct {
	name         string
	mode         uint32 // file type bits and permissions, as in st_mode
	data         []byte
	rmaj, rmin   uint32 // device number of a device node
	uid, gid, ts uint32
}

const (
	sIFDIR = 0o040000
	sIFREG = 0o100000
	sIFCHR = 0o020000
)

// initramfsEntries is the VM's root file system, with busybox's bytes.
func initramfsEntries(busybox []byte) []cpioEntry {
	return []cpioEntry{
		{name: "bin", mode: sIFDIR | 0o755},
		{name: "bin/busybox", mode: sIFREG | 0o755, data: busybox},
		{name: "dev", mode: sIFDIR | 0o755},
		{name: "dev/console", mode: sIFCHR | 0o600, rmaj: 5, rmin: 1},
		{name: "init", mode: sIFREG | 0o755, data: []byte(initScript)},
	}
}

// writeCpio writes entries as a newc archive, ending with the trailer.
// Each header is 110 ASCII bytes (magic and thirteen 8-digit hex fields),
// then the name with its NUL, then the data, each padded to 4 bytes.
func writeCpio(w io.Writer, entries []cpioEntry) error {
	for i, e := range append(entries, cpioEntry{name: "TRAILER!!!"}) {
		nlink := uint32(1)
		if e.mode&sIFDIR != 0 {
			nlink = 2
		}
		ino := uint32(i + 1)
		if e.name == "TRAILER!!!" {
			ino, nlink = 0, 1
		}
		hdr := fmt.Sprintf("070701%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x",
			ino, e.mode, e.uid, e.gid, nlink, e.ts, len(e.data),
			0, 0, e.rmaj, e.rmin, len(e.name)+1, 0)
		if _, err := io.WriteString(w, hdr+e.name+"\x00"+pad(len(hdr)+len(e.name)+1)); err != nil {
			return err
		}
		if _, err := w.Write(e.data); err != nil {
			return err
		}
		if _, err := io.WriteString(w, pad(len(e.data))); err != nil {
			return err
		}
	}
	return nil
}

// pad is the NULs that bring n up to a multiple of 4.
func pad(n int) string { return "\x00\x00\x00"[:(4-n%4)%4] }

// writeInitramfs writes the gzip-compressed archive with busybox to path.
func writeInitramfs(path, busyboxPath string) error {
	bb, err := os.ReadFile(busyboxPath)
	if err != nil {
		return fmt.Errorf("read busybox: %w", err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("create the initramfs: %w", err)
	}
	zw, _ := gzip.NewWriterLevel(f, gzip.BestSpeed)
	err = writeCpio(zw, initramfsEntries(bb))
	if cerr := zw.Close(); err == nil {
		err = cerr
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("write the initramfs %s: %w", path, err)
	}
	return nil
}
