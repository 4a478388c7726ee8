package main

// serve and get: just enough HTTP to test container networking.
//
// HTTP/1.0 is plain text over one TCP connection: a request line, header
// lines, an empty line; then a status line, headers, an empty line and the
// body until the connection closes. Writing that by hand keeps net/http (and
// the TLS stack it drags in) out of probe, which halves the binary and its
// start-up time, and shows the learner there is no magic in the protocol.

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// exchangeTimeout bounds one request or response, so a stuck peer can
// neither hang a test nor pin a server goroutine forever.
const exchangeTimeout = 10 * time.Second

func runServe(args []string, stderr io.Writer) int {
	if len(args) != 1 {
		return usageError(stderr, "serve", "needs exactly one ADDR, e.g. probe serve :80")
	}
	ln, err := net.Listen("tcp", args[0])
	if err != nil {
		return fail(stderr, "serve", fmt.Errorf("listen on %s: %w (is the port taken, or below 1024 without root?)", args[0], err))
	}
	// As PID 1 of a container, a process that installed no handler never
	// receives SIGTERM: the kernel drops it. So `dockling stop` would wait
	// for its timeout and then SIGKILL. Handling it makes stop quick and
	// the exit code 0.
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGTERM, syscall.SIGINT)
	go func() {
		<-sigs
		ln.Close()
	}()
	fmt.Fprintf(stderr, "probe serve: listening on %s\n", ln.Addr())
	serveHTTP(ln, stderr)
	return exitOK
}

// serveHTTP answers every connection on ln until ln is closed, logging each
// request line to logw.
func serveHTTP(ln net.Listener, logw io.Writer) {
	log := &lockedWriter{w: logw}
	var wg sync.WaitGroup
	defer wg.Wait()
	for {
		c, err := ln.Accept()
		if err != nil {
			return // closed: we are shutting down
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			handleConn(c, log)
		}()
	}
}

// lockedWriter serialises log lines written from many connections.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

func handleConn(c net.Conn, log io.Writer) {
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(exchangeTimeout))
	r := bufio.NewReader(c)
	requestLine, err := r.ReadString('\n')
	if err != nil {
		return
	}
	requestLine = strings.TrimRight(requestLine, "\r\n")
	fmt.Fprintf(log, "%s %q\n", c.RemoteAddr(), requestLine)
	// Skip the request's headers; the answer does not depend on them.
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		if strings.TrimRight(line, "\r\n") == "" {
			break
		}
	}
	method, _, _ := strings.Cut(requestLine, " ")
	status, body := "200 OK", identity()
	if len(strings.Fields(requestLine)) != 3 {
		status, body = "400 Bad Request", "bad request line\n"
	}
	fmt.Fprintf(c, "HTTP/1.0 %s\r\nContent-Type: text/plain\r\nContent-Length: %d\r\nConnection: close\r\n\r\n", status, len(body))
	if method != "HEAD" {
		io.WriteString(c, body)
	}
}

// identity is what serve answers: which container did the request reach.
func identity() string {
	return fmt.Sprintf("hostname=%s ip=%s\n", hostname(), firstIPv4())
}

// firstIPv4 is the first IPv4 address not on loopback, e.g. the address of
// the container's veth, or "none" in an empty network namespace.
func firstIPv4() string {
	addrs, err := net.InterfaceAddrs()
	if err != nil {
		return "none"
	}
	for _, a := range addrs {
		if n, ok := a.(*net.IPNet); ok && !n.IP.IsLoopback() && n.IP.To4() != nil {
			return n.IP.String()
		}
	}
	return "none"
}

// retryDelay is the pause between attempts of probe get --retries.
const retryDelay = 500 * time.Millisecond

func runGet(args []string, stdout, stderr io.Writer) int {
	rawURL, retries, err := parseGetArgs(args)
	if err != nil {
		return usageError(stderr, "get", "%v", err)
	}
	u, err := url.Parse(rawURL)
	if err != nil || u.Scheme != "http" || u.Host == "" {
		return usageError(stderr, "get", "%q is not an http:// URL (probe has no TLS, to stay small)", rawURL)
	}
	var res getResult
	for attempt := 0; ; attempt++ {
		res, err = get(u)
		// Retry what may heal while a server starts: refused or dropped
		// connections and 5xx answers. A 404 is an answer; retrying won't help.
		transient := err != nil || res.code >= 500
		if !transient || attempt >= retries {
			break
		}
		time.Sleep(retryDelay)
	}
	if err != nil {
		return fail(stderr, "get", fmt.Errorf("%s: %w", u, err))
	}
	stdout.Write(res.body)
	if res.code < 200 || res.code > 299 {
		fmt.Fprintf(stderr, "probe get: %s answered %s\n", u, res.status)
		return exitError
	}
	return exitOK
}

