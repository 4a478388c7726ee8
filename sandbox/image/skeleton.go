package image

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// skeletonDirs are the directories every Linux root filesystem has. Most
// start empty: proc, sys and dev are mount points the runtime fills (step
// 2), tmp is world-writable with the sticky bit so users cannot delete
// each other's files.
var skeletonDirs = []struct {
	name string
	mode fs.FileMode
}{
	{"proc", 0o555}, {"sys", 0o555}, {"dev", 0o755}, {"tmp", 0o777 | fs.ModeSticky},
	{"etc", 0o755}, {"root", 0o700}, {"run", 0o755}, {"var", 0o755}, {"home", 0o755},
}

// skeletonFiles are the few files that programs expect in /etc: id and ls
// read passwd and group to print names, hostname and hosts name the box.
var skeletonFiles = []struct{ name, content string }{
	{"etc/passwd", "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n"},
	{"etc/group", "root:x:0:\nnogroup:x:65534:\n"},
	{"etc/hostname", "hostbox\n"},
	{"etc/hosts", "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n127.0.1.1\thostbox\n"},
	{"etc/nsswitch.conf", "passwd: files\ngroup: files\nhosts: files dns\n"},
	{"etc/os-release", `NAME="hostbox"
PRETTY_NAME="hostbox (built by dockling from this host's binaries)"
ID=hostbox
`},
}

// writeSkeleton adds the skeleton to a layer directory. Directories the
// copied programs already created (etc/alternatives, say) are kept.
func writeSkeleton(dir string) error {
	for _, d := range skeletonDirs {
		p := filepath.Join(dir, d.name)
		if err := os.Mkdir(p, 0o700); err != nil && !os.IsExist(err) {
			return fmt.Errorf("skeleton: %w", err)
		}
		if err := os.Chmod(p, d.mode); err != nil { // umask-proof, and sets the sticky bit
			return fmt.Errorf("skeleton: %w", err)
		}
	}
	for _, f := range skeletonFiles {
		p := filepath.Join(dir, f.name)
		if err := os.WriteFile(p, []byte(f.content), 0o644); err != nil {
			return fmt.Errorf("skeleton: %w", err)
		}
		if err := os.Chmod(p, 0o644); err != nil { // in case of a strict umask
			return fmt.Errorf("skeleton: %w", err)
		}
	}
	return nil
}
