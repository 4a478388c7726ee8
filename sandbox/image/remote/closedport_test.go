package remote

import (
	"net"
	"testing"
)

// closedPort returns 127.0.0.1:<port> with nothing listening: a port the
// kernel just gave us and we closed again.
func closedPort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}
