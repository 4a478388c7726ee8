package network

import (
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"sync"
	"time"
)

// Proxy publishes a TCP port without iptables: it listens on the host port
// and, for every connection, opens one to the container and copies bytes
// both ways. This is what docker's docker-proxy does. It costs a process
// (the runner or supervisor must keep it running) and the container sees
// the proxy as the client, not the real one, but it needs no firewall.
type Proxy struct {
	ln     net.Listener
	target string

	mu     sync.Mutex
	conns  map[net.Conn]struct{}
	closed bool
	wg     sync.WaitGroup
}

// StartProxy listens on m's host address and port and forwards each
// connection to containerIP:m.ContainerPort. Only TCP is supported.
func StartProxy(m PortMapping, containerIP string) (*Proxy, error) {
	if m.Proto != "tcp" {
		return nil, fmt.Errorf("the userland proxy forwards tcp only, not %s port %d; install iptables to publish %s ports", m.Proto, m.HostPort, m.Proto)
	}
	addr := net.JoinHostPort(hostIPOrAny(m.HostIP), strconv.Itoa(m.HostPort))
	ln, err := net.Listen("tcp4", addr)
	if err != nil {
		return nil, fmt.Errorf("publish %s: %w; choose another host port", addr, err)
	}
	p := &Proxy{ln: ln, target: net.JoinHostPort(containerIP, strconv.Itoa(m.ContainerPort)), conns: map[net.Conn]struct{}{}}
	p.wg.Add(1)
	go p.accept()
	return p, nil
}

// Addr is where the proxy listens (useful when HostPort was 0).
func (p *Proxy) Addr() net.Addr { return p.ln.Addr() }

// Close stops listening, cuts every open connection and waits for the
// copying goroutines to end.
func (p *Proxy) Close() error {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return nil
	}
	p.closed = true
	err := p.ln.Close()
	for c := range p.conns {
		c.Close()
	}
	p.mu.Unlock()
	p.wg.Wait()
	return err
}

func (p *Proxy) accept() {
	defer p.wg.Done()
	for {
		client, err := p.ln.Accept()
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return
			}
			time.Sleep(10 * time.Millisecond) // e.g. out of file descriptors: do not spin
			continue
		}
		if !p.track(client) {
			client.Close()
			return
		}
		p.wg.Add(1)
		go p.serve(client)
	}
}

// track remembers an open connection so Close can cut it; false once closed.
func (p *Proxy) track(c net.Conn) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return false
	}
	p.conns[c] = struct{}{}
	return true
}

func (p *Proxy) forget(c net.Conn) {
	p.mu.Lock()
	delete(p.conns, c)
	p.mu.Unlock()
	c.Close()
}

func (p *Proxy) serve(client net.Conn) {
	defer p.wg.Done()
	defer p.forget(client)
	server, err := net.DialTimeout("tcp4", p.target, 5*time.Second)
	if err != nil {
		return // the client sees the connection close: nothing listens in the container
	}
	if !p.track(server) {
		server.Close()
		return
	}
	defer p.forget(server)
	done := make(chan struct{}, 2)
	go func() { pipe(server, client); done <- struct{}{} }()
	go func() { pipe(client, server); done <- struct{}{} }()
	<-done
	<-done
}

// pipe copies until src ends, then half-closes dst, so a client that shuts
// down its sending side (as HTTP/1.0 clients may) still gets the answer.
func pipe(dst, src net.Conn) {
	_, _ = io.Copy(dst, src)
	if tc, ok := dst.(*net.TCPConn); ok {
		_ = tc.CloseWrite()
		return
	}
	dst.Close()
}
