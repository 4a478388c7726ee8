package network

import (
	"strings"
	"testing"
)

func TestHostsFile(t *testing.T) {
	got := string(HostsFile("web", "10.77.0.2", map[string]string{
		"db": "10.77.0.3", "cache": "10.77.0.4", "web": "10.77.0.2", "bad name": "10.77.0.9", "noip": "x",
	}))
	for _, want := range []string{"127.0.0.1\tlocalhost\n", "10.77.0.2\tweb\n", "10.77.0.4\tcache\n10.77.0.3\tdb\n"} {
		if !strings.Contains(got, want) {
			t.Errorf("hosts file lacks %q:\n%s", want, got)
		}
	}
	if strings.Count(got, "\tweb") != 1 || strings.Contains(got, "bad name") || strings.Contains(got, "noip") {
		t.Errorf("unexpected entries:\n%s", got)
	}
}

func TestHostnameFile(t *testing.T) {
	if got := string(HostnameFile("web")); got != "web\n" {
		t.Fatalf("%q", got)
	}
}

func TestResolvConfCopiesReachableServers(t *testing.T) {
	host := "# comment\nnameserver 192.168.1.1\nnameserver 127.0.0.53\nnameserver fe80::1\nsearch lan\noptions edns0\n"
	got := string(ResolvConf([]byte(host)))
	want := "nameserver 192.168.1.1\nsearch lan\noptions edns0\n"
	if !strings.HasSuffix(got, want) {
		t.Fatalf("got:\n%s\nwant it to end with:\n%s", got, want)
	}
	if strings.Contains(got, "\nnameserver 127.") || !strings.Contains(got, "Left out") {
		t.Fatalf("loopback server kept or not explained:\n%s", got)
	}
}

func TestResolvConfFallsBackForSystemdResolvedStub(t *testing.T) {
	got := string(ResolvConf([]byte("nameserver 127.0.0.53\noptions edns0 trust-ad\n")))
	for _, ns := range FallbackNameservers {
		if !strings.Contains(got, "nameserver "+ns+"\n") {
			t.Errorf("fallback %s missing:\n%s", ns, got)
		}
	}
	if !strings.Contains(got, "public resolvers") {
		t.Errorf("fallback not explained:\n%s", got)
	}
}

func TestOnlyLoopbackServers(t *testing.T) {
	cases := map[string]bool{
		"nameserver 127.0.0.53\n":                   true,
		"nameserver 127.0.0.1\nnameserver ::1\n":    true,
		"nameserver 127.0.0.53\nnameserver 9.9.9.9": false,
		"search lan\n": false,
	}
	for conf, want := range cases {
		if got := onlyLoopbackServers([]byte(conf)); got != want {
			t.Errorf("%q: got %v", conf, got)
		}
	}
}
