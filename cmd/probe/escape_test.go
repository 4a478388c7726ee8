package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

func TestDecideEscape(t *testing.T) {
	root := fileID{Dev: unix.Mkdev(8, 1), Ino: 1234}
	cases := []struct {
		name      string
		after     fileID
		chrootErr error
		want      outcome
		wantErr   bool
	}{
		{"same directory: contained", root, nil, outcomeContained, false},
		{"other inode: escaped", fileID{Dev: root.Dev, Ino: 2}, nil, outcomeEscaped, false},
		// Same inode number on another file system is another directory.
		{"other device: escaped", fileID{Dev: unix.Mkdev(8, 2), Ino: 1234}, nil, outcomeEscaped, false},
		{"chroot refused: contained", fileID{}, fmt.Errorf("chroot /tmp/x: %w", unix.EPERM), outcomeDenied, false},
		{"chroot failed otherwise: error", fileID{}, fmt.Errorf("chroot /tmp/x: %w", unix.ENOENT), 0, true},
	}
	for _, c := range cases {
		got, err := decideEscape(root, c.after, c.chrootErr)
		if (err != nil) != c.wantErr || got != c.want {
			t.Errorf("%s: got %v, %v; want %v, error %v", c.name, got, err, c.want, c.wantErr)
		}
	}
}

func TestEscapeReportsStartWithVerdict(t *testing.T) {
	a := escapeAttempt{before: fileID{Ino: 10}, after: fileID{Ino: 2}}
	var escaped, contained bytes.Buffer
	reportEscaped(&escaped, a)
	reportContained(&contained, a)
	if first, _, _ := strings.Cut(escaped.String(), "\n"); first != "escape: escaped" {
		t.Errorf("escaped report starts with %q", first)
	}
	if first, _, _ := strings.Cut(contained.String(), "\n"); first != "escape: contained" {
		t.Errorf("contained report starts with %q", first)
	}
	if !strings.Contains(escaped.String(), "why:") || !strings.Contains(contained.String(), "why:") {
		t.Error("a report does not explain why")
	}
}

func TestFirstLines(t *testing.T) {
	path := filepath.Join(t.TempDir(), "os-release")
	if err := os.WriteFile(path, []byte("\nPRETTY_NAME=\"Box\"\nNAME=Box\nID=box\nVERSION=1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	got := firstLines(path, 2)
	if strings.Join(got, "|") != `PRETTY_NAME="Box"|NAME=Box` {
		t.Errorf("firstLines: %q", got)
	}
	if got := firstLines(path+".missing", 2); got != nil {
		t.Errorf("firstLines of a missing file: %q, want nothing", got)
	}
}
