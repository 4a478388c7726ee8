package remote

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"time"
)

// progress prints one status per layer, keyed by the short digest. On a
// terminal every layer has its own line, redrawn in place (cursor up, clear
// line) with a bar while it downloads, as docker does. Elsewhere (a pipe, a
// log, a test) only final states are printed, one plain line each:
// "1a2b3c4d5e6f: Pull complete".
type progress struct {
	mu    sync.Mutex
	out   io.Writer
	tty   bool
	ids   []string          // layers in manifest order
	lines map[string]string // id -> current status
	drawn int               // lines on screen from the last redraw
	last  time.Time         // throttles redraws during downloads
}

func newProgress(out io.Writer, tty bool) *progress {
	if out == nil {
		out = io.Discard
	}
	return &progress{out: out, tty: tty, lines: map[string]string{}}
}

// printf prints a message line that is not about one layer.
func (p *progress) printf(format string, args ...any) {
	p.mu.Lock()
	defer p.mu.Unlock()
	fmt.Fprintf(p.out, format+"\n", args...)
	p.drawn = 0 // the layer lines are above us now; start a fresh block
}

// add registers a layer so terminal output keeps the manifest's order.
func (p *progress) add(id, status string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.ids = append(p.ids, id)
	p.lines[id] = status
	if p.tty {
		p.redraw()
	}
}

// done sets a final status; it is always shown.
func (p *progress) done(id, status string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.lines[id] = status
	if p.tty {
		p.redraw()
		return
	}
	fmt.Fprintf(p.out, "%s: %s\n", id, status)
}

// bytes updates a download's bar; only terminals see it.
func (p *progress) bytes(id, verb string, n, total int64) {
	if !p.tty {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.lines[id] = verb + " " + bar(n, total)
	if time.Since(p.last) > 100*time.Millisecond {
		p.redraw()
	}
}

func (p *progress) redraw() {
	if p.drawn > 0 {
		fmt.Fprintf(p.out, "\x1b[%dA", p.drawn) // back to the first layer line
	}
	for _, id := range p.ids {
		fmt.Fprintf(p.out, "\x1b[2K%s: %s\n", id, p.lines[id])
	}
	p.drawn = len(p.ids)
	p.last = time.Now()
}

// bar draws "[=====>      ]  12.3MB/45.6MB".
func bar(n, total int64) string {
	const width = 30
	filled := width
	if total > 0 && n < total {
		filled = int(n * width / total)
	}
	arrow := ""
	if filled < width {
		arrow = ">"
	}
	return fmt.Sprintf("[%s%s%s] %8s/%s", strings.Repeat("=", filled), arrow,
		strings.Repeat(" ", max(0, width-filled-len(arrow))), HumanSize(n), HumanSize(total))
}

// HumanSize prints bytes as docker does: decimal units, 3 significant digits.
func HumanSize(n int64) string {
	units := []string{"B", "kB", "MB", "GB", "TB"}
	f := float64(n)
	i := 0
	for f >= 1000 && i < len(units)-1 {
		f /= 1000
		i++
	}
	return fmt.Sprintf("%.4g%s", f, units[i])
}

// countingReader reports bytes read to a callback.
type countingReader struct {
	r     io.Reader
	n     int64
	total int64
	on    func(n, total int64)
}

func (c *countingReader) Read(b []byte) (int, error) {
	k, err := c.r.Read(b)
	c.n += int64(k)
	c.on(c.n, c.total)
	return k, err
}
