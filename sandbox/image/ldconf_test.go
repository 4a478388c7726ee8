package image

import (
	"path/filepath"
	"reflect"
	"testing"
)

func TestReadLdSoConf(t *testing.T) {
	dir := t.TempDir()
	conf := filepath.Join(dir, "ld.so.conf")
	mustWrite(t, conf, "# comment\n/opt/a/lib  # trailing comment\ninclude conf.d/*.conf\nhwcap 0 nosegneg\n/opt/old=libc6\nrelative/ignored\ninclude "+conf+"\n")
	mustWrite(t, filepath.Join(dir, "conf.d/2.conf"), "/opt/c\n")
	mustWrite(t, filepath.Join(dir, "conf.d/1.conf"), "/opt/b\n\n")
	got := readLdSoConf(conf, map[string]bool{})
	want := []string{"/opt/a/lib", "/opt/b", "/opt/c", "/opt/old"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
	if readLdSoConf(filepath.Join(dir, "missing"), map[string]bool{}) != nil {
		t.Error("a missing file should contribute nothing")
	}
}

func TestExpandSearchPath(t *testing.T) {
	got := expandSearchPath([]string{"$ORIGIN/../lib:/opt/x", "${ORIGIN}/y:$LIB/z:"}, "/usr/bin")
	want := []string{"/usr/bin/../lib", "/opt/x", "/usr/bin/y"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

// readELF on a non-ELF file says "nothing needed" rather than failing:
// hostbox may contain shell scripts.
func TestReadELFOnScript(t *testing.T) {
	p := filepath.Join(t.TempDir(), "script")
	mustWrite(t, p, "#!/bin/sh\n")
	info, err := readELF(p)
	if err != nil || info != nil {
		t.Errorf("got %+v, %v", info, err)
	}
}
