package container

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"sync"
	"time"
)

// A container's output is kept in docker's json-file format: one JSON
// object per line, saying what was written, to which stream and when:
//
//	{"log":"hello\n","stream":"stdout","time":"2026-11-28T12:00:00.123456789Z"}
//
// A line per object means `logs --tail 5` is "the last 5 lines", and the
// stream and time let `logs` send stderr back to stderr and print -t
// timestamps long after the container is gone.

// logTimeFormat is RFC 3339 with exactly nine fraction digits, as docker
// writes it: fixed width keeps the file and `logs -t` aligned.
const logTimeFormat = "2006-01-02T15:04:05.000000000Z07:00"

// maxLogLine is where a line with no newline yet is cut into a partial
// entry (docker's 16 KiB), so a program printing without newlines cannot
// make us hold its output in memory forever.
const maxLogLine = 16 * 1024

// logRecord is one line of the log file as written.
type logRecord struct {
	Log    string `json:"log"`
	Stream string `json:"stream"`
	Time   string `json:"time"`
}

// logFile is the file both streams append to. One mutex keeps a line from
// stdout and a line from stderr from interleaving inside each other.
type logFile struct {
	mu     sync.Mutex
	f      *os.File
	err    error // the first failed write, reported at close
	closed bool
}

// LogWriter is the io.Writer for one stream of one container. It cuts what
// it is given into lines and appends each, stamped, to the shared file; a
// line not yet ended waits in partial until its newline (or Close) comes.
type LogWriter struct {
	file    *logFile
	stream  string
	partial []byte
}

// NewLogWriters opens (or creates) the log at path for appending and
// returns the writers for the container's stdout and stderr. closeFn
// writes out any unfinished lines, closes the file and returns the first
// error met while writing.
func NewLogWriters(path string) (stdout, stderr *LogWriter, closeFn func() error, err error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o640)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("open container log: %w", err)
	}
	lf := &logFile{f: f}
	stdout = &LogWriter{file: lf, stream: "stdout"}
	stderr = &LogWriter{file: lf, stream: "stderr"}
	closeFn = func() error {
		errOut, errErr := stdout.Close(), stderr.Close()
		lf.mu.Lock()
		defer lf.mu.Unlock()
		if lf.closed {
			return nil
		}
		lf.closed = true
		return errors.Join(lf.err, errOut, errErr, f.Close())
	}
	return stdout, stderr, closeFn, nil
}

// Write reports success while the file is open, even if the disk is full:
// a full log must not kill the container by breaking its output pipe (the
// copy from the pipe stops at the first error, and the program would die
// of SIGPIPE). The first failure is kept and returned by closeFn instead.
func (w *LogWriter) Write(p []byte) (int, error) {
	w.file.mu.Lock()
	defer w.file.mu.Unlock()
	if w.file.closed {
		return 0, os.ErrClosed
	}
	w.partial = append(w.partial, p...)
	for {
		i := bytes.IndexByte(w.partial, '\n')
		if i < 0 {
			break
		}
		w.emit(w.partial[:i+1])
		w.partial = w.partial[i+1:]
	}
	for len(w.partial) >= maxLogLine {
		w.emit(w.partial[:maxLogLine])
		w.partial = w.partial[maxLogLine:]
	}
	// Copy what is left so the slice does not pin a large buffer.
	w.partial = append([]byte(nil), w.partial...)
	return len(p), nil
}

// Close writes out an unfinished last line, as it is, without a newline:
// `printf hi` logs "hi". The shared file stays open for the other stream.
func (w *LogWriter) Close() error {
	w.file.mu.Lock()
	defer w.file.mu.Unlock()
	if len(w.partial) > 0 && !w.file.closed {
		w.emit(w.partial)
		w.partial = nil
	}
	return nil
}

// emit appends one entry; the caller holds the file's mutex. One write per
// entry on an O_APPEND file puts each line in the file whole.
func (w *LogWriter) emit(line []byte) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // keep "<" and "&" readable in the file
	rec := logRecord{Log: string(line), Stream: w.stream, Time: time.Now().UTC().Format(logTimeFormat)}
	if err := enc.Encode(rec); err != nil { // Encode adds the newline
		w.fail(err)
		return
	}
	if _, err := w.file.f.Write(buf.Bytes()); err != nil {
		w.fail(err)
	}
}

func (w *LogWriter) fail(err error) {
	if w.file.err == nil {
		w.file.err = fmt.Errorf("write container log: %w", err)
	}
}
