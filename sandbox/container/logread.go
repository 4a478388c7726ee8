package container

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"time"
)

// LogOptions are `dockling logs`'s choices.
type LogOptions struct {
	Follow     bool      // keep printing what is appended (-f)
	Tail       int       // only the last Tail lines; -1 means all
	Timestamps bool      // prefix each line with its time (-t)
	Since      time.Time // skip lines written before this; zero means all
	// Done stops a follow when closed (Ctrl-C, or a test ending).
	Done <-chan struct{}
	// StillRunning is asked whenever the reader has caught up; once it says
	// false and the file has no more, a follow ends, as docker's does when
	// the container exits. Nil means follow until Done.
	StillRunning func() bool
}

// LogEntry is one line of the log file as read back.
type LogEntry struct {
	Log    string    `json:"log"`
	Stream string    `json:"stream"`
	Time   time.Time `json:"time"`
}

// logPollInterval is how often a follow looks for new lines. Polling is
// simpler than inotify and the log is only read by a human at a terminal.
var logPollInterval = 100 * time.Millisecond

// ReadLogs prints the log at path: stdout's lines to w and stderr's to errw
// (w as well when errw is nil), with the tail, since and timestamp options
// applied, and then, for a follow, whatever is appended until the container
// stops or Done is closed. A missing file is an empty log: a container that
// never ran has written nothing.
func ReadLogs(path string, opts LogOptions, w io.Writer, errw io.Writer) error {
	if errw == nil {
		errw = w
	}
	p := logPrinter{opts: opts, out: w, errOut: errw}
	f, err := os.Open(path)
	for errors.Is(err, os.ErrNotExist) && opts.Follow && p.wait() {
		f, err = os.Open(path)
	}
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("read container log: %w", err)
	}
	defer f.Close()
	lr := &logLineReader{r: bufio.NewReader(f)}

	// What is there now: keep only the last Tail lines, then print them.
	var kept []LogEntry
	for {
		e, ok, err := lr.next()
		if err != nil {
			return err
		}
		if !ok {
			break
		}
		if p.wanted(e) {
			kept = append(kept, e)
			if opts.Tail >= 0 && len(kept) > opts.Tail {
				kept = kept[1:]
			}
		}
	}
	for _, e := range kept {
		if err := p.print(e); err != nil {
			return err
		}
	}
	if !opts.Follow {
		return nil
	}

	// Then what comes. Ask whether it still runs before reading to the end:
	// a container that had stopped by then has written all it ever will.
	// One more look after a pause catches the unfinished last line its
	// supervisor writes out while closing the log.
	for {
		running := opts.StillRunning == nil || opts.StillRunning()
		if err := p.copyNew(lr); err != nil {
			return err
		}
		if !running {
			if p.wait() {
				return p.copyNew(lr)
			}
			return nil
		}
		if !p.wait() {
			return nil
		}
	}
}

// logPrinter applies the options to entries and writes them out.
type logPrinter struct {
	opts        LogOptions
	out, errOut io.Writer
}

func (p *logPrinter) wanted(e LogEntry) bool {
	return p.opts.Since.IsZero() || !e.Time.Before(p.opts.Since)
}

func (p *logPrinter) print(e LogEntry) error {
	w := p.out
	if e.Stream == "stderr" {
		w = p.errOut
	}
	text := e.Log
	if p.opts.Timestamps {
		text = e.Time.UTC().Format(logTimeFormat) + " " + text
	}
	if _, err := io.WriteString(w, text); err != nil {
		return fmt.Errorf("print logs: %w", err)
	}
	return nil
}

// copyNew prints every complete line appended since the last look.
func (p *logPrinter) copyNew(lr *logLineReader) error {
	for {
		e, ok, err := lr.next()
		if err != nil || !ok {
			return err
		}
		if p.wanted(e) {
			if err := p.print(e); err != nil {
				return err
			}
		}
	}
}

// wait sleeps one poll interval; false means Done was closed meanwhile.
func (p *logPrinter) wait() bool {
	t := time.NewTimer(logPollInterval)
	defer t.Stop()
	select {
	case <-p.opts.Done:
		return false
	case <-t.C:
		return true
	}
}

// logLineReader returns whole entries only. The writer may be half-way
// through a line when we reach the end of the file; that half waits in
// pending until the rest arrives.
type logLineReader struct {
	r       *bufio.Reader
	pending []byte
}

// next returns the next entry, or ok=false at the current end of the file.
// Lines that are not valid JSON are skipped: a log is for reading, and one
// damaged line should not hide the rest.
func (lr *logLineReader) next() (e LogEntry, ok bool, err error) {
	for {
		chunk, err := lr.r.ReadBytes('\n')
		lr.pending = append(lr.pending, chunk...)
		if errors.Is(err, io.EOF) {
			return LogEntry{}, false, nil
		}
		if err != nil {
			return LogEntry{}, false, fmt.Errorf("read container log: %w", err)
		}
		line := lr.pending
		lr.pending = nil
		e = LogEntry{}
		if json.Unmarshal(line, &e) == nil {
			return e, true, nil
		}
	}
}
