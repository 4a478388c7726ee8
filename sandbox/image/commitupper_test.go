package image

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// fakeUpper builds what a container's upper dir holds after
// `echo hi > /root/new; echo changed > /etc/os-release; ln ...`, minus
// overlayfs whiteouts, which need root (see the integration test).
func fakeUpper(t *testing.T) string {
	t.Helper()
	upper := t.TempDir()
	mustWrite(t, filepath.Join(upper, "root/new"), "hi\n")
	mustWrite(t, filepath.Join(upper, "etc/os-release"), "changed\n")
	mustWrite(t, filepath.Join(upper, "srv/a"), "same inode\n")
	if err := os.Link(filepath.Join(upper, "srv/a"), filepath.Join(upper, "srv/b")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("/root/new", filepath.Join(upper, "srv/link")); err != nil {
		t.Fatal(err)
	}
	return upper
}

// layerEntries reads a stored layer blob and returns its entries by name.
func layerEntries(t *testing.T, st *Stored, i int) map[string]*tar.Header {
	t.Helper()
	rc, err := st.OpenLayer(st.Manifest.Layers[i].Digest)
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	gz, err := gzip.NewReader(rc)
	if err != nil {
		t.Fatal(err)
	}
	return tarEntries(t, gz)
}

func tarEntries(t *testing.T, r io.Reader) map[string]*tar.Header {
	t.Helper()
	out := map[string]*tar.Header{}
	tr := tar.NewReader(r)
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		out[hdr.Name] = hdr
	}
}

func TestCommitUpperAddsOneLayer(t *testing.T) {
	s := newTestStore(t)
	base, err := s.Resolve("hostbox")
	if err != nil {
		t.Fatal(err)
	}
	img, err := s.CommitUpper(base.ID, fakeUpper(t), CommitOptions{Ref: "mine:v1", Container: "c0ffee", Comment: "said hi"})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(img.ID, "sha256:") || img.ID == base.ID || img.Ref != "mine:v1" {
		t.Fatalf("new image %s %s, base %s", img.Ref, img.ID, base.ID)
	}
	if len(img.Layers) != len(base.Layers)+1 || img.Layers[0] != base.Layers[0] {
		t.Fatalf("layers %v, want base's %v plus one", img.Layers, base.Layers)
	}
	if got, _ := os.ReadFile(filepath.Join(img.Layers[1], "root/new")); string(got) != "hi\n" {
		t.Errorf("unpacked top layer root/new = %q", got)
	}
	if img.Config.Cmd[0] != "sh" || img.Config.Env[0] != base.Config.Env[0] {
		t.Errorf("config not inherited from the base: %+v", img.Config)
	}
	// The container's command becomes the new image's Cmd.
	withCmd, err := s.CommitUpper(base.ID, fakeUpper(t), CommitOptions{Command: []string{"probe", "serve", ":80"}})
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(withCmd.Config.Cmd, " "); got != "probe serve :80" {
		t.Errorf("Cmd after commit of a container running probe serve :80: %q", got)
	}
	st, err := s.Stored("mine:v1")
	if err != nil {
		t.Fatal(err)
	}
	if n := len(st.Config.RootFS.DiffIDs); n != 2 {
		t.Errorf("%d diff_ids, want 2", n)
	}
	if h := st.Config.History[len(st.Config.History)-1]; h.CreatedBy != "dockling commit" || h.Comment != "said hi" {
		t.Errorf("last history entry %+v", h)
	}
	if st.Config.Container != "c0ffee" {
		t.Errorf("config container %q", st.Config.Container)
	}
	entries := layerEntries(t, st, 1)
	for _, name := range []string{"root/", "root/new", "etc/os-release", "srv/a", "srv/link"} {
		if entries[name] == nil {
			t.Errorf("layer tar lacks %s; has %v", name, keys(entries))
		}
	}
	if b := entries["srv/b"]; b == nil || b.Typeflag != tar.TypeLink || b.Linkname != "srv/a" {
		t.Errorf("srv/b should be a hard link to srv/a: %+v", b)
	}
	rows, err := s.History("mine:v1")
	if err != nil || len(rows) != 2 || rows[0].CreatedBy != "dockling commit" || rows[0].Size != int64(len("hi\nchanged\nsame inode\nsame inode\n")) /* both names of srv/a */ {
		t.Errorf("history %+v, %v", rows, err)
	}
}

