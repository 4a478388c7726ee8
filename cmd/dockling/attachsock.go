package main

import (
	"crypto/sha256"
	"fmt"
	"io"
	"net"
	"sync"
	"time"

	"github.com/dockling/dockling/sandbox"
)

// The supervisor of a detached container serves `dockling attach` on a unix
// socket: everything the container prints is also sent to each attached
// client, and what a client types goes to the container's standard input.
// The socket lives in the abstract namespace (a name, not a file), so there
// is nothing to clean up after a crash and no path-length limit; its name
// is derived from the state root and the container id.
func attachAddr(id string) string {
	root := sha256.Sum256([]byte(sandbox.Root()))
	return fmt.Sprintf("@dockling-attach-%x-%s", root[:6], id[:16])
}

// fanout is an io.Writer that copies to every attached client. A client
// that cannot keep up (or went away) is dropped rather than slowing the
// container down.
type fanout struct {
	mu    sync.Mutex
	conns map[net.Conn]bool
}

func (f *fanout) Write(p []byte) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for c := range f.conns {
		_ = c.SetWriteDeadline(time.Now().Add(time.Second))
		if _, err := c.Write(p); err != nil {
			c.Close()
			delete(f.conns, c)
		}
	}
	return len(p), nil
}

func (f *fanout) closeAll() {
	f.mu.Lock()
	defer f.mu.Unlock()
	for c := range f.conns {
		c.Close()
	}
	f.conns = nil
}

// serveAttach accepts clients until the listener is closed; input from
// each goes to stdin (nil: the container has no open input).
func serveAttach(l net.Listener, out *fanout, stdin io.Writer) {
	for {
		c, err := l.Accept()
		if err != nil {
			return
		}
		out.mu.Lock()
		if out.conns == nil {
			out.mu.Unlock()
			c.Close()
			return
		}
		out.conns[c] = true
		out.mu.Unlock()
		if stdin != nil {
			go func() { _, _ = io.Copy(stdin, c) }()
		}
	}
}
