package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"

	"github.com/dockling/dockling/sandbox/container"
)

// seededContainers are the records seedContainers writes.
type seededContainers struct {
	store      *container.Store
	web, done  *container.Container
	root       string
	webLogPath string
}

// seedContainers makes a state root with two containers: "web", running
// (its recorded process is this test, which is alive), and "done", which
// exited with code 3 a minute ago.
func seedContainers(t *testing.T) seededContainers {
	t.Helper()
	root := t.TempDir()
	t.Setenv("DOCKLING_ROOT", root)
	store, err := container.Open(root)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC()
	start, err := container.ProcessStart(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	done := &container.Container{Name: "done", Image: "hostbox", Path: "sh", Args: []string{"-c", "exit 3"},
		Created: now.Add(-time.Hour),
		State: container.State{Status: container.Exited, ExitCode: 3,
			StartedAt: now.Add(-time.Hour), FinishedAt: now.Add(-time.Minute)}}
	web := &container.Container{Name: "web", Image: "hostbox", ImageID: "sha256:beef", Path: "probe", Args: []string{"serve", ":80"},
		Created: now.Add(-3 * time.Minute),
		HostConfig: container.HostConfig{NetworkMode: "bridge", Memory: 64 << 20,
			PortBindings: map[string][]container.PortBinding{"80/tcp": {{HostPort: "8080"}}}},
		NetworkSettings: container.NetworkSettings{IPAddress: "10.77.0.2", Gateway: "10.77.0.1",
			Ports: map[string][]container.PortBinding{"80/tcp": {{HostIP: "0.0.0.0", HostPort: "8080"}}}},
		State: container.State{Status: container.Running, Pid: os.Getpid(), PidStart: start,
			BootID: container.BootID(), StartedAt: now.Add(-3 * time.Minute)}}
	for _, c := range []*container.Container{done, web} {
		if err := store.Create(c); err != nil {
			t.Fatal(err)
		}
	}
	// The log, as the supervisor writes it.
	web.LogPath = filepath.Join(store.Dir(web.ID), web.ID+"-json.log")
	stdout, stderr, closeFn, err := container.NewLogWriters(web.LogPath)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprint(stdout, "serving on :80\nGET /\n")
	fmt.Fprint(stderr, "warning: no index.html\n")
	fmt.Fprint(stdout, "GET /favicon.ico\n")
	if err := closeFn(); err != nil {
		t.Fatal(err)
	}
	if err := store.Save(web); err != nil {
		t.Fatal(err)
	}
	return seededContainers{store: store, web: web, done: done, root: root, webLogPath: web.LogPath}
}

// runReadCmd runs one of the read commands in-process.
func runReadCmd(t *testing.T, cmd *cobra.Command, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var out, errOut bytes.Buffer
	cmd.SetArgs(args)
	cmd.SetOut(&out)
	cmd.SetErr(&errOut)
	cmd.SilenceUsage, cmd.SilenceErrors = true, true
	err = cmd.Execute()
	return out.String(), errOut.String(), err
}

func TestPsCommand(t *testing.T) {
	s := seedContainers(t)
	out, _, err := runReadCmd(t, newPsCmd())
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) != 2 {
		t.Fatalf("ps printed %d lines, want header + web:\n%s", len(lines), out)
	}
	for _, col := range []string{"CONTAINER ID", "IMAGE", "COMMAND", "CREATED", "STATUS", "PORTS", "NAMES"} {
		if !strings.Contains(lines[0], col) {
			t.Errorf("header %q lacks %s", lines[0], col)
		}
	}
	for _, want := range []string{container.ShortID(s.web.ID), "hostbox", `"probe serve :80"`, "3 minutes ago", "Up 3 minutes", "0.0.0.0:8080->80/tcp", "web"} {
		if !strings.Contains(lines[1], want) {
			t.Errorf("row %q lacks %q", lines[1], want)
		}
	}

	out, _, _ = runReadCmd(t, newPsCmd(), "-a")
	if !strings.Contains(out, "Exited (3) About a minute ago") || strings.Index(out, "web") > strings.Index(out, "done") {
		t.Errorf("ps -a should list web (newer) then done, exited:\n%s", out)
	}

	out, _, _ = runReadCmd(t, newPsCmd(), "-aq", "--no-trunc")
	if out != s.web.ID+"\n"+s.done.ID+"\n" {
		t.Errorf("ps -aq --no-trunc = %q", out)
	}

	out, _, _ = runReadCmd(t, newPsCmd(), "-a", "--format", "{{.Names}} {{.State}}")
	if out != "web running\ndone exited\n" {
		t.Errorf("ps --format = %q", out)
	}

	out, _, _ = runReadCmd(t, newPsCmd(), "-l", "--format", "table {{.Names}}")
	if out != "NAMES\nweb\n" {
		t.Errorf("ps -l table = %q", out)
	}

	_, _, err = runReadCmd(t, newPsCmd(), "--format", "{{.Nope")
	if err == nil || !strings.HasPrefix(err.Error(), "invalid --format template: ") {
		t.Errorf("bad --format error = %v", err)
	}
}

