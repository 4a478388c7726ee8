package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/dockling/dockling/sandbox/container"
)

// runVolume runs `dockling volume ARGS...` in-process and returns stdout.
func runVolume(t *testing.T, stdin string, args ...string) (string, error) {
	t.Helper()
	cmd := newVolumeCmd()
	var out, errOut bytes.Buffer
	cmd.SetArgs(args)
	cmd.SetOut(&out)
	cmd.SetErr(&errOut)
	cmd.SetIn(strings.NewReader(stdin))
	cmd.SilenceUsage, cmd.SilenceErrors = true, true
	err := cmd.Execute()
	return out.String(), err
}

func mustRunVolume(t *testing.T, args ...string) string {
	t.Helper()
	out, err := runVolume(t, "", args...)
	if err != nil {
		t.Fatalf("volume %s: %v", strings.Join(args, " "), err)
	}
	return out
}

// useVolumeWith writes a container record that mounts volume name, the way
// `run -v name:/data` records it, so the commands see the volume in use.
func useVolumeWith(t *testing.T, root, name string) {
	t.Helper()
	store, err := container.Open(root)
	if err != nil {
		t.Fatal(err)
	}
	c := &container.Container{ID: strings.Repeat("c", 64), Name: "user",
		Mounts: []container.Mount{{Type: "volume", Name: name, Destination: "/data", RW: true}}}
	if err := os.MkdirAll(store.Dir(c.ID), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := store.Save(c); err != nil {
		t.Fatal(err)
	}
}

func TestVolumeCommands(t *testing.T) {
	root := t.TempDir()
	t.Setenv("DOCKLING_ROOT", root)

	if out := mustRunVolume(t, "create", "web-data"); out != "web-data\n" {
		t.Errorf("create printed %q", out)
	}
	random := strings.TrimSpace(mustRunVolume(t, "create"))
	if len(random) != 64 {
		t.Errorf("create with no name printed %q; want a 64-hex name", random)
	}
	mustRunVolume(t, "create", "--label", "project=blog", "-l", "tier", "blog-db")
	if _, err := runVolume(t, "", "create", "./bad"); err == nil || !strings.Contains(err.Error(), "invalid volume name") {
		t.Errorf("create ./bad: %v", err)
	}

	// ls sorts by name; the random hex name may sort before or after.
	names := []string{random, "blog-db", "web-data"}
	sort.Strings(names)
	ls := mustRunVolume(t, "ls")
	wantLs := "DRIVER    VOLUME NAME\n"
	for _, n := range names {
		wantLs += "local     " + n + "\n"
	}
	if ls != wantLs {
		t.Errorf("ls:\n%s\nwant:\n%s", ls, wantLs)
	}
	if q := mustRunVolume(t, "ls", "-q"); q != strings.Join(names, "\n")+"\n" {
		t.Errorf("ls -q: %q", q)
	}

	var got []map[string]any
	if err := json.Unmarshal([]byte(mustRunVolume(t, "inspect", "blog-db", "web-data")), &got); err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 {
		t.Fatalf("inspect of two volumes gave %d", len(got))
	}
	v := got[0]
	wantMp := filepath.Join(root, "volumes/blog-db/_data")
	if v["Name"] != "blog-db" || v["Driver"] != "local" || v["Scope"] != "local" || v["Mountpoint"] != wantMp {
		t.Errorf("inspect blog-db = %v", v)
	}
	if labels, _ := v["Labels"].(map[string]any); labels["project"] != "blog" || labels["tier"] != "" {
		t.Errorf("labels = %v", v["Labels"])
	}
	if created, _ := v["CreatedAt"].(string); !strings.HasSuffix(created, "Z") {
		t.Errorf("CreatedAt = %v; want RFC 3339 UTC", v["CreatedAt"])
	}
	if mp := mustRunVolume(t, "inspect", "-f", "{{.Mountpoint}}", "blog-db"); mp != wantMp+"\n" {
		t.Errorf("inspect --format: %q", mp)
	}
	out, err := runVolume(t, "", "inspect", "web-data", "nope")
	if err == nil || !strings.Contains(err.Error(), "no such volume: nope") || !strings.Contains(out, `"web-data"`) {
		t.Errorf("inspect with a missing name: %q, %v", out, err)
	}

	// A volume a container names cannot go, with or without -f.
	useVolumeWith(t, root, "web-data")
	for _, args := range [][]string{{"rm", "web-data"}, {"rm", "-f", "web-data"}} {
		if _, err := runVolume(t, "", args...); err == nil || !strings.Contains(err.Error(), "in use") {
			t.Errorf("%v on a used volume: %v", args, err)
		}
	}
	if _, err := runVolume(t, "", "rm", "nope"); err == nil || !strings.Contains(err.Error(), "no such volume") {
		t.Errorf("rm nope: %v", err)
	}
	if out := mustRunVolume(t, "rm", "-f", "nope", random); out != random+"\n" {
		t.Errorf("rm -f nope %s printed %q", random, out)
	}

	// prune asks first; "n" keeps everything.
	if out, err := runVolume(t, "n\n", "prune"); err != nil || !strings.Contains(out, "Are you sure") {
		t.Errorf("prune answered n: %q, %v", out, err)
	}
	if q := mustRunVolume(t, "ls", "-q"); q != "blog-db\nweb-data\n" {
		t.Errorf("after a refused prune: %q", q)
	}
	if err := os.WriteFile(filepath.Join(wantMp, "dump.sql"), []byte("12345"), 0o644); err != nil {
		t.Fatal(err)
	}
	// Without -a a named volume is kept.
	if out = mustRunVolume(t, "prune", "-f"); out != "Total reclaimed space: 0B\n" {
		t.Errorf("prune -f without -a printed %q; want nothing removed", out)
	}
	// "yes" is a yes too, as y is.
	out, err = runVolume(t, "yes\n", "prune", "-a")
	if err != nil || !strings.HasSuffix(out, "[y/N] Deleted Volumes:\nblog-db\n\nTotal reclaimed space: 5B\n") {
		t.Errorf("prune -a answered yes: %q, %v", out, err)
	}
	if q := mustRunVolume(t, "ls", "-q"); q != "web-data\n" {
		t.Errorf("after prune: %q; want only the used volume", q)
	}
}

func TestVolumeLabelsAndSizes(t *testing.T) {
	if _, err := volumeLabels([]string{"=x"}); err == nil {
		t.Error("a label without a key was accepted")
	}
	for n, want := range map[int64]string{0: "0B", 999: "999B", 1500: "1.5kB", 4_100_000: "4.1MB"} {
		if got := volumeSizeText(n); got != want {
			t.Errorf("volumeSizeText(%d) = %q, want %q", n, got, want)
		}
	}
}
