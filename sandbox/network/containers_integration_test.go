//go:build integration

package network

import (
	"bufio"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/dockling/dockling/sandbox/explain"
)

func init() {
	helpers["container"] = helperContainer
	helpers["attach"] = helperAttach
}

// container is a stand-in for a real container: this test binary, started
// in a new network namespace, serving HTTP on port 80 and fetching URLs it
// is sent on stdin (the way `dockling exec curl` would).
type container struct {
	name string
	pid  int
	in   io.Writer
	out  *bufio.Scanner
	mu   sync.Mutex
}

func startContainer(t *testing.T, name string) *container {
	t.Helper()
	cmd := helperCommand("container", "NAME="+name)
	cmd.SysProcAttr = &syscall.SysProcAttr{Cloneflags: syscall.CLONE_NEWNET, Pdeathsig: syscall.SIGKILL}
	in, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	outPipe, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start container %s: %v", name, err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	c := &container{name: name, pid: cmd.Process.Pid, in: in, out: bufio.NewScanner(outPipe)}
	if !c.out.Scan() || c.out.Text() != "ready" {
		t.Fatalf("container %s did not start: %q", name, c.out.Text())
	}
	return c
}

// get fetches url from inside the container.
func (c *container) get(url string) (string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	fmt.Fprintln(c.in, url)
	if !c.out.Scan() {
		return "", fmt.Errorf("container %s is gone", c.name)
	}
	line := c.out.Text()
	if rest, ok := strings.CutPrefix(line, "error: "); ok {
		return "", fmt.Errorf("from %s: %s", c.name, rest)
	}
	return line, nil
}

func helperContainer() int {
	name := os.Getenv("NAME")
	ln, err := net.Listen("tcp4", ":80")
	if err != nil {
		fmt.Println("listen:", err)
		return 1
	}
	go http.Serve(ln, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "hello from %s to %s", name, r.RemoteAddr[:strings.LastIndexByte(r.RemoteAddr, ':')])
	}))
	fmt.Println("ready")
	sc := bufio.NewScanner(os.Stdin)
	for sc.Scan() {
		body, err := httpGet(sc.Text())
		if err != nil {
			fmt.Println("error:", strings.ReplaceAll(err.Error(), "\n", " "))
			continue
		}
		fmt.Println(body)
	}
	return 0
}

func httpGet(url string) (string, error) {
	// No keep-alive: a pooled connection to a container that is gone would
	// hang instead of failing, and each call should test the path anew.
	client := http.Client{Timeout: 3 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	resp, err := client.Get(url)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return string(body), err
}

func newID(t testing.TB) string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b)
}

// attach plugs c into the test network, as the runner will, and tears it
// down when the test ends (Teardown may run again: it is idempotent).
func attach(t *testing.T, c *container, ports ...string) *Attachment {
	t.Helper()
	ms, err := ParsePorts(ports)
	if err != nil {
		t.Fatal(err)
	}
	att, ops, err := Plan(testCfg, newID(t), c.pid, ms)
	if err != nil {
		t.Fatalf("plan %s: %v", c.name, err)
	}
	t.Cleanup(func() {
		if err := Teardown(testCfg, att); err != nil {
			t.Errorf("teardown %s: %v", c.name, err)
		}
	})
	if err := explain.Run(ops, nil, explain.Parent); err != nil {
		t.Fatalf("attach %s: %v", c.name, err)
	}
	return att
}

// helperAttach plugs in the containers named in JOBS (id=pid=hostport,...)
// concurrently, from a second process, and prints each Attachment as one
// JSON line (an empty line for a container that failed).
func helperAttach() int {
	cfg := DefaultConfig(os.Getenv("STATE_ROOT"))
	jobs := strings.Split(os.Getenv("JOBS"), ",")
	out := make([]string, len(jobs))
	errs := make([]error, len(jobs))
	var wg sync.WaitGroup
	for i, job := range jobs {
		wg.Add(1)
		go func(i int, job string) {
			defer wg.Done()
			var id string
			var pid, port int
			if _, err := fmt.Sscanf(strings.ReplaceAll(job, "=", " "), "%s %d %d", &id, &pid, &port); err != nil {
				errs[i] = err
				return
			}
			att, ops, err := Plan(cfg, id, pid, []PortMapping{{HostPort: port, ContainerPort: 80, Proto: "tcp"}})
			if err == nil {
				err = explain.Run(ops, nil, explain.Parent)
			}
			if att != nil {
				data, _ := json.Marshal(att)
				out[i] = string(data)
			}
			errs[i] = err
		}(i, job)
	}
	wg.Wait()
	code := 0
	for i := range jobs {
		if errs[i] != nil {
			fmt.Fprintln(os.Stderr, errs[i])
			code = 1
		}
		fmt.Println(out[i])
	}
	return code
}
