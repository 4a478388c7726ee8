package container

import (
	"strings"
	"testing"
	"time"

	"github.com/dockling/dockling/sandbox"
)

func TestHumanDuration(t *testing.T) {
	const day = 24 * time.Hour
	for _, tc := range []struct {
		d    time.Duration
		want string
	}{
		{0, "Less than a second"},
		{999 * time.Millisecond, "Less than a second"},
		{time.Second, "1 second"},
		{3 * time.Second, "3 seconds"},
		{59 * time.Second, "59 seconds"},
		{60 * time.Second, "About a minute"},
		{119 * time.Second, "About a minute"},
		{3 * time.Minute, "3 minutes"},
		{59 * time.Minute, "59 minutes"},
		{60 * time.Minute, "About an hour"},
		{89 * time.Minute, "About an hour"},
		{90 * time.Minute, "2 hours"},
		{3 * time.Hour, "3 hours"},
		{47 * time.Hour, "47 hours"},
		{2 * day, "2 days"},
		{13 * day, "13 days"},
		{14 * day, "2 weeks"},
		{3 * 7 * day, "3 weeks"},
		{60 * day, "2 months"},
		{4 * 30 * day, "4 months"},
		{2 * 365 * day, "2 years"},
		{5 * 365 * day, "5 years"},
	} {
		if got := HumanDuration(tc.d); got != tc.want {
			t.Errorf("HumanDuration(%v) = %q, want %q", tc.d, got, tc.want)
		}
	}
}

