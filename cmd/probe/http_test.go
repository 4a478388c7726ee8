package main

import (
	"bufio"
	"bytes"
	"io"
	"net"
	"strings"
	"testing"
)

// startServer runs serveHTTP on a free loopback port until the test ends,
// and returns its address and a function that stops it and returns its log.
func startServer(t *testing.T) (addr string, stop func() string) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var log bytes.Buffer
	done := make(chan struct{})
	go func() {
		serveHTTP(ln, &log)
		close(done)
	}()
	stopped := false
	stop = func() string {
		if !stopped {
			stopped = true
			ln.Close()
			<-done // serveHTTP waits for its handlers, so log is complete
		}
		return log.String()
	}
	t.Cleanup(func() { stop() })
	return ln.Addr().String(), stop
}

func TestServeAndGet(t *testing.T) {
	addr, stop := startServer(t)
	code, stdout, stderr := runProbe("get", "http://"+addr+"/hello?x=1")
	if code != exitOK {
		t.Fatalf("probe get: exit %d: %s", code, stderr)
	}
	if want := identity(); stdout != want {
		t.Errorf("body %q, want %q", stdout, want)
	}
	if !strings.HasPrefix(stdout, "hostname="+hostname()+" ip=") {
		t.Errorf("body %q does not name this host", stdout)
	}
	if log := stop(); !strings.Contains(log, `"GET /hello?x=1 HTTP/1.0"`) {
		t.Errorf("request not logged; log:\n%s", log)
	}
}

func TestServeRejectsBadRequestLine(t *testing.T) {
	addr, _ := startServer(t)
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	io.WriteString(c, "HELLO\r\n\r\n")
	status, err := bufio.NewReader(c).ReadString('\n')
	if err != nil || !strings.HasPrefix(status, "HTTP/1.0 400 ") {
		t.Errorf("status line %q (%v), want 400", status, err)
	}
}

// fixedServer answers every connection with the raw response, once.
func fixedServer(t *testing.T, response string) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		r := bufio.NewReader(c)
		for { // read the request up to its empty line
			line, err := r.ReadString('\n')
			if err != nil || line == "\r\n" {
				break
			}
		}
		io.WriteString(c, response)
	}()
	t.Cleanup(func() { ln.Close(); <-done })
	return ln.Addr().String()
}

func TestGetNon2xxFails(t *testing.T) {
	addr := fixedServer(t, "HTTP/1.1 404 Not Found\r\nContent-Length: 5\r\n\r\nnope\n")
	code, stdout, stderr := runProbe("get", "http://"+addr+"/missing")
	if code != exitError || stdout != "nope\n" || !strings.Contains(stderr, "404 Not Found") {
		t.Errorf("exit %d, stdout %q, stderr %q; want 1, the body, and the status", code, stdout, stderr)
	}
	if strings.Count(strings.TrimSpace(stderr), "\n") != 0 {
		t.Errorf("error is not one line: %q", stderr)
	}
}

func TestGetReadsBodyWithoutLength(t *testing.T) {
	addr := fixedServer(t, "HTTP/1.0 200 OK\r\n\r\nuntil the end\n")
	code, stdout, stderr := runProbe("get", "http://"+addr+"/")
	if code != exitOK || stdout != "until the end\n" {
		t.Errorf("exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
}

func TestGetRetriesThenGivesUp(t *testing.T) {
	// A port that was just free and is closed again refuses connections.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	code, _, stderr := runProbe("get", "--retries", "1", "http://"+addr+"/")
	if code != exitError || !strings.Contains(stderr, "refused") {
		t.Errorf("exit %d, stderr %q; want 1 and connection refused", code, stderr)
	}
}

func TestParseGetArgs(t *testing.T) {
	cases := []struct {
		args    []string
		url     string
		retries int
	}{
		{[]string{"http://a/"}, "http://a/", 0},
		{[]string{"http://a/", "--retries", "5"}, "http://a/", 5},
		{[]string{"--retries=2", "http://a/"}, "http://a/", 2},
	}
	for _, c := range cases {
		u, n, err := parseGetArgs(c.args)
		if err != nil || u != c.url || n != c.retries {
			t.Errorf("parseGetArgs(%q) = %q, %d, %v", c.args, u, n, err)
		}
	}
	for _, bad := range [][]string{nil, {"--retries"}, {"http://a/", "--retries", "-1"}, {"http://a/", "http://b/"}, {"-v", "http://a/"}} {
		if _, _, err := parseGetArgs(bad); err == nil {
			t.Errorf("parseGetArgs(%q): want an error", bad)
		}
	}
	if code, _, _ := runProbe("get", "https://example.com/"); code != exitUsage {
		t.Errorf("https URL: exit %d, want %d (no TLS in probe)", code, exitUsage)
	}
}
