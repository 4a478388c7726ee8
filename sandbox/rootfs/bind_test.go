package rootfs

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestBindMountsPlanShape(t *testing.T) {
	ops := BindMounts("/c/rootfs", []BindMount{
		{Source: "/srv/site", Destination: "/www"},
		{Source: "/srv/conf", Destination: "/etc/app", ReadOnly: true},
	})
	want := []struct{ call, shell string }{
		{`mkdir("/c/rootfs/www", 0755)`, `if [ -d /srv/site ]; then mkdir -p /c/rootfs/www; else mkdir -p /c/rootfs && touch /c/rootfs/www; fi`},
		{`mount("/srv/site", "/c/rootfs/www", "", MS_BIND|MS_REC, "")`, "mount --rbind /srv/site /c/rootfs/www"},
		{`mkdir("/c/rootfs/etc/app", 0755)`, `if [ -d /srv/conf ]; then mkdir -p /c/rootfs/etc/app; else mkdir -p /c/rootfs/etc && touch /c/rootfs/etc/app; fi`},
		{`mount("/srv/conf", "/c/rootfs/etc/app", "", MS_BIND|MS_REC, "")`, "mount --rbind /srv/conf /c/rootfs/etc/app"},
		{`mount("", "/c/rootfs/etc/app", "", MS_REMOUNT|MS_BIND|MS_RDONLY, "")`, "mount -o remount,bind,ro /c/rootfs/etc/app"},
	}
	if len(ops) != len(want) {
		t.Fatalf("%d ops, want %d: %+v", len(ops), len(want), ops)
	}
	for i, w := range want {
		if !strings.HasPrefix(ops[i].Call, w.call) {
			t.Errorf("op %d call %q, want it to start with %q", i, ops[i].Call, w.call)
		}
		if ops[i].Shell != w.shell {
			t.Errorf("op %d shell %q, want %q", i, ops[i].Shell, w.shell)
		}
		if ops[i].Why == "" || ops[i].Do == nil {
			t.Errorf("op %d lacks a Why or a Do: %+v", i, ops[i])
		}
	}
}

func TestBindMountsParentsFirstAndQuoted(t *testing.T) {
	ops := BindMounts("/r", []BindMount{
		{Source: "/h/logs", Destination: "/data/logs"},
		{Source: "/h/my data", Destination: "/data"},
		{Source: "/h/x", Destination: "/x"},
	})
	var mounts []string
	for _, op := range ops {
		if strings.HasPrefix(op.Shell, "mount --rbind") {
			mounts = append(mounts, op.Shell)
		}
	}
	want := []string{
		"mount --rbind '/h/my data' /r/data",
		"mount --rbind /h/x /r/x",
		"mount --rbind /h/logs /r/data/logs",
	}
	if strings.Join(mounts, "\n") != strings.Join(want, "\n") {
		t.Errorf("mount order:\n%s\nwant:\n%s", strings.Join(mounts, "\n"), strings.Join(want, "\n"))
	}
	if len(BindMounts("/r", nil)) != 0 {
		t.Error("no mounts should plan no ops")
	}
}

// TestPrepareTargetStaysInRoot runs the first op of a plan (no root
// needed: it only makes directories and files) against an image whose
// /data is a symlink to the host's /etc.
func TestPrepareTargetStaysInRoot(t *testing.T) {
	tmp := t.TempDir()
	root := filepath.Join(tmp, "root")
	srcDir := filepath.Join(tmp, "src")
	srcFile := filepath.Join(tmp, "app.conf")
	for _, d := range []string{root, srcDir, filepath.Join(root, "dir")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(srcFile, []byte("x=1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for name, target := range map[string]string{"data": "/etc", "escape": "../../../..", "top": "/"} {
		if err := os.Symlink(target, filepath.Join(root, name)); err != nil {
			t.Fatal(err)
		}
	}

	got, err := prepareTarget(root, BindMount{Source: srcDir, Destination: "/data/sub"})
	if err != nil || got != filepath.Join(root, "etc/sub") {
		t.Fatalf("dir target = %q, %v; want %s/etc/sub", got, err, root)
	}
	if fi, err := os.Lstat(got); err != nil || !fi.IsDir() {
		t.Errorf("mount point %s not made as a directory: %v", got, err)
	}

	got, err = prepareTarget(root, BindMount{Source: srcFile, Destination: "/escape/conf/app.conf"})
	if err != nil || got != filepath.Join(root, "conf/app.conf") {
		t.Fatalf("file target = %q, %v; want %s/conf/app.conf", got, err, root)
	}
	if fi, err := os.Lstat(got); err != nil || !fi.Mode().IsRegular() || fi.Size() != 0 {
		t.Errorf("mount point %s not made as an empty file: %v", got, err)
	}

	if _, err := prepareTarget(root, BindMount{Source: srcDir, Destination: "/top"}); err == nil || !strings.Contains(err.Error(), "container's / itself") {
		t.Errorf("a destination that resolves to / was accepted: %v", err)
	}
	if _, err := prepareTarget(root, BindMount{Source: srcFile, Destination: "/dir"}); err == nil || !strings.Contains(err.Error(), "is a directory in the image") {
		t.Errorf("a file onto a directory was accepted: %v", err)
	}
	if _, err := prepareTarget(root, BindMount{Source: filepath.Join(tmp, "nope"), Destination: "/n"}); err == nil {
		t.Error("a missing source was accepted")
	}
}
