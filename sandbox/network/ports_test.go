package network

import (
	"strings"
	"testing"
)

func TestParsePort(t *testing.T) {
	good := map[string]PortMapping{
		"8080:80":           {HostPort: 8080, ContainerPort: 80, Proto: "tcp"},
		"8080:80/tcp":       {HostPort: 8080, ContainerPort: 80, Proto: "tcp"},
		"8053:53/UDP":       {HostPort: 8053, ContainerPort: 53, Proto: "udp"},
		"127.0.0.1:8080:80": {HostIP: "127.0.0.1", HostPort: 8080, ContainerPort: 80, Proto: "tcp"},
		"0.0.0.0:8080:80":   {HostPort: 8080, ContainerPort: 80, Proto: "tcp"},
		"80":                {ContainerPort: 80, Proto: "tcp"},
		"127.0.0.1::80/udp": {HostIP: "127.0.0.1", ContainerPort: 80, Proto: "udp"},
		"65535:1":           {HostPort: 65535, ContainerPort: 1, Proto: "tcp"},
	}
	for spec, want := range good {
		got, err := ParsePort(spec)
		if err != nil {
			t.Errorf("ParsePort(%q): %v", spec, err)
			continue
		}
		if got != want {
			t.Errorf("ParsePort(%q) = %+v, want %+v", spec, got, want)
		}
	}
}

func TestParsePortErrorsNameTheProblem(t *testing.T) {
	bad := map[string]string{
		"":                  "container port",
		"8080:":             "container port",
		"abc:80":            `host port "abc"`,
		"8080:0":            "container port",
		"70000:80":          "host port",
		"8080:80/sctp":      `protocol "sctp"`,
		"1.2.3:8080:80":     "not an IPv4 address",
		"[::1]:8080:80":     "IPv6",
		"8000-8010:80":      "range",
		"1:2:3:4":           "too many colons",
		"localhost:8080:80": "not an IPv4 address",
	}
	for spec, want := range bad {
		_, err := ParsePort(spec)
		if err == nil {
			t.Errorf("ParsePort(%q) accepted it", spec)
			continue
		}
		msg := err.Error()
		if !strings.Contains(msg, want) || !strings.Contains(msg, "HOSTPORT:CONTAINERPORT") || strings.Contains(msg, "\n") {
			t.Errorf("ParsePort(%q) error %q: want one line naming %q and the usage", spec, msg, want)
		}
	}
}

func TestParsePortsRejectsTheSameHostPortTwice(t *testing.T) {
	if _, err := ParsePorts([]string{"8080:80", "127.0.0.1:8080:81"}); err == nil || !strings.Contains(err.Error(), "8080") {
		t.Fatalf("want a clash on 8080, got %v", err)
	}
	// Same number, different protocol: no clash.
	ms, err := ParsePorts([]string{"8053:53/tcp", "8053:53/udp", "80"})
	if err != nil || len(ms) != 3 {
		t.Fatalf("ParsePorts: %v %v", ms, err)
	}
}

func TestPortMappingString(t *testing.T) {
	m := PortMapping{HostPort: 8080, ContainerPort: 80, Proto: "tcp"}
	if s := m.String(); s != "0.0.0.0:8080->80/tcp" {
		t.Fatalf("String() = %q", s)
	}
}