func TestLogsCommand(t *testing.T) {
	seedContainers(t)
	out, errOut, err := runReadCmd(t, newLogsCmd(), "web")
	if err != nil {
		t.Fatal(err)
	}
	if out != "serving on :80\nGET /\nGET /favicon.ico\n" || errOut != "warning: no index.html\n" {
		t.Errorf("logs: stdout %q stderr %q", out, errOut)
	}
	out, _, _ = runReadCmd(t, newLogsCmd(), "--tail", "1", "-t", "web")
	if !strings.HasSuffix(out, "Z GET /favicon.ico\n") || strings.Count(out, "\n") != 1 {
		t.Errorf("logs --tail 1 -t = %q", out)
	}
	out, errOut, _ = runReadCmd(t, newLogsCmd(), "--since", "1h", "done")
	if out != "" || errOut != "" {
		t.Errorf("a container without a log printed %q %q", out, errOut)
	}
	if _, _, err := runReadCmd(t, newLogsCmd(), "--tail", "lots", "web"); err == nil || !strings.Contains(err.Error(), `invalid --tail "lots"`) {
		t.Errorf("bad --tail error = %v", err)
	}
	if _, _, err := runReadCmd(t, newLogsCmd(), "nosuch"); err == nil || !strings.Contains(err.Error(), "no such container: nosuch") {
		t.Errorf("unknown container error = %v", err)
	}
}

func TestParseLogsSince(t *testing.T) {
	now := time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		in   string
		want time.Time
	}{
		{"", time.Time{}},
		{"10m", now.Add(-10 * time.Minute)},
		{"2026-11-28T11:00:00Z", time.Date(2026, 11, 28, 11, 0, 0, 0, time.UTC)},
		{"2026-11-28T11:00:00", time.Date(2026, 11, 28, 11, 0, 0, 0, time.Local)},
		{"2026-11-28", time.Date(2026, 11, 28, 0, 0, 0, 0, time.Local)},
		{"1700000000", time.Unix(1700000000, 0)},
		{"1700000000.5", time.Unix(1700000000, 500000000)},
	} {
		got, err := parseLogsSince(tc.in, now)
		if err != nil || !got.Equal(tc.want) {
			t.Errorf("parseLogsSince(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
		}
	}
	if _, err := parseLogsSince("yesterday", now); err == nil {
		t.Error(`parseLogsSince("yesterday") accepted`)
	}
}

func TestInspectCommand(t *testing.T) {
	s := seedContainers(t)
	out, _, err := runReadCmd(t, newInspectCmd(), "web", container.ShortID(s.done.ID))
	if err != nil {
		t.Fatal(err)
	}
	var got []map[string]any
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("inspect is not a JSON array: %v\n%s", err, out)
	}
	if len(got) != 2 || got[0]["Name"] != "/web" || got[1]["Name"] != "/done" || got[0]["Id"] != s.web.ID {
		t.Errorf("inspect web done: %d objects, names %v %v", len(got), got[0]["Name"], got[len(got)-1]["Name"])
	}

	for _, tc := range []struct{ format, want string }{
		{"{{.NetworkSettings.IPAddress}}", "10.77.0.2\n"},
		{"{{.State.ExitCode}}", "0\n"},
		{"{{.Config.Image}}", "hostbox\n"},
		{"{{.HostConfig.Memory}}", "67108864\n"},
		{"{{.Id}}", s.web.ID + "\n"},
		{"{{json .State.Running}}", "true\n"},
	} {
		out, _, err := runReadCmd(t, newInspectCmd(), "-f", tc.format, "web")
		if err != nil || out != tc.want {
			t.Errorf("inspect -f %s = %q, %v; want %q", tc.format, out, err, tc.want)
		}
	}

	out, _, err = runReadCmd(t, newInspectCmd(), "--format", "{{.Name}}", "web", "ghost")
	if out != "/web\n" || err == nil || !strings.Contains(err.Error(), "no such container") || !strings.Contains(err.Error(), "ghost") {
		t.Errorf("inspect web ghost: %q, %v; want /web printed, then an error naming ghost", out, err)
	}
}

func TestInspectFallsBackToImages(t *testing.T) {
	seedContainers(t)
	old := inspectImage
	t.Cleanup(func() { inspectImage = old })
	inspectImage = func(ref string) (any, error) {
		if ref == "hostbox" {
			return map[string]any{"Id": "sha256:beef", "RepoTags": []string{"hostbox:latest"}}, nil
		}
		return nil, fmt.Errorf("no such image: %s", ref)
	}
	out, _, err := runReadCmd(t, newInspectCmd(), "-f", "{{.Id}}", "hostbox")
	if err != nil || out != "sha256:beef\n" {
		t.Errorf("inspect hostbox = %q, %v", out, err)
	}
	if _, _, err := runReadCmd(t, newInspectCmd(), "--type", "container", "hostbox"); err == nil {
		t.Error("--type container found an image")
	}
	out, _, err = runReadCmd(t, newInspectCmd(), "nothing")
	if out != "[]\n" || err == nil || !strings.Contains(err.Error(), "no such container or image: nothing") {
		t.Errorf("inspect nothing = %q, %v", out, err)
	}
}

func TestLifecycleReadCommandsHaveHelp(t *testing.T) {
	names := map[string]bool{}
	for _, c := range lifecycleReadCommands() {
		names[c.Name()] = true
		if c.Short == "" || c.Long == "" || c.Example == "" {
			t.Errorf("%s lacks Short, Long or Example", c.Name())
		}
	}
	if !names["ps"] || !names["logs"] || !names["inspect"] {
		t.Errorf("lifecycleReadCommands = %v, want ps, logs, inspect", names)
	}
}
