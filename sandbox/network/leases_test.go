package network

import (
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

func testConfig(t *testing.T) Config {
	t.Helper()
	cfg := DefaultConfig(t.TempDir())
	cfg.Iptables = "/usr/sbin/iptables" // only words in unit tests: nothing runs it
	return cfg
}

func TestDefaultConfigIsValidAndNotDockersNorPodmans(t *testing.T) {
	cfg := DefaultConfig("/x")
	if err := cfg.validate(); err != nil {
		t.Fatal(err)
	}
	for _, taken := range []string{"172.17.0.1", "10.88.0.1"} {
		if cfg.Subnet.Contains(net.ParseIP(taken)) {
			t.Errorf("default subnet %s overlaps %s", cfg.Subnet, taken)
		}
	}
	if cfg.gatewayCIDR() != "10.77.0.1/16" {
		t.Errorf("gateway %s", cfg.gatewayCIDR())
	}
}

func TestValidateRejectsBadConfigs(t *testing.T) {
	_, sub, _ := net.ParseCIDR("10.9.0.0/24")
	cases := map[string]Config{
		"long bridge name": {Bridge: "a-very-long-bridge", Subnet: sub, Gateway: net.ParseIP("10.9.0.1"), StateRoot: "/x"},
		"gateway outside":  {Bridge: "br", Subnet: sub, Gateway: net.ParseIP("10.8.0.1"), StateRoot: "/x"},
		"gateway is net":   {Bridge: "br", Subnet: sub, Gateway: net.ParseIP("10.9.0.0"), StateRoot: "/x"},
		"gateway is bcast": {Bridge: "br", Subnet: sub, Gateway: net.ParseIP("10.9.0.255"), StateRoot: "/x"},
		"no state root":    {Bridge: "br", Subnet: sub, Gateway: net.ParseIP("10.9.0.1")},
	}
	for name, c := range cases {
		if err := c.validate(); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestAllocateGivesLowestFreeAddressAndReusesReleased(t *testing.T) {
	cfg := testConfig(t)
	var ips []string
	for i := 0; i < 3; i++ {
		l, err := allocate(cfg, fmt.Sprintf("c%d", i), nil)
		if err != nil {
			t.Fatal(err)
		}
		ips = append(ips, l.IP)
	}
	if strings.Join(ips, " ") != "10.77.0.2 10.77.0.3 10.77.0.4" {
		t.Fatalf("got %v", ips)
	}
	if _, err := allocate(cfg, "c1", nil); err == nil {
		t.Fatal("a second lease for the same container was accepted")
	}
	if err := Release(cfg, "c1"); err != nil {
		t.Fatal(err)
	}
	if err := Release(cfg, "c1"); err != nil {
		t.Fatalf("second release: %v", err)
	}
	l, err := allocate(cfg, "c9", nil)
	if err != nil || l.IP != "10.77.0.3" {
		t.Fatalf("after release got %v %v, want 10.77.0.3", l.IP, err)
	}
}

func TestAllocateSkipsGatewayAndStopsWhenFull(t *testing.T) {
	cfg := testConfig(t)
	_, cfg.Subnet, _ = net.ParseCIDR("10.5.5.0/30") // hosts .1 and .2; .1 is the gateway
	cfg.Gateway = net.ParseIP("10.5.5.1")
	l, err := allocate(cfg, "a", nil)
	if err != nil || l.IP != "10.5.5.2" {
		t.Fatalf("got %v %v", l.IP, err)
	}
	if _, err := allocate(cfg, "b", nil); err == nil || !strings.Contains(err.Error(), "no free address") {
		t.Fatalf("want pool exhausted, got %v", err)
	}
}

func TestLeasesFileIsWrittenAtomicallyAndReadable(t *testing.T) {
	cfg := testConfig(t)
	if _, err := allocate(cfg, "0123456789abcdef", nil); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(cfg.StateRoot, "network", "leases.json"))
	if err != nil {
		t.Fatal(err)
	}
	var lf leaseFile
	if err := json.Unmarshal(data, &lf); err != nil {
		t.Fatal(err)
	}
	if l := lf.Leases["0123456789abcdef"]; l.IP != "10.77.0.2" || l.HostVeth != "vd01234567" {
		t.Fatalf("lease %+v", l)
	}
	left, _ := filepath.Glob(filepath.Join(cfg.StateRoot, "network", ".leases-*"))
	if len(left) != 0 {
		t.Fatalf("temporary files left: %v", left)
	}
}

func TestLeasesForAnotherSubnetAreNotMixed(t *testing.T) {
	cfg := testConfig(t)
	if _, err := allocate(cfg, "a", nil); err != nil {
		t.Fatal(err)
	}
	other := cfg
	_, other.Subnet, _ = net.ParseCIDR("10.78.0.0/16")
	other.Gateway = net.ParseIP("10.78.0.1")
	if _, err := allocate(other, "b", nil); err == nil || !strings.Contains(err.Error(), "10.77.0.0/16") {
		t.Fatalf("want a subnet mismatch error, got %v", err)
	}
}

func TestVethNames(t *testing.T) {
	if n := vethName("ABCDEF0123456789"); n != "vdabcdef01" {
		t.Errorf("hex id: %s", n)
	}
	n := vethName("web-1")
	if len(n) != 10 || !strings.HasPrefix(n, "vd") || !isHex(n[2:]) {
		t.Errorf("hashed name %q", n)
	}
	cfg := testConfig(t)
	a, _ := allocate(cfg, "abcdef01aaaa", nil)
	b, err := allocate(cfg, "abcdef01bbbb", nil)
	if err != nil || a.HostVeth == b.HostVeth || len(b.HostVeth) > 15 {
		t.Fatalf("same 8-digit prefix: %q and %q (%v)", a.HostVeth, b.HostVeth, err)
	}
}

func TestMACFollowsIP(t *testing.T) {
	if m := macFor(net.ParseIP("10.77.0.2")).String(); m != "02:dd:0a:4d:00:02" {
		t.Fatalf("mac %s", m)
	}
}

// Twenty containers starting at once, from goroutines and from two other
// processes, must get twenty different addresses.
func TestAllocateConcurrentlyAcrossProcesses(t *testing.T) {
	cfg := testConfig(t)
	const inProcess, perHelper, helpers = 10, 5, 2
	var mu sync.Mutex
	var ips []string
	var wg sync.WaitGroup
	errs := make(chan error, inProcess+helpers)
	for h := 0; h < helpers; h++ {
		wg.Add(1)
		go func(h int) {
			defer wg.Done()
			out, err := helperCommand("allocate", "STATE_ROOT="+cfg.StateRoot, "COUNT="+strconv.Itoa(perHelper), fmt.Sprintf("PREFIX=proc%d-", h)).Output()
			if err != nil {
				errs <- fmt.Errorf("helper %d: %v", h, err)
				return
			}
			mu.Lock()
			ips = append(ips, strings.Fields(string(out))...)
			mu.Unlock()
		}(h)
	}
	for i := 0; i < inProcess; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			l, err := allocate(cfg, fmt.Sprintf("goroutine-%d", i), nil)
			if err != nil {
				errs <- err
				return
			}
			mu.Lock()
			ips = append(ips, l.IP)
			mu.Unlock()
		}(i)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	assertDistinct(t, ips, inProcess+helpers*perHelper)
	leases, err := Leases(cfg)
	if err != nil || len(leases) != inProcess+helpers*perHelper {
		t.Fatalf("lease file holds %d leases (%v)", len(leases), err)
	}
}

func assertDistinct(t *testing.T, ips []string, want int) {
	t.Helper()
	seen := map[string]bool{}
	for _, ip := range ips {
		if seen[ip] {
			t.Errorf("address %s given twice", ip)
		}
		seen[ip] = true
	}
	if len(seen) != want {
		t.Errorf("got %d distinct addresses, want %d: %v", len(seen), want, ips)
	}
}

// helperCommand runs this test binary as the named helper.
func helperCommand(name string, env ...string) *exec.Cmd {
	exe, _ := os.Executable()
	cmd := exec.Command(exe, "-test.run=^$")
	cmd.Env = append(append(os.Environ(), helperEnv+"="+name), env...)
	cmd.Stderr = os.Stderr
	return cmd
}

// helperAllocate leases COUNT addresses at once from STATE_ROOT and prints
// them, one a line.
func helperAllocate() int {
	cfg := DefaultConfig(os.Getenv("STATE_ROOT"))
	n, _ := strconv.Atoi(os.Getenv("COUNT"))
	out := make([]string, n)
	var wg sync.WaitGroup
	var failed atomic.Bool
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			l, err := allocate(cfg, fmt.Sprintf("%s%d", os.Getenv("PREFIX"), i), nil)
			if err != nil {
				fmt.Fprintln(os.Stderr, err)
				failed.Store(true)
				return
			}
			out[i] = l.IP
		}(i)
	}
	wg.Wait()
	fmt.Println(strings.Join(out, "\n"))
	if failed.Load() {
		return 1
	}
	return 0
}