func TestStatusString(t *testing.T) {
	now := time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name string
		st   State
		want string
	}{
		{"created", State{Status: Created}, "Created"},
		{"running", State{Status: Running, StartedAt: now.Add(-3 * time.Minute)}, "Up 3 minutes"},
		{"just started", State{Status: Running, StartedAt: now}, "Up Less than a second"},
		{"exited", State{Status: Exited, ExitCode: 0, StartedAt: now.Add(-time.Hour), FinishedAt: now.Add(-2 * time.Second)}, "Exited (0) 2 seconds ago"},
		{"killed", State{Status: Exited, ExitCode: 137, StartedAt: now.Add(-time.Hour), FinishedAt: now.Add(-3 * time.Hour)}, "Exited (137) 3 hours ago"},
		{"failed to start", State{Status: Exited, ExitCode: 127}, "Created"},
	} {
		c := &Container{State: tc.st}
		if got := c.StatusString(now); got != tc.want {
			t.Errorf("%s: StatusString = %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestCommandString(t *testing.T) {
	for _, tc := range []struct {
		name          string
		c             Container
		full, trunc20 string
	}{
		{"plain", Container{Path: "probe", Args: []string{"serve", ":80"}}, `"probe serve :80"`, `"probe serve :80"`},
		{"quoted arg", Container{Path: "sh", Args: []string{"-c", "echo hi"}}, `"sh -c 'echo hi'"`, `"sh -c 'echo hi'"`},
		{"long", Container{Path: "sh", Args: []string{"-c", "while true; do date; sleep 1; done"}},
			`"sh -c 'while true; do date; sleep 1; done'"`, `"sh -c 'while true; …"`},
		{"inner quotes", Container{Path: "echo", Args: []string{`say "hi"`}}, `"echo 'say \"hi\"'"`, `"echo 'say \"hi\"'"`},
		{"single quote", Container{Path: "echo", Args: []string{"it's"}}, `"echo 'it'\\''s'"`, `"echo 'it'\\''s'"`},
		{"only runner config", Container{Config: sandbox.Config{Args: []string{"ls", "-l"}}}, `"ls -l"`, `"ls -l"`},
	} {
		if got := tc.c.CommandString(); got != tc.full {
			t.Errorf("%s: CommandString = %s, want %s", tc.name, got, tc.full)
		}
		if got := tc.c.commandColumn(false); got != tc.trunc20 {
			t.Errorf("%s: truncated = %s, want %s", tc.name, got, tc.trunc20)
		}
	}
}

func TestTruncate(t *testing.T) {
	for _, tc := range []struct {
		s    string
		n    int
		want string
	}{
		{"hello", 10, "hello"},
		{"hello", 5, "hello"},
		{"hello world", 5, "hell…"},
		{"héllo wörld", 4, "hél…"},
		{"hello", 1, "h"},
		{"hello", 0, ""},
	} {
		if got := Truncate(tc.s, tc.n); got != tc.want {
			t.Errorf("Truncate(%q, %d) = %q, want %q", tc.s, tc.n, got, tc.want)
		}
	}
}

func TestPortsString(t *testing.T) {
	b := func(ip, port string) []PortBinding { return []PortBinding{{HostIP: ip, HostPort: port}} }
	for _, tc := range []struct {
		name  string
		bound map[string][]PortBinding // NetworkSettings.Ports
		asked map[string][]PortBinding // HostConfig.PortBindings
		want  string
	}{
		{"none", nil, nil, ""},
		{"two, sorted by container port", map[string][]PortBinding{"3306/tcp": b("127.0.0.1", "3307"), "80/tcp": b("0.0.0.0", "8080")}, nil,
			"0.0.0.0:8080->80/tcp, 127.0.0.1:3307->3306/tcp"},
		{"empty host ip means all", nil, map[string][]PortBinding{"80/tcp": b("", "8080")}, "0.0.0.0:8080->80/tcp"},
		{"bound wins over asked", map[string][]PortBinding{"80/tcp": b("0.0.0.0", "32768")}, map[string][]PortBinding{"80/tcp": b("", "")},
			"0.0.0.0:32768->80/tcp"},
		{"udp and ipv6", map[string][]PortBinding{"53/udp": {{HostIP: "0.0.0.0", HostPort: "5353"}, {HostIP: "::", HostPort: "5353"}}}, nil,
			"0.0.0.0:5353->53/udp, [::]:5353->53/udp"},
		{"same-number range folds", map[string][]PortBinding{"8000/tcp": b("", "8000"), "8001/tcp": b("", "8001"), "8002/tcp": b("", "8002")}, nil,
			"0.0.0.0:8000-8002->8000-8002/tcp"},
		{"exposed only", map[string][]PortBinding{"80/tcp": nil}, nil, "80/tcp"},
	} {
		c := &Container{NetworkSettings: NetworkSettings{Ports: tc.bound}, HostConfig: HostConfig{PortBindings: tc.asked}}
		if got := c.PortsString(); got != tc.want {
			t.Errorf("%s: PortsString = %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestPsRow(t *testing.T) {
	now := time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)
	c := &Container{
		ID: strings.Repeat("ab", 32), Name: "web", Image: "hostbox",
		Created: now.Add(-3 * time.Minute), Path: "probe", Args: []string{"serve", ":80"},
		State:           State{Status: Exited, ExitCode: 0, StartedAt: now.Add(-3 * time.Minute), FinishedAt: now.Add(-time.Minute)},
		HostConfig:      HostConfig{NetworkMode: "bridge", PortBindings: map[string][]PortBinding{"80/tcp": {{HostPort: "8080"}}}},
		NetworkSettings: NetworkSettings{Ports: map[string][]PortBinding{"80/tcp": {{HostIP: "0.0.0.0", HostPort: "8080"}}}},
		Mounts:          []Mount{{Type: "bind", Source: "/home/teacher/site", Destination: "/www"}, {Type: "volume", Name: "data"}},
	}
	row := c.PsRow(now, false)
	want := PsRow{ID: "abababababab", Image: "hostbox", Command: `"probe serve :80"`,
		CreatedAt: time.Unix(now.Add(-3*time.Minute).Unix(), 0).String(), RunningFor: "3 minutes ago",
		Status: "Exited (0) About a minute ago", Names: "web", State: "exited",
		Mounts: "/home/teacher/…,data", Networks: "bridge"}
	if row != want {
		t.Errorf("PsRow =\n%+v\nwant\n%+v", row, want)
	}
	c.State.Status = Running
	if row := c.PsRow(now, true); row.Ports != "0.0.0.0:8080->80/tcp" || row.ID != c.ID || row.Mounts != "/home/teacher/site,data" {
		t.Errorf("running, no-trunc: ports %q, id %q, mounts %q", row.Ports, row.ID, row.Mounts)
	}
}
