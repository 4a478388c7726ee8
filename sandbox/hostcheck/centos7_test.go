package hostcheck

import "testing"

// A CentOS 7 minimal install without the iptables package: the fix must
// name yum (not apt-get), and warn that firewalld may remove the rules.
// dockling's rules need nothing newer than CentOS 7's iptables 1.4.21
// (-C, bare -w, -m conntrack --ctstate DNAT, -m comment), so a present
// iptables, however old, is fine.
func TestCentOS7WithoutIptables(t *testing.T) {
	m := centos7
	m.inPath = nil
	rs := byName(t, Run(fakeHost("testdata/centos7", m)))
	expect(t, rs, "iptables", Warn, []string{"neither iptables nor nft", "userland proxy"},
		[]string{"yum install -y iptables", "firewalld"})
	if Failed(Run(fakeHost("testdata/centos7", m))) {
		t.Error("without iptables containers still run (no NAT): the check must not be required")
	}
}