// parseGetArgs accepts `URL`, `URL --retries N`, `--retries N URL` and
// `--retries=N`.
func parseGetArgs(args []string) (rawURL string, retries int, err error) {
	for i := 0; i < len(args); i++ {
		a := args[i]
		value, isFlag := "", false
		switch {
		case a == "--retries" || a == "-retries":
			if i+1 >= len(args) {
				return "", 0, errors.New("--retries needs a number")
			}
			i++
			value, isFlag = args[i], true
		case strings.HasPrefix(a, "--retries="):
			value, isFlag = strings.TrimPrefix(a, "--retries="), true
		}
		if isFlag {
			if retries, err = strconv.Atoi(value); err != nil || retries < 0 {
				return "", 0, fmt.Errorf("--retries %q is not a whole number >= 0", value)
			}
			continue
		}
		if strings.HasPrefix(a, "-") || rawURL != "" {
			return "", 0, fmt.Errorf("unexpected argument %q; usage: probe get URL [--retries N]", a)
		}
		rawURL = a
	}
	if rawURL == "" {
		return "", 0, errors.New("needs a URL, e.g. probe get http://10.0.0.2/")
	}
	return rawURL, retries, nil
}

type getResult struct {
	code   int    // 200
	status string // "200 OK"
	body   []byte
}

// get performs one HTTP/1.0 GET. Asking for 1.0 means the server answers
// without chunked encoding and closes the connection at the end of the body.
func get(u *url.URL) (getResult, error) {
	host := u.Host
	if u.Port() == "" {
		host = net.JoinHostPort(u.Hostname(), "80")
	}
	c, err := net.DialTimeout("tcp", host, exchangeTimeout)
	if err != nil {
		return getResult{}, err
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(exchangeTimeout))
	if _, err := fmt.Fprintf(c, "GET %s HTTP/1.0\r\nHost: %s\r\nUser-Agent: probe/%s\r\nConnection: close\r\n\r\n", u.RequestURI(), u.Host, version); err != nil {
		return getResult{}, fmt.Errorf("send request: %w", err)
	}
	r := bufio.NewReader(c)
	statusLine, err := r.ReadString('\n')
	if err != nil {
		return getResult{}, fmt.Errorf("read status line: %w", err)
	}
	// "HTTP/1.0 200 OK"
	proto, status, _ := strings.Cut(strings.TrimRight(statusLine, "\r\n"), " ")
	codeText, _, _ := strings.Cut(status, " ")
	code, err := strconv.Atoi(codeText)
	if !strings.HasPrefix(proto, "HTTP/") || err != nil {
		return getResult{}, fmt.Errorf("not an HTTP answer: %q", statusLine)
	}
	length := int64(-1)
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return getResult{}, fmt.Errorf("read headers: %w", err)
		}
		line = strings.TrimRight(line, "\r\n")
		if line == "" {
			break
		}
		name, value, _ := strings.Cut(line, ":")
		value = strings.TrimSpace(value)
		switch strings.ToLower(name) {
		case "content-length":
			length, _ = strconv.ParseInt(value, 10, 64)
		case "transfer-encoding":
			if !strings.EqualFold(value, "identity") {
				return getResult{}, fmt.Errorf("server used Transfer-Encoding %q, which probe does not decode", value)
			}
		}
	}
	var body io.Reader = r
	if length >= 0 {
		body = io.LimitReader(r, length)
	}
	data, err := io.ReadAll(body)
	if err != nil {
		return getResult{}, fmt.Errorf("read body: %w", err)
	}
	if length >= 0 && int64(len(data)) < length {
		return getResult{}, fmt.Errorf("body cut short: got %d of %d bytes", len(data), length)
	}
	return getResult{code: code, status: status, body: data}, nil
}
