package network

import (
	"encoding/json"
	"net"
	"reflect"
	"strings"
	"testing"
)

// The --script words must be the commands a learner can type, in order.
func TestPreviewShellTwins(t *testing.T) {
	cfg := testConfig(t)
	ports := []PortMapping{{HostPort: 8080, ContainerPort: 80, Proto: "tcp"}}
	att, ops, err := Preview(cfg, "0123456789abcdef", ports)
	if err != nil {
		t.Fatal(err)
	}
	var script []string
	for _, op := range ops {
		if op.Do != nil {
			t.Errorf("preview op %q would act", op.Call)
		}
		if op.Shell != "" {
			script = append(script, op.Shell)
		}
	}
	all := strings.Join(script, "\n")
	for _, want := range []string{
		"ip link add dockling0 address 02:dd:0a:4d:00:01 type bridge",
		"ip addr replace 10.77.0.1/16 dev dockling0",
		"sysctl -qw net.ipv4.ip_forward=1",
		"iptables -t nat -C POSTROUTING -s 10.77.0.0/16 '!' -o dockling0 -j MASQUERADE 2>/dev/null || iptables -t nat -A POSTROUTING -s 10.77.0.0/16 '!' -o dockling0 -j MASQUERADE",
		"ip link add vd01234567 type veth peer name eth0 address 02:dd:0a:4d:00:02 netns $PID",
		"ip link set vd01234567 master dockling0",
		"nsenter -t $PID -n ip addr add 10.77.0.2/16 dev eth0",
		"nsenter -t $PID -n ip route add default via 10.77.0.1",
		"-A PREROUTING -p tcp -m addrtype --dst-type LOCAL --dport 8080",
		"-A OUTPUT -p tcp -m addrtype --dst-type LOCAL --dport 8080",
		"--to-destination 10.77.0.2:80",
	} {
		if !strings.Contains(all, want) {
			t.Errorf("script lacks %q:\n%s", want, all)
		}
	}
	// The bridge comes up last: "up" is the mark that the shared setup is done.
	if i, j := strings.Index(all, "ip link set dockling0 up"), strings.Index(all, "MASQUERADE"); i < j {
		t.Errorf("bridge brought up before the NAT rules")
	}
	if len(att.Rules) != 2 || att.IP != "10.77.0.2" {
		t.Errorf("attachment %+v", att)
	}
	if leases, _ := Leases(cfg); len(leases) != 0 {
		t.Errorf("preview took a lease: %v", leases)
	}
}

func TestDNATRulesForOneHostAddress(t *testing.T) {
	rules := dnatRules("abc", "10.77.0.5", PortMapping{HostIP: "127.0.0.1", HostPort: 5353, ContainerPort: 53, Proto: "udp"})
	want := "-p udp -d 127.0.0.1 --dport 5353 -m comment --comment 'dockling abc' -j DNAT --to-destination 10.77.0.5:53"
	for _, r := range rules {
		if got := strings.SplitN(r.String(), " ", 5)[4]; got != want {
			t.Errorf("%s rule: got %q, want %q", r.Chain, got, want)
		}
	}
	if rules[0].Chain != "PREROUTING" || rules[1].Chain != "OUTPUT" {
		t.Errorf("chains %s %s", rules[0].Chain, rules[1].Chain)
	}
}

func TestNoIptablesMeansProxiedPortsAndNoRules(t *testing.T) {
	cfg := testConfig(t)
	cfg.Iptables = ""
	ports := []PortMapping{{HostPort: 8080, ContainerPort: 80, Proto: "tcp"}}
	att, ops, err := Preview(cfg, "c", ports)
	if err != nil {
		t.Fatal(err)
	}
	if len(att.Rules) != 0 || !reflect.DeepEqual(att.Proxied, ports) {
		t.Fatalf("rules %v proxied %v", att.Rules, att.Proxied)
	}
	for _, op := range ops {
		if strings.Contains(op.Shell, "iptables") {
			t.Errorf("op uses iptables: %s", op.Shell)
		}
	}
}

func TestAttachmentRoundTripsThroughJSON(t *testing.T) {
	cfg := testConfig(t)
	att, _, err := Preview(cfg, "0123456789abcdef", []PortMapping{{HostIP: "127.0.0.1", HostPort: 9000, ContainerPort: 90, Proto: "tcp"}})
	if err != nil {
		t.Fatal(err)
	}
	data, err := json.Marshal(att)
	if err != nil {
		t.Fatal(err)
	}
	var back Attachment
	if err := json.Unmarshal(data, &back); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(*att, back) {
		t.Fatalf("round trip changed it:\n%+v\n%+v", *att, back)
	}
	// What TeardownOps would remove is the same for the copy.
	a, b := TeardownOps(cfg, att), TeardownOps(cfg, &back)
	if len(a) != len(b) || len(a) != 5 {
		t.Fatalf("teardown ops %d vs %d", len(a), len(b))
	}
	for i := range a {
		if a[i].Shell != b[i].Shell {
			t.Errorf("op %d: %q vs %q", i, a[i].Shell, b[i].Shell)
		}
	}
}

func TestClaimPortsRefusesBusyAndPublishedPorts(t *testing.T) {
	cfg := testConfig(t)
	busy, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	port := busy.Addr().(*net.TCPAddr).Port
	_, err = allocate(cfg, "a", []PortMapping{{HostIP: "127.0.0.1", HostPort: port, ContainerPort: 80, Proto: "tcp"}})
	if err == nil || !strings.Contains(err.Error(), "already in use") {
		t.Fatalf("busy port: %v", err)
	}
	if leases, _ := Leases(cfg); len(leases) != 0 {
		t.Fatalf("a failed allocation left a lease: %v", leases)
	}

	// A port published by another container holds no socket; the lease knows.
	l, err := allocate(cfg, "b", []PortMapping{{HostIP: "127.0.0.1", ContainerPort: 80, Proto: "tcp"}})
	if err != nil || l.Ports[0].HostPort == 0 {
		t.Fatalf("random port: %+v %v", l.Ports, err)
	}
	again := l.Ports[0]
	again.HostIP = ""
	if _, err := allocate(cfg, "c", []PortMapping{again}); err == nil || !strings.Contains(err.Error(), "published by container b") {
		t.Fatalf("port of container b: %v", err)
	}
	if _, err := allocate(cfg, "d", []PortMapping{{HostIP: "192.0.2.1", HostPort: 8080, ContainerPort: 80, Proto: "tcp"}}); err == nil || !strings.Contains(err.Error(), "not an address of this machine") {
		t.Fatalf("foreign host address: %v", err)
	}
}
