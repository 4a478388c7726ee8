package container

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// `dockling top` shows a container's processes as the HOST sees them:
// host PIDs, host user names. The container's cgroup knows which processes
// are its own (cgroup.procs), and /proc knows everything else about each.
// This file reads /proc the way `ps -ef` does.

// ProcRow is one line of `dockling top`, with ps -ef's columns.
type ProcRow struct {
	UID, PID, PPID, C, STIME, TTY, TIME, CMD string
}

// TopHeader is the title line, in the order of ProcRow's fields.
var TopHeader = []string{"UID", "PID", "PPID", "C", "STIME", "TTY", "TIME", "CMD"}

// Fields lists the row's columns in TopHeader's order.
func (r ProcRow) Fields() []string {
	return []string{r.UID, r.PID, r.PPID, r.C, r.STIME, r.TTY, r.TIME, r.CMD}
}

// clockTicks is USER_HZ, the unit of the times in /proc/PID/stat. The
// kernel fixes it at 100 on every architecture Linux runs containers on;
// reading it properly (sysconf(_SC_CLK_TCK)) would need cgo.
const clockTicks = 100

// Proc reads the files of /proc that ps reads. procDir is normally
// "/proc"; tests give a fake one.
type Proc struct {
	Dir      string
	BootTime time.Time               // from "btime" in /proc/stat
	User     func(uid string) string // uid → name; the number if unknown
}

// NewProc prepares to read the real /proc.
func NewProc() (*Proc, error) {
	p := &Proc{Dir: "/proc", User: userName}
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return nil, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "btime "); ok {
			sec, _ := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
			p.BootTime = time.Unix(sec, 0)
		}
	}
	return p, nil
}

// Row reads process pid as of now.
func (p *Proc) Row(pid int, now time.Time) (ProcRow, error) {
	dir := filepath.Join(p.Dir, strconv.Itoa(pid))
	stat, err := os.ReadFile(filepath.Join(dir, "stat"))
	if err != nil {
		return ProcRow{}, err
	}
	// "PID (comm) S PPID ...": comm may hold spaces and ")", so split at
	// the last ")". After it, field 3 (state) is f[0].
	i := bytes.LastIndexByte(stat, ')')
	j := bytes.IndexByte(stat, '(')
	if i < 0 || j < 0 || j > i {
		return ProcRow{}, fmt.Errorf("%s/stat: unexpected format", dir)
	}
	comm := string(stat[j+1 : i])
	f := strings.Fields(string(stat[i+1:]))
	if len(f) < 20 {
		return ProcRow{}, fmt.Errorf("%s/stat: too few fields", dir)
	}
	num := func(k int) int64 { n, _ := strconv.ParseInt(f[k-3], 10, 64); return n }
	ppid, ttyNr := num(4), num(7)
	cpu := time.Duration(num(14)+num(15)) * time.Second / clockTicks // utime + stime
	started := p.BootTime.Add(time.Duration(num(22)) * time.Second / clockTicks)

	row := ProcRow{
		UID:   p.uid(dir),
		PID:   strconv.Itoa(pid),
		PPID:  strconv.FormatInt(ppid, 10),
		C:     strconv.Itoa(cpuPercent(cpu, now.Sub(started))),
		STIME: startTime(started, now),
		TTY:   ttyName(ttyNr),
		TIME:  cpuTime(cpu),
		CMD:   p.cmdline(dir, comm),
	}
	return row, nil
}

// uid is the effective user of the process, by name when the host knows it.
func (p *Proc) uid(dir string) string {
	f, err := os.Open(filepath.Join(dir, "status"))
	if err != nil {
		return "?"
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "Uid:"); ok {
			ids := strings.Fields(v) // real, effective, saved, filesystem
			if len(ids) > 1 {
				if p.User != nil {
					return p.User(ids[1])
				}
				return ids[1]
			}
		}
	}
	return "?"
}

// cmdline is the command with its arguments (NUL-separated in the file);
// a kernel thread, or a zombie, has none and shows as [comm], as in ps.
func (p *Proc) cmdline(dir, comm string) string {
	b, _ := os.ReadFile(filepath.Join(dir, "cmdline"))
	b = bytes.TrimRight(b, "\x00")
	if len(b) == 0 {
		return "[" + comm + "]"
	}
	return string(bytes.ReplaceAll(b, []byte{0}, []byte{' '}))
}

// cpuPercent is ps's C column: CPU time over time alive, in whole percent.
func cpuPercent(cpu, alive time.Duration) int {
	if alive <= 0 {
		return 0
	}
	return int(cpu * 100 / alive)
}

// startTime is STIME: the time of day for today's processes, else the date.
func startTime(t, now time.Time) string {
	t, now = t.Local(), now.Local()
	if t.Year() == now.Year() && t.YearDay() == now.YearDay() {
		return t.Format("15:04")
	}
	return t.Format("Jan02")
}

// cpuTime is TIME: [DD-]HH:MM:SS of CPU used.
func cpuTime(d time.Duration) string {
	s := int64(d / time.Second)
	days, h, m, sec := s/86400, s/3600%24, s/60%60, s%60
	if days > 0 {
		return fmt.Sprintf("%d-%02d:%02d:%02d", days, h, m, sec)
	}
	return fmt.Sprintf("%02d:%02d:%02d", h, m, sec)
}

// ttyName decodes tty_nr (the device number of the controlling terminal):
// major 136-143 are pseudo-terminals (pts/N), major 4 the consoles.
func ttyName(nr int64) string {
	if nr == 0 {
		return "?"
	}
	major := (nr >> 8) & 0xfff
	minor := (nr & 0xff) | ((nr >> 12) & 0xfff00)
	switch {
	case major >= 136 && major <= 143:
		return fmt.Sprintf("pts/%d", (major-136)*256+minor)
	case major == 4 && minor < 64:
		return fmt.Sprintf("tty%d", minor)
	case major == 4:
		return fmt.Sprintf("ttyS%d", minor-64)
	}
	return "?"
}

// userName looks uid up in the host's /etc/passwd (the host's, not the
// container's: top shows the host's view, as docker's does).
func userName(uid string) string {
	b, err := os.ReadFile("/etc/passwd")
	if err != nil {
		return uid
	}
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Split(line, ":")
		if len(f) > 2 && f[2] == uid {
			return f[0]
		}
	}
	return uid
}
