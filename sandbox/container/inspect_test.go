package container

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"

	"github.com/dockling/dockling/sandbox"
	"github.com/dockling/dockling/sandbox/network"
)

func inspectSample() *Container {
	t0 := time.Date(2026, 11, 28, 12, 0, 0, 123456789, time.UTC)
	return &Container{
		ID: "f00d" + "0123456789abcdef0123456789abcdef0123456789abcdef0123456789ab", Name: "web",
		Created: t0, Image: "hostbox", ImageID: "sha256:beef",
		Path: "sh", Args: []string{"-c", "echo hi"},
		Config: sandbox.Config{Args: []string{"sh", "-c", "echo hi"}, Env: []string{"HOME=/root"}, Cwd: "/www", Hostname: "f00d01234567",
			Overlay: &sandbox.OverlaySpec{Lower: []string{"/l/base", "/l/top"}, Upper: "/c/upper", Work: "/c/work"}, Rootfs: "/c/rootfs"},
		HostConfig: HostConfig{NetworkMode: "bridge", Memory: 64 << 20,
			PortBindings: map[string][]PortBinding{"80/tcp": {{HostPort: "8080"}}}},
		NetworkSettings: NetworkSettings{IPAddress: "10.77.0.2", Gateway: "10.77.0.1", MacAddress: "02:42:0a:4d:00:02",
			Ports:      map[string][]PortBinding{"80/tcp": {{HostIP: "0.0.0.0", HostPort: "8080"}}},
			Attachment: &network.Attachment{IP: "10.77.0.2", PrefixLen: 16}},
		State: State{Status: Running, Pid: 4242, StartedAt: t0.Add(time.Second)},
	}
}

func TestInspectTemplates(t *testing.T) {
	info := inspectSample().Inspect()
	for _, tc := range []struct{ format, want string }{
		{"{{.Id}}", inspectSample().ID}, // docker's JSON name
		{"{{.ID}}", inspectSample().ID}, // docker's Go name
		{"{{.Name}}", "/web"},
		{"{{.Created}}", "2026-11-28T12:00:00.123456789Z"},
		{"{{.Image}}", "sha256:beef"},
		{"{{.Path}} {{json .Args}}", `sh ["-c","echo hi"]`},
		{"{{.NetworkSettings.IPAddress}}", "10.77.0.2"},
		{"{{.NetworkSettings.IPPrefixLen}}", "16"},
		{"{{.NetworkSettings.Networks.bridge.IPAddress}}", "10.77.0.2"},
		{"{{.NetworkSettings.SandboxKey}}", "/proc/4242/ns/net"},
		{"{{.State.ExitCode}}", "0"},
		{"{{.State.Pid}}", "4242"},
		{"{{.Config.Image}}", "hostbox"},
		{"{{.Config.WorkingDir}}", "/www"},
		{"{{json .Config.Cmd}}", `["sh","-c","echo hi"]`},
		{"{{.HostConfig.Memory}}", "67108864"},
		{"{{.HostConfig.RestartPolicy.Name}}", "no"},
		{"{{.GraphDriver.Data.LowerDir}}", "/l/top:/l/base"},
		{"{{json .State}}", `{"Status":"running","Running":true,"Paused":false,"Restarting":false,"OOMKilled":false,"Dead":false,` +
			`"Pid":4242,"ExitCode":0,"Error":"","StartedAt":"2026-11-28T12:00:01.123456789Z","FinishedAt":"0001-01-01T00:00:00Z"}`},
	} {
		tmpl, err := Template(tc.format)
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if err := Execute(tmpl, &buf, info); err != nil {
			t.Errorf("%s: %v", tc.format, err)
			continue
		}
		if buf.String() != tc.want {
			t.Errorf("%s printed %q, want %q", tc.format, buf.String(), tc.want)
		}
	}
}

func TestInspectJSONFieldNames(t *testing.T) {
	c := inspectSample()
	c.State = State{Status: Exited, Pid: 4242, ExitCode: 3, StartedAt: c.Created, FinishedAt: c.Created.Add(time.Minute)}
	b, err := json.Marshal(c.Inspect())
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"Id", "Created", "Path", "Args", "State", "Image", "Name", "RestartCount", "HostConfig", "Mounts", "Config", "NetworkSettings"} {
		if _, ok := got[k]; !ok {
			t.Errorf("inspect JSON has no %q", k)
		}
	}
	st := got["State"].(map[string]any)
	if st["Pid"] != 0.0 || st["ExitCode"] != 3.0 || st["Running"] != false {
		t.Errorf("exited State = %v; want Pid 0, ExitCode 3, Running false", st)
	}
	ns := got["NetworkSettings"].(map[string]any)
	if ns["IPAddress"] != "" {
		t.Errorf("a stopped container shows IP %v; docker shows none", ns["IPAddress"])
	}
	if _, ok := ns["Networks"].(map[string]any)["bridge"]; !ok {
		t.Errorf("a stopped container lost its network's name: %v", ns["Networks"])
	}
	if m, ok := got["Mounts"].([]any); !ok || len(m) != 0 {
		t.Errorf("Mounts = %v, want [] (not null)", got["Mounts"])
	}
	hc := got["HostConfig"].(map[string]any)
	for _, k := range []string{"Memory", "PortBindings", "NetworkMode", "RestartPolicy", "LogConfig"} {
		if _, ok := hc[k]; !ok {
			t.Errorf("HostConfig has no %q (flattened fields missing?)", k)
		}
	}
	cfg := got["Config"].(map[string]any)
	for _, k := range []string{"Hostname", "Env", "Cmd", "Image", "WorkingDir", "Entrypoint", "Tty", "OpenStdin", "ExposedPorts"} {
		if _, ok := cfg[k]; !ok {
			t.Errorf("Config has no %q", k)
		}
	}
}
