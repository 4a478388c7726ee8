package remote

import (
	"bytes"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/dockling/dockling/sandbox/image"
)

// Pull into an empty store: layers unpacked once each, index entry under
// the registry's name, same image ID as pushed, whiteouts honoured.
func TestPullIntoEmptyStore(t *testing.T) {
	host := startRegistry(t)
	ref := host + "/test/img:v1"
	pushed := pushTestImage(t, openStore(t), ref)
	wantID, _ := pushed.ConfigName()

	s := openStore(t)
	var out bytes.Buffer
	img, err := Pull(s, ref, testOptions(&out))
	if err != nil {
		t.Fatal(err)
	}
	if img.ID != wantID.String() || img.Ref != ref {
		t.Errorf("pulled %s as %q, want %s as %q", img.ID, img.Ref, wantID, ref)
	}
	if len(img.Layers) != 3 {
		t.Fatalf("pulled %d layers, want 3", len(img.Layers))
	}
	if n := strings.Count(out.String(), ": Pull complete"); n != 3 {
		t.Errorf("want 3 \"Pull complete\" lines, got:\n%s", out.String())
	}
	if !strings.Contains(out.String(), "Status: Downloaded newer image for "+ref) {
		t.Errorf("no status line in:\n%s", out.String())
	}
	checkWhiteoutForm(t, img.Layers)

	// Merged, the whiteouts delete: whichever form the layers hold.
	flat, err := s.FlatRootfs(img)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Lstat(filepath.Join(flat, "etc/hostname")); !os.IsNotExist(err) {
		t.Errorf("etc/hostname survived its whiteout: %v", err)
	}
	entries, _ := os.ReadDir(filepath.Join(flat, "data"))
	if len(entries) != 1 || entries[0].Name() != "c" {
		t.Errorf("data after the opaque whiteout = %v, want only c", entries)
	}
	if b, _ := os.ReadFile(filepath.Join(flat, "etc/motd")); string(b) != "hello\n" {
		t.Errorf("etc/motd = %q", b)
	}
}

// checkWhiteoutForm: as root, layers hold overlayfs's whiteouts (checked
// in detail by TestIntegrationPullMakesOverlayWhiteouts); without root,
// mknod and trusted.* xattrs are impossible, so the OCI marker files stay
// and FlatRootfs reads those instead.
func checkWhiteoutForm(t *testing.T, layers []string) {
	t.Helper()
	_, errMarker := os.Lstat(filepath.Join(layers[1], "etc/.wh.hostname"))
	_, errDev := os.Lstat(filepath.Join(layers[1], "etc/hostname"))
	if os.Geteuid() == 0 {
		if errMarker == nil || errDev != nil {
			t.Errorf("as root: want etc/hostname as a 0/0 device and no marker; marker err %v, device err %v", errMarker, errDev)
		}
	} else if errMarker != nil {
		t.Errorf("without root: want the marker file etc/.wh.hostname: %v", errMarker)
	}
}

// A second pull downloads nothing and says so.
func TestPullTwiceSaysAlreadyExists(t *testing.T) {
	host := startRegistry(t)
	ref := host + "/test/img:v1"
	pushTestImage(t, openStore(t), ref)
	s := openStore(t)
	if _, err := Pull(s, ref, testOptions(nil)); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if _, err := Pull(s, ref, testOptions(&out)); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(out.String(), ": Already exists"); n != 3 {
		t.Errorf("want 3 \"Already exists\" lines, got:\n%s", out.String())
	}
	if strings.Contains(out.String(), "Pull complete") || !strings.Contains(out.String(), "Status: Image is up to date") {
		t.Errorf("second pull downloaded again:\n%s", out.String())
	}
}

// Docker Hub names go to the configured mirror first; the test's mirror
// is the local registry, so no internet is needed.
func TestPullThroughMirror(t *testing.T) {
	host := startRegistry(t)
	pushTestImage(t, openStore(t), host+"/library/mirrored:1")
	s := openStore(t)
	opts := testOptions(nil)
	opts.Config = &Config{RegistryMirrors: []string{"http://" + host}}
	img, err := Pull(s, "mirrored:1", opts)
	if err != nil {
		t.Fatal(err)
	}
	if img.Ref != "mirrored:1" {
		t.Errorf("stored as %q, want docker's short name mirrored:1", img.Ref)
	}
	if _, err := s.Resolve("docker.io/library/mirrored:1"); err != nil {
		t.Errorf("long Docker Hub name does not find it: %v", err)
	}
}

func TestPullErrorsAreOneLine(t *testing.T) {
	host := startRegistry(t)
	closed := closedPort(t)
	s := openStore(t)
	for _, tc := range []struct{ ref, want string }{
		{host + "/no/such:1", `not found in registry ` + host},
		{"UPPER/Case", `invalid reference format "UPPER/Case"`},
		{closed + "/x:1", `registry ` + closed + ` is unreachable (connection refused)`},
	} {
		_, err := Pull(s, tc.ref, testOptions(nil))
		if err == nil || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("Pull(%q) = %v, want one line containing %q", tc.ref, err, tc.want)
		}
	}
	var nf *image.NotFoundError
	if _, err := s.Resolve("centos:7"); err == nil || !strings.Contains(err.Error(), `run "dockling pull centos:7"`) {
		t.Errorf("unknown local image: %v (%T)", err, nf)
	}
}

// Each kind of registry failure gets its own hint; registry-mirrors is
// offered only where a mirror could help: for Docker Hub.
func TestFriendlyErrorHints(t *testing.T) {
	refused := &net.OpError{Op: "dial", Err: &os.SyscallError{Syscall: "connect", Err: syscall.ECONNREFUSED}}
	cases := []struct {
		err           error
		registry      string
		want, wantNot string
	}{
		{refused, "index.docker.io", "registry-mirrors", ""},
		{refused, "127.0.0.1:5000", "that the registry is running", "registry-mirrors"},
		{fmt.Errorf("Get %q: %w", "https://10.0.0.5:5000/v2/", http.ErrSchemeMismatch), "10.0.0.5:5000", `add "10.0.0.5:5000" to "insecure-registries"`, "registry-mirrors"},
		{&tls.CertificateVerificationError{Err: errors.New("x509: certificate signed by unknown authority")}, "reg.example:443", "install its CA certificate", ""},
	}
	for _, c := range cases {
		got := friendly(c.err, "alpine", c.registry).Error()
		if !strings.Contains(got, c.want) || (c.wantNot != "" && strings.Contains(got, c.wantNot)) || strings.Contains(got, "\n") {
			t.Errorf("friendly(%v, %s) = %q; want %q, not %q, one line", c.err, c.registry, got, c.want, c.wantNot)
		}
	}
}
