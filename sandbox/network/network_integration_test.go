//go:build integration

package network

import (
	"net"
	"testing"

	"github.com/vishvananda/netlink"
	"github.com/vishvananda/netns"
)

func TestIntegrationTwoContainersReachEachOther(t *testing.T) {
	expectUnchanged(t)
	a, b := startContainer(t, "a"), startContainer(t, "b")
	attA, attB := attach(t, a), attach(t, b)
	if attA.IP == attB.IP {
		t.Fatalf("both got %s", attA.IP)
	}
	checkContainerSide(t, a, attA)
	checkHostSide(t, attA)

	body, err := a.get("http://" + attB.IP + "/")
	if want := "hello from b to " + attA.IP; err != nil || body != want {
		t.Fatalf("a -> b: %q %v, want %q", body, err, want)
	}
	body, err = b.get("http://" + attA.IP + "/")
	if want := "hello from a to " + attB.IP; err != nil || body != want {
		t.Fatalf("b -> a: %q %v, want %q", body, err, want)
	}
	// And the host reaches both over the bridge, from the gateway address.
	body, err = httpGet("http://" + attA.IP + "/")
	if want := "hello from a to " + testCfg.Gateway.String(); err != nil || body != want {
		t.Fatalf("host -> a: %q %v, want %q", body, err, want)
	}
}

// checkContainerSide looks inside the container's namespace, as the kernel
// sees it: eth0 up with the leased address and MAC, a default route, lo up.
func checkContainerSide(t *testing.T, c *container, att *Attachment) {
	t.Helper()
	ns, err := netns.GetFromPid(c.pid)
	if err != nil {
		t.Fatal(err)
	}
	defer ns.Close()
	h, err := netlink.NewHandleAt(ns)
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	eth0, err := h.LinkByName("eth0")
	if err != nil {
		t.Fatalf("no eth0 in container: %v", err)
	}
	if eth0.Attrs().Flags&net.FlagUp == 0 || eth0.Attrs().HardwareAddr.String() != att.MAC {
		t.Errorf("eth0 flags %v mac %s, want up and %s", eth0.Attrs().Flags, eth0.Attrs().HardwareAddr, att.MAC)
	}
	if !hasAddr(h.AddrList, eth0, att.CIDR()) {
		t.Errorf("eth0 lacks %s", att.CIDR())
	}
	routes, err := h.RouteList(eth0, netlink.FAMILY_V4)
	if err != nil {
		t.Fatal(err)
	}
	foundDefault := false
	for _, r := range routes {
		if (r.Dst == nil || r.Dst.String() == "0.0.0.0/0") && r.Gw.String() == att.Gateway {
			foundDefault = true
		}
	}
	if !foundDefault {
		t.Errorf("no default route via %s in %v", att.Gateway, routes)
	}
	lo, err := h.LinkByName("lo")
	if err != nil || lo.Attrs().Flags&net.FlagUp == 0 {
		t.Errorf("lo not up: %v", err)
	}
}

// checkHostSide: the host end exists, is up and is plugged into the bridge.
func checkHostSide(t *testing.T, att *Attachment) {
	t.Helper()
	veth, err := netlink.LinkByName(att.HostVeth)
	if err != nil {
		t.Fatalf("host veth %s: %v", att.HostVeth, err)
	}
	br, err := netlink.LinkByName(testCfg.Bridge)
	if err != nil {
		t.Fatal(err)
	}
	if veth.Attrs().MasterIndex != br.Attrs().Index || veth.Attrs().Flags&net.FlagUp == 0 {
		t.Errorf("%s: master %d (bridge is %d), flags %v", att.HostVeth, veth.Attrs().MasterIndex, br.Attrs().Index, veth.Attrs().Flags)
	}
}

func TestIntegrationPublishedPortsFromHostAndContainers(t *testing.T) {
	expectUnchanged(t)
	web, client := startContainer(t, "web"), startContainer(t, "client")
	attWeb := attach(t, web, "18080:80", "127.0.0.1:18081:80")
	attClient := attach(t, client)

	for _, url := range []string{
		"http://127.0.0.1:18080/",                        // OUTPUT DNAT, route_localnet and MASQUERADE of 127/8
		"http://127.0.0.1:18081/",                        // the same, for a mapping on 127.0.0.1 only
		"http://" + testCfg.Gateway.String() + ":18080/", // a host address that is not loopback
	} {
		body, err := httpGet(url)
		if want := "hello from web to " + testCfg.Gateway.String(); err != nil || body != want {
			t.Errorf("host -> %s: %q %v, want %q", url, body, err, want)
		}
	}
	// Hairpin: another container uses the published port on the gateway.
	// Its request is rewritten to web's address and MASQUERADEd, so web
	// answers through the host and the client gets the answer it expects.
	body, err := client.get("http://" + testCfg.Gateway.String() + ":18080/")
	if want := "hello from web to " + testCfg.Gateway.String(); err != nil || body != want {
		t.Errorf("client -> gateway:18080: %q %v, want %q", body, err, want)
	}
	// The 127.0.0.1-only mapping is not reachable from elsewhere.
	if body, err := client.get("http://" + testCfg.Gateway.String() + ":18081/"); err == nil {
		t.Errorf("127.0.0.1-only port reached from a container: %q", body)
	}
	_ = attClient

	if n := trackedFlows(t, attWeb.IP); n == 0 {
		t.Errorf("no tracked connection to %s before teardown; the check below would prove nothing", attWeb.IP)
	}
	if err := Teardown(testCfg, attWeb); err != nil {
		t.Fatal(err)
	}
	if n := trackedFlows(t, attWeb.IP); n != 0 {
		t.Errorf("%d connections of %s still tracked after teardown", n, attWeb.IP)
	}
	if body, err := httpGet("http://127.0.0.1:18080/"); err == nil {
		t.Errorf("port still published after teardown: %q", body)
	}
}

// trackedFlows counts the kernel's conntrack entries that involve ip.
func trackedFlows(t *testing.T, ip string) int {
	t.Helper()
	flows, err := netlink.ConntrackTableList(netlink.ConntrackTable, netlink.FAMILY_V4)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, f := range flows {
		if f.Reverse.SrcIP.String() == ip || f.Forward.SrcIP.String() == ip {
			n++
		}
	}
	return n
}
