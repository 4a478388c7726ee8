//go:build integration

package network

import (
	"encoding/json"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/dockling/dockling/sandbox/explain"
)

func TestIntegrationBusyHostPortFailsBeforeAnythingIsCreated(t *testing.T) {
	expectUnchanged(t)
	busy, err := net.Listen("tcp4", "127.0.0.1:18090")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	c := startContainer(t, "c")
	_, _, err = Plan(testCfg, newID(t), c.pid, []PortMapping{{HostIP: "127.0.0.1", HostPort: 18090, ContainerPort: 80, Proto: "tcp"}})
	if err == nil || !strings.Contains(err.Error(), "already in use") || strings.Contains(err.Error(), "\n") {
		t.Fatalf("want a one-line 'already in use' error, got %v", err)
	}
}

// The runner is killed with SIGKILL: all that is left is the saved JSON.
// Teardown from it alone removes the veth, the rules and the lease, whether
// the container died too (its eth0 already went with its namespace) or not.
func TestIntegrationTeardownFromSavedJSONAfterKill(t *testing.T) {
	for _, containerDies := range []bool{true, false} {
		t.Run(fmt.Sprintf("containerDies=%v", containerDies), func(t *testing.T) {
			expectUnchanged(t)
			c := startContainer(t, "k")
			saved := filepath.Join(t.TempDir(), "network.json")
			func() { // everything in memory is dropped at the end of this func
				ms, _ := ParsePorts([]string{"18100:80", "127.0.0.1:18101:80/udp"})
				att, ops, err := Plan(testCfg, newID(t), c.pid, ms)
				if err != nil {
					t.Fatal(err)
				}
				data, _ := json.Marshal(att)
				if err := os.WriteFile(saved, data, 0o600); err != nil {
					t.Fatal(err)
				}
				if err := explain.Run(ops, nil, explain.Parent); err != nil {
					t.Fatal(err)
				}
			}()
			if containerDies {
				if err := syscall.Kill(c.pid, syscall.SIGKILL); err != nil {
					t.Fatal(err)
				}
				waitGone(t, c.pid)
			}
			data, err := os.ReadFile(saved)
			if err != nil {
				t.Fatal(err)
			}
			var att Attachment
			if err := json.Unmarshal(data, &att); err != nil {
				t.Fatal(err)
			}
			if len(att.Rules) != 4 {
				t.Fatalf("saved attachment records %d rules, want 4", len(att.Rules))
			}
			if err := Teardown(testCfg, &att); err != nil {
				t.Fatal(err)
			}
			if err := Teardown(testCfg, &att); err != nil {
				t.Fatalf("second teardown: %v", err)
			}
		})
	}
}

// waitGone waits until the killed process is reaped by its cleanup-less
// parent... it is our child, so reap it here.
func waitGone(t *testing.T, pid int) {
	t.Helper()
	var ws syscall.WaitStatus
	if _, err := syscall.Wait4(pid, &ws, 0, nil); err != nil {
		t.Fatalf("wait for %d: %v", pid, err)
	}
	// The namespace, and with it eth0 and so the host veth, goes away
	// asynchronously in the kernel; Teardown must cope either way.
}

// Destroy takes the namespace back to how it was before the network was
// made, then the network is made again for any test that runs later.
func TestIntegrationDestroyRestoresThePristineNamespace(t *testing.T) {
	c := startContainer(t, "d")
	att := attach(t, c)
	if err := Destroy(testCfg); err == nil || !strings.Contains(err.Error(), "still attached") {
		t.Fatalf("Destroy with a container attached: %v", err)
	}
	if err := Teardown(testCfg, att); err != nil {
		t.Fatal(err)
	}
	if err := Destroy(testCfg); err != nil {
		t.Fatal(err)
	}
	if d := pristine.diff(takeSnapshot(testCfg)); d != "" {
		t.Errorf("Destroy left things behind:\n%s", d)
	}
	// The first container after Destroy makes the shared network again,
	// and its plan says so.
	c2 := startContainer(t, "e")
	att2, ops, err := Plan(testCfg, newID(t), c2.pid, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer Teardown(testCfg, att2)
	var shells []string
	for _, op := range ops {
		shells = append(shells, op.Shell)
	}
	if !strings.Contains(strings.Join(shells, "\n"), "type bridge") {
		t.Errorf("first plan after Destroy does not create the bridge:\n%s", strings.Join(shells, "\n"))
	}
	if err := explain.Run(ops, nil, explain.Parent); err != nil {
		t.Fatal(err)
	}
	if body, err := httpGet("http://" + att2.IP + "/"); err != nil || !strings.HasPrefix(body, "hello from e") {
		t.Errorf("after re-creating the network: %q %v", body, err)
	}
}
