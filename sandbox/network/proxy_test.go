package network

import (
	"io"
	"net"
	"strings"
	"testing"
	"time"
)

// upperServer answers each connection with what it read, in capitals,
// after the client has finished sending: that needs the proxy's half-close.
func upperServer(t *testing.T) *net.TCPAddr {
	t.Helper()
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				data, _ := io.ReadAll(c)
				c.Write([]byte(strings.ToUpper(string(data))))
			}()
		}
	}()
	return ln.Addr().(*net.TCPAddr)
}

func TestProxyForwardsBothWays(t *testing.T) {
	backend := upperServer(t)
	p, err := StartProxy(PortMapping{HostIP: "127.0.0.1", ContainerPort: backend.Port, Proto: "tcp"}, "127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	for i := 0; i < 3; i++ {
		c, err := net.Dial("tcp4", p.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		c.SetDeadline(time.Now().Add(5 * time.Second))
		c.Write([]byte("hello"))
		c.(*net.TCPConn).CloseWrite()
		got, err := io.ReadAll(c)
		c.Close()
		if err != nil || string(got) != "HELLO" {
			t.Fatalf("through proxy: %q %v", got, err)
		}
	}
}

func TestProxyCloseCutsOpenConnections(t *testing.T) {
	backend := upperServer(t)
	p, err := StartProxy(PortMapping{HostIP: "127.0.0.1", ContainerPort: backend.Port, Proto: "tcp"}, "127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	c, err := net.Dial("tcp4", p.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.Write([]byte("never finished"))
	time.Sleep(20 * time.Millisecond) // let the proxy dial the backend
	closed := make(chan error, 1)
	go func() { closed <- p.Close() }()
	select {
	case err := <-closed:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Close hung on an open connection")
	}
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := c.Read(make([]byte, 1)); err == nil {
		t.Fatal("connection still open after Close")
	}
	if _, err := net.Dial("tcp4", p.Addr().String()); err == nil {
		t.Fatal("still listening after Close")
	}
}

func TestProxyRefusesUDPAndBusyPorts(t *testing.T) {
	if _, err := StartProxy(PortMapping{HostPort: 5353, ContainerPort: 53, Proto: "udp"}, "10.77.0.2"); err == nil || !strings.Contains(err.Error(), "tcp only") {
		t.Fatalf("udp: %v", err)
	}
	busy, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	m := PortMapping{HostIP: "127.0.0.1", HostPort: busy.Addr().(*net.TCPAddr).Port, ContainerPort: 80, Proto: "tcp"}
	if _, err := StartProxy(m, "10.77.0.2"); err == nil {
		t.Fatal("listened on a busy port")
	}
}