func TestCommitUpperUnnamedAndErrors(t *testing.T) {
	s := newTestStore(t)
	base, err := s.Resolve("hostbox")
	if err != nil {
		t.Fatal(err)
	}
	img, err := s.CommitUpper(base.ID, t.TempDir(), CommitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if img.Ref != "<none>@"+img.ID {
		t.Errorf("unnamed commit is called %q", img.Ref)
	}
	if again, err := s.Resolve(img.ID); err != nil || again.ID != img.ID {
		t.Errorf("resolve by ID: %v", err)
	}
	gone := "sha256:" + strings.Repeat("0", 64)
	if _, err := s.CommitUpper(gone, t.TempDir(), CommitOptions{}); err == nil || !strings.Contains(err.Error(), "no longer in the store") {
		t.Errorf("commit on a missing image: %v", err)
	}
	if _, err := s.CommitUpper(base.ID, filepath.Join(t.TempDir(), "nope"), CommitOptions{}); err == nil || !strings.Contains(err.Error(), "writable layer") {
		t.Errorf("commit without upper: %v", err)
	}
	if _, err := s.CommitUpper(base.ID, t.TempDir(), CommitOptions{Ref: "Bad:Name"}); err == nil {
		t.Error("commit accepted an upper-case name")
	}
}

// Export hostbox with changes, import the tar, and the new one-layer image
// holds the same files as the container saw.
func TestExportImportRoundTrip(t *testing.T) {
	s := newTestStore(t)
	base, err := s.Resolve("hostbox")
	if err != nil {
		t.Fatal(err)
	}
	upper := fakeUpper(t)
	// The OCI form of a deletion; flattening reads it like overlayfs's 0/0.
	mustWrite(t, filepath.Join(upper, "etc/.wh.hostname"), "")

	var buf bytes.Buffer
	if err := s.ExportRootfs(&buf, base.Layers, upper); err != nil {
		t.Fatal(err)
	}
	entries := tarEntries(t, bytes.NewReader(buf.Bytes()))
	if entries["root/new"] == nil || entries["etc/passwd"] == nil || entries["bin/probe"] == nil && entries["usr/bin/probe"] == nil {
		t.Errorf("export lacks files: %v", keys(entries))
	}
	if entries["etc/hostname"] != nil || entries["etc/.wh.hostname"] != nil {
		t.Error("export kept a deleted file or a whiteout")
	}

	img, err := s.ImportRootfs(bytes.NewReader(buf.Bytes()), ImportOptions{Ref: "flat:v1", Source: "x.tar"})
	if err != nil {
		t.Fatal(err)
	}
	if len(img.Layers) != 1 || len(img.Config.Cmd) != 0 || !strings.HasPrefix(img.Config.Env[0], "PATH=") {
		t.Errorf("imported image: %d layers, config %+v", len(img.Layers), img.Config)
	}
	want := t.TempDir()
	if err := flattenLayers(want, append(append([]string{}, base.Layers...), upper)); err != nil {
		t.Fatal(err)
	}
	if got, exp := treeSummary(t, img.Layers[0]), treeSummary(t, want); got != exp {
		t.Errorf("imported files differ from the container's:\n got: %.2000s\nwant: %.2000s", got, exp)
	}
	rows, _ := s.History("flat:v1")
	if len(rows) != 1 || rows[0].CreatedBy != "dockling import" || rows[0].Comment != "imported from x.tar" {
		t.Errorf("history %+v", rows)
	}
	// Importing the same tar again gives the same layer (same diffid).
	again, err := s.ImportRootfs(bytes.NewReader(buf.Bytes()), ImportOptions{Ref: "flat:v2"})
	if err != nil || again.Layers[0] != img.Layers[0] {
		t.Errorf("second import: %v, layer %v vs %v", err, again.Layers, img.Layers)
	}
}

func TestImportRejectsBadInput(t *testing.T) {
	s := newTestStore(t)
	for name, data := range map[string][]byte{
		"empty":  nil,
		"escape": buildTar(t, tarEntry{name: "../evil", body: "x"}),
		"device": buildTar(t, tarEntry{name: "dev/sda", typ: tar.TypeBlock}),
	} {
		if _, err := s.ImportRootfs(bytes.NewReader(data), ImportOptions{Ref: "bad:" + name}); err == nil {
			t.Errorf("%s: imported", name)
		}
	}
	if imgs, _ := s.List(); len(imgs) != 0 {
		t.Errorf("failed imports left images: %v", imgs)
	}
	if left, _ := filepath.Glob(filepath.Join(s.layersDir(), ".tmp-*")); len(left) > 0 {
		t.Errorf("failed imports left %v", left)
	}
}

// treeSummary is one line per entry: name, type, mode and content digest
// or link target. Directory mtimes and owners are left out.
func treeSummary(t *testing.T, dir string) string {
	t.Helper()
	var lines []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		fi, err := d.Info()
		if err != nil {
			return err
		}
		line := fmt.Sprintf("%s %s", rel, fi.Mode())
		switch {
		case fi.Mode().IsRegular():
			data, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			line += fmt.Sprintf(" %x", sha256.Sum256(data))
		case fi.Mode()&fs.ModeSymlink != 0:
			target, _ := os.Readlink(path)
			line += " -> " + target
		}
		if rel != "." {
			lines = append(lines, line)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}

func keys(m map[string]*tar.Header) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func TestCommandAfterEntrypoint(t *testing.T) {
	for _, c := range []struct{ entrypoint, command, want []string }{
		{nil, []string{"sh", "-c", "x"}, []string{"sh", "-c", "x"}},
		{[]string{"probe"}, []string{"probe", "serve"}, []string{"serve"}},
		{[]string{"probe"}, []string{"probe"}, []string{}},
		{[]string{"probe", "x"}, []string{"sh"}, []string{"sh"}}, // --entrypoint replaced it
		{[]string{"probe"}, []string{"sh", "-c", "y"}, []string{"sh", "-c", "y"}},
	} {
		if got := commandAfter(c.entrypoint, c.command); strings.Join(got, "|") != strings.Join(c.want, "|") || got == nil {
			t.Errorf("commandAfter(%q, %q) = %q, want %q", c.entrypoint, c.command, got, c.want)
		}
	}
}
