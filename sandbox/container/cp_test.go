package container

import (
	"archive/tar"
	"bytes"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// bothResolvers runs a test with openat2 (when the kernel has it) and with
// the SecureJoin fallback that CentOS 7 gets.
func bothResolvers(t *testing.T, test func(t *testing.T)) {
	for _, fallback := range []bool{false, true} {
		name := "openat2"
		if fallback {
			name = "fallback"
		} else if !haveOpenat2() {
			t.Log("this kernel has no openat2; only the fallback runs")
			continue
		}
		t.Run(name, func(t *testing.T) {
			forceFallback = fallback
			t.Cleanup(func() { forceFallback = envFallback })
			test(t)
		})
	}
}

// hostileTree is a container root holding the classic escapes, and a
// "host" directory beside it that must never be touched through them.
func hostileTree(t *testing.T) (ctr, host string) {
	t.Helper()
	dir := t.TempDir()
	ctr, host = filepath.Join(dir, "ctr"), filepath.Join(dir, "host")
	must(t, os.MkdirAll(filepath.Join(ctr, "etc"), 0o755))
	must(t, os.MkdirAll(filepath.Join(host, "etc"), 0o755))
	must(t, os.WriteFile(filepath.Join(ctr, "etc/hostname"), []byte("container\n"), 0o644))
	must(t, os.WriteFile(filepath.Join(host, "etc/hostname"), []byte("HOST\n"), 0o644))
	must(t, os.Symlink("/etc", filepath.Join(ctr, "evil1")))
	must(t, os.Symlink("../../../../../../etc", filepath.Join(ctr, "evil2")))
	// Relative to the container's parent, where host/ really is: inside
	// the root ".." stops at "/", so this names the container's /host/etc,
	// which does not exist.
	must(t, os.Symlink("../host/etc", filepath.Join(ctr, "evil4")))
	return ctr, host
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func openRoot(t *testing.T, dir string) *Root {
	t.Helper()
	r, err := OpenRoot(dir)
	must(t, err)
	t.Cleanup(func() { r.Close() })
	return r
}

func TestCopyOutThroughHostileSymlinks(t *testing.T) {
	bothResolvers(t, func(t *testing.T) {
		ctr, _ := hostileTree(t)
		out := t.TempDir()
		c, h := openRoot(t, ctr), openRoot(t, "/")
		if err := Copy(Endpoint{c, "/evil4/hostname"}, Endpoint{h, out + "/evil4"}, CopyOptions{}); err == nil {
			t.Errorf("/evil4/hostname (-> ../host/etc) was found: it must not leave the root")
		}
		for _, evil := range []string{"evil1", "evil2"} {
			dst := filepath.Join(out, evil)
			must(t, Copy(Endpoint{c, "/" + evil + "/hostname"}, Endpoint{h, dst}, CopyOptions{}))
			if b, _ := os.ReadFile(dst); string(b) != "container\n" {
				t.Errorf("/%s/hostname read %q, want the container's", evil, b)
			}
		}
	})
}

func TestCopyInThroughHostileSymlinks(t *testing.T) {
	bothResolvers(t, func(t *testing.T) {
		ctr, host := hostileTree(t)
		src := filepath.Join(t.TempDir(), "payload")
		must(t, os.WriteFile(src, []byte("x"), 0o640))
		c, h := openRoot(t, ctr), openRoot(t, "/")
		if err := Copy(Endpoint{h, src}, Endpoint{c, "/evil4/x"}, CopyOptions{}); err == nil {
			t.Errorf("/evil4/x (-> ../host/etc) was written: it must not leave the root")
		}
		if _, err := os.Lstat(filepath.Join(host, "etc/x")); err == nil {
			t.Errorf("evil4: wrote the host's etc")
		}
		for _, evil := range []string{"evil1", "evil2"} {
			must(t, Copy(Endpoint{h, src}, Endpoint{c, "/" + evil + "/x-" + evil}, CopyOptions{}))
			fi, err := os.Lstat(filepath.Join(ctr, "etc", "x-"+evil))
			if err != nil || fi.Mode() != 0o640 {
				t.Errorf("%s: the container's /etc/x-%s: %v %v, want a file with mode 0640", evil, evil, fi, err)
			}
			if _, err := os.Lstat(filepath.Join(host, "etc", "x-"+evil)); err == nil {
				t.Errorf("%s: wrote the host's etc", evil)
			}
		}
	})
}

func TestCopyDirectoryRules(t *testing.T) {
	bothResolvers(t, func(t *testing.T) {
		ctr := t.TempDir()
		must(t, os.MkdirAll(filepath.Join(ctr, "data/sub"), 0o750))
		must(t, os.WriteFile(filepath.Join(ctr, "data/sub/f"), []byte("f"), 0o600))
		must(t, os.WriteFile(filepath.Join(ctr, "data/run.sh"), []byte("#!"), 0o755))
		must(t, os.Symlink("/etc/passwd", filepath.Join(ctr, "data/link")))
		c, h := openRoot(t, ctr), openRoot(t, "/")
		out := t.TempDir()

		// Missing DEST: created, with SRC's contents.
		must(t, Copy(Endpoint{c, "/data"}, Endpoint{h, out + "/new"}, CopyOptions{}))
		// Existing DEST directory: SRC goes inside it.
		must(t, os.Mkdir(out+"/into", 0o755))
		must(t, Copy(Endpoint{c, "/data"}, Endpoint{h, out + "/into"}, CopyOptions{}))
		// "SRC/.": the contents go straight in.
		must(t, os.Mkdir(out+"/dot", 0o755))
		must(t, Copy(Endpoint{c, "/data/."}, Endpoint{h, out + "/dot"}, CopyOptions{}))

		want := "link -> /etc/passwd, run.sh 755, sub 750, sub/f 600"
		for _, d := range []string{"new", "into/data", "dot"} {
			if got := listTree(t, filepath.Join(out, d)); got != want {
				t.Errorf("%s: %s\nwant %s", d, got, want)
			}
		}
		must(t, os.WriteFile(out+"/file", nil, 0o644))
		if err := Copy(Endpoint{c, "/data"}, Endpoint{h, out + "/file"}, CopyOptions{}); err == nil || !strings.Contains(err.Error(), "cannot copy a directory to the file") {
			t.Errorf("directory onto a file: %v", err)
		}
		if err := Copy(Endpoint{c, "/data/run.sh"}, Endpoint{h, out + "/missing/"}, CopyOptions{}); err == nil || !strings.Contains(err.Error(), "does not exist") {
			t.Errorf("file into a missing directory: %v", err)
		}
		if err := Copy(Endpoint{c, "/nope"}, Endpoint{h, out}, CopyOptions{}); err == nil || !strings.Contains(err.Error(), "could not find the file /nope") {
			t.Errorf("missing source: %v", err)
		}
		// -L follows the last link (inside the root: there is no /etc/passwd).
		if err := Copy(Endpoint{c, "/data/link"}, Endpoint{h, out + "/l"}, CopyOptions{FollowLink: true}); err == nil {
			t.Errorf("-L on a link to a file the container does not have: no error")
		}
	})
}

// listTree prints a tree as "name mode" pairs, links with their target.
func listTree(t *testing.T, dir string) string {
	var out []string
	must(t, filepath.Walk(dir, func(p string, fi os.FileInfo, err error) error {
		if err != nil || p == dir {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		if fi.Mode()&os.ModeSymlink != 0 {
			l, _ := os.Readlink(p)
			out = append(out, rel+" -> "+l)
		} else {
			out = append(out, rel+" "+strings.TrimPrefix(fi.Mode().Perm().String(), "-")+"")
		}
		return nil
	}))
	sort.Strings(out)
	s := strings.Join(out, ", ")
	// Modes as octal are easier to read in a failure.
	for _, m := range [][2]string{{"rwxr-xr-x", "755"}, {"rwxr-x---", "750"}, {"rw-------", "600"}} {
		s = strings.ReplaceAll(s, m[0], m[1])
	}
	return s
}

func tarOf(t *testing.T, entries ...*tar.Header) *bytes.Buffer {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, h := range entries {
		if h.Typeflag == tar.TypeReg {
			h.Size = int64(len(h.Linkname))
		}
		must(t, tw.WriteHeader(h))
		if h.Typeflag == tar.TypeReg {
			// Tests carry a regular file's content in Linkname.
			_, _ = io.WriteString(tw, h.Linkname)
		}
	}
	must(t, tw.Close())
	return &buf
}

func TestExtractRefusesHostileTars(t *testing.T) {
	bothResolvers(t, func(t *testing.T) {
		dir := t.TempDir()
		ctr, outside := filepath.Join(dir, "ctr"), filepath.Join(dir, "outside")
		must(t, os.MkdirAll(filepath.Join(ctr, "dest"), 0o755))
		must(t, os.Mkdir(outside, 0o755))
		// A link already in the container, pointing out.
		must(t, os.Symlink(outside, filepath.Join(ctr, "dest/old")))
		c := openRoot(t, ctr)
		for _, tc := range []struct {
			name    string
			entries []*tar.Header
			want    string
		}{
			{"dotdot", []*tar.Header{{Name: "../../outside/x", Typeflag: tar.TypeReg, Mode: 0o644}}, "climbs out"},
			{"absolute", []*tar.Header{{Name: outside + "/x", Typeflag: tar.TypeReg, Mode: 0o644}}, "absolute name"},
			{"link then through it", []*tar.Header{
				{Name: "l", Typeflag: tar.TypeSymlink, Linkname: outside},
				{Name: "l/x", Typeflag: tar.TypeReg, Mode: 0o644}}, "never writes through a symlink"},
			{"through an existing link", []*tar.Header{{Name: "old/x", Typeflag: tar.TypeReg, Mode: 0o644}}, "never writes through a symlink"},
			{"hard link out", []*tar.Header{{Name: "h", Typeflag: tar.TypeLink, Linkname: "../outside/x"}}, "refused"},
		} {
			err := c.Extract(tarOf(t, tc.entries...), "/dest", ExtractOptions{})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("%s: %v, want an error with %q", tc.name, err, tc.want)
			}
		}
		if ents, _ := os.ReadDir(outside); len(ents) > 0 {
			t.Errorf("something was written outside: %v", ents)
		}
		// A file entry named like an existing link replaces the link; it
		// does not write through it.
		must(t, c.Extract(tarOf(t, &tar.Header{Name: "old", Typeflag: tar.TypeReg, Mode: 0o600, Linkname: "new"}), "/dest", ExtractOptions{}))
		if fi, err := os.Lstat(filepath.Join(ctr, "dest/old")); err != nil || !fi.Mode().IsRegular() {
			t.Errorf("dest/old after replacing the link: %v %v", fi, err)
		}
		if ents, _ := os.ReadDir(outside); len(ents) > 0 {
			t.Errorf("something was written outside: %v", ents)
		}
	})
}

func TestArchiveNamesAndStdinExtract(t *testing.T) {
	bothResolvers(t, func(t *testing.T) {
		ctr := t.TempDir()
		must(t, os.MkdirAll(filepath.Join(ctr, "etc/app"), 0o755))
		must(t, os.WriteFile(filepath.Join(ctr, "etc/app/conf"), []byte("c"), 0o644))
		c := openRoot(t, ctr)
		var buf bytes.Buffer
		must(t, ArchiveTo(&buf, Endpoint{c, "/etc/app"}, CopyOptions{}))
		var names []string
		tr := tar.NewReader(bytes.NewReader(buf.Bytes()))
		for h, err := tr.Next(); err == nil; h, err = tr.Next() {
			names = append(names, h.Name)
		}
		if got := strings.Join(names, " "); got != "app/ app/conf" {
			t.Errorf("archive names: %s", got)
		}
		// And back in, under another directory, as `cp - c:/srv` does.
		must(t, os.Mkdir(filepath.Join(ctr, "srv"), 0o755))
		must(t, ExtractTo(bytes.NewReader(buf.Bytes()), Endpoint{c, "/srv"}, CopyOptions{}))
		if b, _ := os.ReadFile(filepath.Join(ctr, "srv/app/conf")); string(b) != "c" {
			t.Errorf("srv/app/conf = %q", b)
		}
		if err := ExtractTo(bytes.NewReader(buf.Bytes()), Endpoint{c, "/etc/app/conf"}, CopyOptions{}); err == nil || !strings.Contains(err.Error(), "must be a directory") {
			t.Errorf("stdin into a file: %v", err)
		}
	})
}

func TestCleanTarName(t *testing.T) {
	for name, want := range map[string]string{"./a/b/": "a/b", "a//b": "a/b", ".": "", "./": ""} {
		if got, err := CleanTarName(name); err != nil || got != want {
			t.Errorf("CleanTarName(%q) = %q, %v; want %q", name, got, err, want)
		}
	}
	for _, bad := range []string{"/etc/passwd", "a/../../b", "..", "a\x00b"} {
		if _, err := CleanTarName(bad); err == nil {
			t.Errorf("CleanTarName(%q): no error", bad)
		}
	}
}

// A running container's root is opened through a link, /proc/PID/root:
// the fallback must follow that one link and no other.
func TestRootOpenedThroughALink(t *testing.T) {
	bothResolvers(t, func(t *testing.T) {
		ctr, _ := hostileTree(t)
		link := filepath.Join(t.TempDir(), "root")
		must(t, os.Symlink(ctr, link))
		c := openRoot(t, link)
		if st, err := c.Stat("/", false); err != nil || st.Mode&0o170000 != 0o040000 {
			t.Errorf("Stat(/) through a linked root: %v %v", st.Mode, err)
		}
		var buf bytes.Buffer
		must(t, ArchiveTo(&buf, Endpoint{c, "/evil1/hostname"}, CopyOptions{}))
		if !strings.Contains(buf.String(), "container") {
			t.Errorf("evil1/hostname through a linked root did not read the container's")
		}
	})
}
