//go:build integration

package steps_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/dockling/dockling/sandbox/cgroups"
)

// inThrowawayNetns runs a shell script in a network namespace made for this
// test alone, which plays the host: the bridge, veths, iptables rules and
// all traffic live and die there, never on the machine's own network.
func inThrowawayNetns(t *testing.T, script string) string {
	t.Helper()
	cmd := exec.Command("unshare", "--net", "--fork", "sh", "-euc", "ip link set lo up\n"+script)
	cmd.Env = append(os.Environ(), "DOCKLING_ROOT="+env.Root, "PATH="+env.Bin+":"+os.Getenv("PATH"))
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	return string(out)
}

// The checks every network test ends with: no veth, no rule of a
// container, no lease left in the throwaway host.
const afterChecks = `
echo "veths: $(ip -o link show type veth | wc -l)"
echo "container rules: $(iptables -t nat -S | grep -c -e 'dockling step' -e 'dockling script' || true)"
echo "leases: $(cat "$DOCKLING_ROOT/network/leases.json" 2>/dev/null | grep -c '"ip"' || true)"
`

func checkClean(t *testing.T, out string) {
	t.Helper()
	for _, want := range []string{"veths: 0", "container rules: 0", "leases: 0"} {
		if !strings.Contains(out, want) {
			t.Errorf("after the run, want %q:\n%s", want, out)
		}
	}
}

func TestIntegrationStep5PublishedPortFromTheHost(t *testing.T) {
	out := inThrowawayNetns(t, `
dockling step 5 -q -p 8080:80 -- probe serve :80 2>/dev/null &
runner=$!
echo "via loopback: $(probe get --retries 50 http://127.0.0.1:8080/)"
echo "via bridge: $(probe get http://10.77.0.1:8080/)"
echo "veths on bridge: $(ip -o link show master dockling0 | wc -l)"
kill $runner; wait $runner || true
`+afterChecks)
	for _, want := range []string{"via loopback: hostname=step5 ip=10.77.", "via bridge: hostname=step5 ip=10.77.", "veths on bridge: 1"} {
		if !strings.Contains(out, want) {
			t.Errorf("want %q:\n%s", want, out)
		}
	}
	checkClean(t, out)
}

func TestIntegrationStep5ContainersReachEachOther(t *testing.T) {
	out := inThrowawayNetns(t, `
dockling step 5 -q --hostname a -- probe serve :80 2>/dev/null &
runner=$!
for i in $(seq 50); do grep -q '"ip"' "$DOCKLING_ROOT/network/leases.json" 2>/dev/null && break; sleep 0.1; done
ip=$(grep -o '"ip": *"[0-9.]*"' "$DOCKLING_ROOT/network/leases.json" | grep -o '[0-9.]*[0-9]')
echo "from b: $(dockling step 5 -q --hostname b -- probe get --retries 50 "http://$ip:80/")"
kill $runner; wait $runner || true
`+afterChecks)
	if !strings.Contains(out, "from b: hostname=a ip=10.77.") {
		t.Errorf("container b did not reach container a by its address:\n%s", out)
	}
	checkClean(t, out)
}

// A step-5 container gets its own /etc/hostname, /etc/hosts naming its
// address, and /etc/resolv.conf, bind-mounted over the image's, as run
// does; the image's own files do not change.
func TestIntegrationStep5OwnEtcFiles(t *testing.T) {
	out := inThrowawayNetns(t, `
dockling step 5 -q --hostname web -- sh -c 'echo "hostname: $(cat /etc/hostname)"; echo "hosts: $(grep web /etc/hosts)"; echo "resolv: $(grep -c . /etc/resolv.conf)"; grep " /etc/" /proc/self/mountinfo | wc -l'
`+afterChecks)
	for _, want := range []string{"hostname: web", "hosts: 10.77.", "resolv: "} {
		if !strings.Contains(out, want) {
			t.Errorf("want %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "resolv: 0") {
		t.Errorf("an empty resolv.conf:\n%s", out)
	}
	checkClean(t, out)
}

func TestIntegrationStep5RunnerKilledIsCleanedUp(t *testing.T) {
	out := inThrowawayNetns(t, `
dockling step 5 -q -p 8081:80 -- sleep 30 &
runner=$!
for i in $(seq 50); do iptables -t nat -S | grep -q 'dport 8081' && break; sleep 0.1; done
kill -9 $runner; wait $runner || true
echo "rules while orphaned: $(iptables -t nat -S | grep -c 'dport 8081' || true)"
dockling step 5 -q -- true
`+afterChecks)
	if !strings.Contains(out, "rules while orphaned: 2") {
		t.Errorf("the killed runner's port rules were expected to linger until the next run:\n%s", out)
	}
	checkClean(t, out)
}

func TestIntegrationStep5Script(t *testing.T) {
	// The container serves for a few seconds, then ends by itself.
	script := env.MustRun(t, "step", "5", "-p", "8082:80", "--script", "--", "sh", "-c", "probe serve :80 & sleep 4; kill $!").Stdout
	path := filepath.Join(t.TempDir(), "step5.sh")
	if err := os.WriteFile(path, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	out := inThrowawayNetns(t, fmt.Sprintf(`
bash %s &
runner=$!
echo "script container: $(probe get --retries 50 http://127.0.0.1:8082/)"
wait $runner
`+afterChecks, path))
	if !strings.Contains(out, "script container: hostname=step5 ip=10.77.") {
		t.Errorf("the step 5 script's container is not reachable on its published port:\n%s\nscript:\n%s", out, script)
	}
	checkClean(t, out)
}

// When a line of the script's host side fails (no iptables, say), set -e
// ends the script; the container, waiting in the background for its
// network, must give up too instead of waiting for ever.
func TestIntegrationStep5ScriptGivesUpWhenTheHostSideFails(t *testing.T) {
	script := env.MustRun(t, "step", "5", "--script", "--", "true").Stdout
	const line = "sysctl -qw net.ipv4.ip_forward=1\n"
	if !strings.Contains(script, line) {
		t.Fatalf("no %q in the script:\n%s", line, script)
	}
	script = strings.Replace(script, line, "false # a host-side command that fails\n", 1)
	path := filepath.Join(t.TempDir(), "step5.sh")
	if err := os.WriteFile(path, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	// The script's cgroup: its teardown never runs, so the test removes it.
	name := regexp.MustCompile(`dockling/(script5-[0-9-]+)`).FindStringSubmatch(script)
	if name == nil {
		t.Fatalf("no cgroup in the script:\n%s", script)
	}
	t.Cleanup(func() {
		if m, err := cgroups.Load(name[1]); err == nil {
			_ = m.Destroy()
		}
	})
	// The output ends when the container's shell, the last writer, does.
	out := inThrowawayNetns(t, fmt.Sprintf("bash %s && echo exit=0 || echo exit=$?", path))
	if !strings.Contains(out, "exit=1") || !strings.Contains(out, "the container's network never came up") {
		t.Errorf("the script with a failing host side:\n%s", out)
	}
}
