package container

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// writeLog writes through fresh LogWriters, as a supervisor would, and
// closes them.
func writeLog(t *testing.T, path string, write func(out, errw *LogWriter)) {
	t.Helper()
	out, errw, closeFn, err := NewLogWriters(path)
	if err != nil {
		t.Fatal(err)
	}
	write(out, errw)
	if err := closeFn(); err != nil {
		t.Fatal(err)
	}
	if err := closeFn(); err != nil {
		t.Errorf("second close: %v", err)
	}
}

func TestLogWriterFormat(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c-json.log")
	writeLog(t, path, func(out, errw *LogWriter) {
		fmt.Fprint(out, "hel")
		fmt.Fprint(out, "lo\nwor")
		fmt.Fprint(errw, "oops <&>\n")
		fmt.Fprint(out, "ld\nno newline")
	})
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
	want := []LogEntry{{Log: "hello\n", Stream: "stdout"}, {Log: "oops <&>\n", Stream: "stderr"},
		{Log: "world\n", Stream: "stdout"}, {Log: "no newline", Stream: "stdout"}}
	if len(lines) != len(want) {
		t.Fatalf("log has %d lines, want %d:\n%s", len(lines), len(want), data)
	}
	for i, line := range lines {
		var raw map[string]string
		if err := json.Unmarshal([]byte(line), &raw); err != nil {
			t.Fatalf("line %d is not JSON: %s", i, line)
		}
		if raw["log"] != want[i].Log || raw["stream"] != want[i].Stream {
			t.Errorf("line %d = %s, want log %q stream %q", i, line, want[i].Log, want[i].Stream)
		}
		if _, err := time.Parse(time.RFC3339Nano, raw["time"]); err != nil || len(raw["time"]) != len("2026-11-28T12:00:00.123456789Z") {
			t.Errorf("line %d time %q is not fixed-width RFC 3339: %v", i, raw["time"], err)
		}
	}
	if !strings.Contains(string(data), "<&>") {
		t.Error("HTML characters were escaped; the file should stay readable")
	}
}

func TestLogWritersConcurrentLinesStayWhole(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c-json.log")
	const n = 200
	writeLog(t, path, func(out, errw *LogWriter) {
		var wg sync.WaitGroup
		for _, w := range []*LogWriter{out, errw} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 0; i < n; i++ {
					fmt.Fprintf(w, "%s line %d\n", w.stream, i)
				}
			}()
		}
		wg.Wait()
	})
	f, _ := os.Open(path)
	defer f.Close()
	count := map[string]int{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var e LogEntry
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil || !strings.HasPrefix(e.Log, e.Stream+" line ") {
			t.Fatalf("damaged line %q (%v)", sc.Text(), err)
		}
		count[e.Stream]++
	}
	if count["stdout"] != n || count["stderr"] != n {
		t.Errorf("counted %v, want %d of each", count, n)
	}
}

func TestReadLogsTailTimestampsSince(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c-json.log")
	t0 := time.Date(2026, 11, 28, 12, 0, 0, 5, time.UTC)
	var file bytes.Buffer
	for i, s := range []string{"stdout", "stderr", "stdout", "stdout"} {
		line, _ := json.Marshal(logRecord{Log: fmt.Sprintf("%d\n", i), Stream: s, Time: t0.Add(time.Duration(i) * time.Second).Format(logTimeFormat)})
		file.Write(append(line, '\n'))
	}
	file.WriteString("not json\n")
	if err := os.WriteFile(path, file.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name          string
		opts          LogOptions
		stdout, errOu string
	}{
		{"all", LogOptions{Tail: -1}, "0\n2\n3\n", "1\n"},
		{"tail 2", LogOptions{Tail: 2}, "2\n3\n", ""},
		{"tail 0", LogOptions{Tail: 0}, "", ""},
		{"since", LogOptions{Tail: -1, Since: t0.Add(2 * time.Second)}, "2\n3\n", ""},
		{"timestamps", LogOptions{Tail: 1, Timestamps: true}, "2026-11-28T12:00:03.000000005Z 3\n", ""},
	} {
		var out, errOut bytes.Buffer
		if err := ReadLogs(path, tc.opts, &out, &errOut); err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if out.String() != tc.stdout || errOut.String() != tc.errOu {
			t.Errorf("%s: stdout %q stderr %q; want %q and %q", tc.name, out.String(), errOut.String(), tc.stdout, tc.errOu)
		}
	}
	var out bytes.Buffer
	if err := ReadLogs(filepath.Join(t.TempDir(), "missing"), LogOptions{Tail: -1}, &out, nil); err != nil || out.Len() != 0 {
		t.Errorf("missing log: %q, %v; want nothing and no error", out.String(), err)
	}
}

func TestReadLogsFollow(t *testing.T) {
	logPollInterval = 5 * time.Millisecond
	path := filepath.Join(t.TempDir(), "c-json.log")
	out, _, closeFn, err := NewLogWriters(path)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprint(out, "before\n")

	// The "container" writes five lines slowly, the last without a newline,
	// then stops: StillRunning flips to false after its supervisor closed
	// the log, and the follow must have printed everything by then.
	var running atomic.Bool
	running.Store(true)
	go func() {
		for i := 0; i < 4; i++ {
			fmt.Fprintf(out, "line %d\n", i)
			time.Sleep(3 * time.Millisecond)
		}
		fmt.Fprint(out, "last")
		closeFn()
		running.Store(false)
	}()
	var got bytes.Buffer
	done := make(chan error, 1)
	go func() {
		done <- ReadLogs(path, LogOptions{Follow: true, Tail: -1, StillRunning: running.Load}, &got, nil)
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("follow did not stop after the container stopped")
	}
	if want := "before\nline 0\nline 1\nline 2\nline 3\nlast"; got.String() != want {
		t.Errorf("follow printed %q, want %q", got.String(), want)
	}
}

func TestReadLogsFollowStopsOnDone(t *testing.T) {
	logPollInterval = 5 * time.Millisecond
	path := filepath.Join(t.TempDir(), "never-written.log")
	stop := make(chan struct{})
	done := make(chan error, 1)
	go func() {
		done <- ReadLogs(path, LogOptions{Follow: true, Tail: -1, Done: stop}, &bytes.Buffer{}, nil)
	}()
	time.Sleep(20 * time.Millisecond)
	close(stop)
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("stopped follow returned %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("follow ignored Done")
	}
}
