package image

import (
	"debug/elf"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestHostboxBuild(t *testing.T) {
	s := newTestStore(t)
	start := time.Now()
	img, err := s.Resolve("hostbox")
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("hostbox built in %v, %d bytes", time.Since(start), img.Size)
	if img.Ref != "hostbox:latest" || !strings.HasPrefix(img.ID, "sha256:") || len(img.ID) != 71 {
		t.Errorf("ref %q id %q", img.Ref, img.ID)
	}
	if len(img.Layers) != 1 || img.Size <= 0 || img.Created.IsZero() {
		t.Fatalf("layers %v size %d created %v", img.Layers, img.Size, img.Created)
	}
	if strings.Join(img.Config.Cmd, " ") != "sh" || img.Config.WorkingDir != "/" || img.Config.Env[0] != hostboxPATH {
		t.Errorf("config %+v", img.Config)
	}
	layer := img.Layers[0]
	if filepath.Dir(layer) != s.layersDir() {
		t.Errorf("layer %s not under %s", layer, s.layersDir())
	}
	for _, p := range []string{"/bin/sh", "/usr/bin/ls", "/bin/probe", "/bin/mount", "/bin/ps"} {
		if _, err := resolveInRoot(layer, p); err != nil {
			t.Errorf("%s missing in layer: %v", p, err)
		}
	}
	// The interpreter hostbox's sh asks for, and libc, are inside.
	sh, _ := resolveInRoot(layer, "/bin/sh")
	info, err := readELF(sh)
	if err != nil || info == nil || info.interp == "" {
		t.Fatalf("sh in layer is not a dynamic ELF: %v %+v", err, info)
	}
	if _, err := resolveInRoot(layer, info.interp); err != nil {
		t.Errorf("interpreter %s missing: %v", info.interp, err)
	}
	if !layerHasLibrary(layer, "libc.so.6") {
		t.Error("libc.so.6 missing")
	}
	osRelease, err := os.ReadFile(filepath.Join(layer, "etc/os-release"))
	if err != nil || !strings.Contains(string(osRelease), `NAME="hostbox"`) {
		t.Errorf("os-release: %q %v", osRelease, err)
	}
	if fi, err := os.Stat(filepath.Join(layer, "tmp")); err != nil || fi.Mode()&fs.ModeSticky == 0 || fi.Mode().Perm() != 0o777 {
		t.Errorf("tmp: %v %v", fi, err)
	}
	// A merged-/usr host gives a merged-/usr image.
	if target, err := os.Readlink("/bin"); err == nil {
		if got, err := os.Readlink(filepath.Join(layer, "bin")); err != nil || got != target {
			t.Errorf("image /bin -> %q (%v), host /bin -> %q", got, err, target)
		}
	}
}

func layerHasLibrary(layer, soname string) bool {
	for _, d := range librarySearchDirs() {
		if _, err := resolveInRoot(layer, filepath.Join(d, soname)); err == nil {
			return true
		}
	}
	return false
}

// Every ELF file in the layer must find all its libraries inside the layer,
// or some program would fail in the container with "not found".
func TestHostboxLibrariesResolveInsideLayer(t *testing.T) {
	img, err := newTestStore(t).Resolve("hostbox")
	if err != nil {
		t.Fatal(err)
	}
	layer := img.Layers[0]
	checked := 0
	err = filepath.WalkDir(layer, func(path string, d fs.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() {
			return err
		}
		info, err := readELF(path)
		if err != nil || info == nil {
			return err
		}
		checked++
		rel := strings.TrimPrefix(path, layer)
		if info.interp != "" {
			if _, err := resolveInRoot(layer, info.interp); err != nil {
				t.Errorf("%s: interpreter %s not in layer", rel, info.interp)
			}
		}
		for _, soname := range info.needed {
			if !layerHasLibrary(layer, soname) && !inRunpath(layer, info, soname) {
				t.Errorf("%s: DT_NEEDED %s not in layer", rel, soname)
			}
		}
		if info.class != elf.ELFCLASS64 && info.class != elf.ELFCLASS32 {
			t.Errorf("%s: odd ELF class %v", rel, info.class)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if checked < len(hostboxTools)/2 {
		t.Errorf("only %d ELF files in the layer", checked)
	}
}

// inRunpath looks for soname in the object's own RUNPATH/RPATH, whose
// $ORIGIN entries were expanded to paths inside the layer.
func inRunpath(layer string, info *elfInfo, soname string) bool {
	for _, d := range append(info.runpath, info.rpath...) {
		d = strings.TrimPrefix(d, layer)
		if _, err := resolveInRoot(layer, filepath.Join(d, soname)); err == nil {
			return true
		}
	}
	return false
}

func TestHostboxRequiredToolMissing(t *testing.T) {
	saved := hostboxTools
	hostboxTools = append([]string{"no-such-tool-dockling"}, saved...)
	defer func() { hostboxTools = saved }()
	_, err := newTestStore(t).Resolve("hostbox")
	if err == nil || !strings.Contains(err.Error(), `"no-such-tool-dockling" not found`) {
		t.Fatalf("got %v", err)
	}
}

func TestHostboxWithoutProbe(t *testing.T) {
	s := newTestStore(t)
	t.Setenv("DOCKLING_PROBE", filepath.Join(t.TempDir(), "missing"))
	_, err := s.Resolve("hostbox")
	if err == nil || !strings.Contains(err.Error(), "DOCKLING_PROBE") {
		t.Fatalf("got %v", err)
	}
}
