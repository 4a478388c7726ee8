package container

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestProcRow(t *testing.T) {
	dir := t.TempDir()
	pd := filepath.Join(dir, "4242")
	must(t, os.MkdirAll(pd, 0o755))
	// comm with a space and a ")" inside, as a hostile process may name itself.
	// Fields after ")": state ppid pgrp session tty_nr ... utime(14) stime(15) ... starttime(22).
	stat := "4242 (my) proc) S 4200 4242 4242 34817 4242 4194560 100 0 0 0 250 50 0 0 20 0 1 0 1000 1000000 100 18446744073709551615\n"
	must(t, os.WriteFile(filepath.Join(pd, "stat"), []byte(stat), 0o644))
	must(t, os.WriteFile(filepath.Join(pd, "status"), []byte("Name:\tx\nUid:\t1000\t65534\t65534\t65534\n"), 0o644))
	must(t, os.WriteFile(filepath.Join(pd, "cmdline"), []byte("sleep\x001000\x00"), 0o644))

	boot := time.Date(2026, 3, 1, 8, 0, 0, 0, time.Local)
	now := boot.Add(10*time.Second + 10*time.Second) // started at boot+10s, alive 10s
	p := &Proc{Dir: dir, BootTime: boot, User: func(uid string) string { return map[string]string{"65534": "nobody"}[uid] }}
	row, err := p.Row(4242, now)
	if err != nil {
		t.Fatal(err)
	}
	// 3 s of CPU (250+50 ticks) in 10 s alive: C is 30.
	want := ProcRow{UID: "nobody", PID: "4242", PPID: "4200", C: "30", STIME: "08:00", TTY: "pts/1", TIME: "00:00:03", CMD: "sleep 1000"}
	if row != want {
		t.Errorf("row = %+v\nwant  %+v", row, want)
	}
	must(t, os.WriteFile(filepath.Join(pd, "cmdline"), nil, 0o644))
	if row, _ := p.Row(4242, now.Add(48*time.Hour)); row.CMD != "[my) proc]" || row.STIME != "Mar01" {
		t.Errorf("kernel thread or zombie two days later: CMD %q STIME %q", row.CMD, row.STIME)
	}
	if _, err := p.Row(1, now); err == nil {
		t.Errorf("a process that is gone: no error")
	}
}

func TestCPUTimeAndTTY(t *testing.T) {
	for d, want := range map[time.Duration]string{0: "00:00:00", 61 * time.Second: "00:01:01", 49 * time.Hour: "2-01:00:00"} {
		if got := cpuTime(d); got != want {
			t.Errorf("cpuTime(%v) = %s, want %s", d, got, want)
		}
	}
	for nr, want := range map[int64]string{0: "?", 34816: "pts/0", 1025: "tty1", 1088: "ttyS0"} {
		if got := ttyName(nr); got != want {
			t.Errorf("ttyName(%d) = %s, want %s", nr, got, want)
		}
	}
}
