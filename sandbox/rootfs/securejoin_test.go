package rootfs

import (
	"errors"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

// hostileRoot builds a fake image root full of symlinks that try to lead
// out of it, the way a malicious image would.
func hostileRoot(t *testing.T) string {
	t.Helper()
	root := filepath.Join(t.TempDir(), "root")
	for _, d := range []string{"etc", "var/lib", "d/deep/er", "x"} {
		if err := os.MkdirAll(filepath.Join(root, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(root, "etc/passwd"), []byte("root:x:0:0\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	links := map[string]string{
		"data":          "/etc",                  // absolute: must restart at root
		"up":            "../../../../../../etc", // relative, climbing far above root
		"d/deep/er/up":  "../../../../../../../x",
		"loop1":         "loop2",
		"loop2":         "loop1",
		"self":          "self",
		"procroot":      "/proc/self/root", // a magic link on the host, text here
		"rootlink":      "/",
		"dotdot":        "..",
		"chain":         "d/deep/er/up", // a link to a link that climbs
		"var/lib/abs":   "/var/../../../etc/passwd",
		"var/lib/rel":   "../../data", // to a link that is absolute
		"hostetc":       "/../../etc",
		"d/deep/parent": "../../var/lib/rel",
	}
	for name, target := range links {
		if err := os.Symlink(target, filepath.Join(root, name)); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

func TestSecureJoinHostileSymlinks(t *testing.T) {
	root := hostileRoot(t)
	cases := []struct{ in, want string }{
		{"/", ""},
		{"", ""},
		{"/etc", "etc"},
		{"/data", "etc"},
		{"data", "etc"},
		{"/data/passwd", "etc/passwd"},
		{"/up", "etc"},
		{"/up/passwd", "etc/passwd"},
		{"/d/deep/er/up", "x"},
		{"/chain", "x"},
		{"/chain/new/dir", "x/new/dir"},
		{"/procroot", "proc/self/root"}, // no /proc in the fake root: stays a name
		{"/procroot/etc", "proc/self/root/etc"},
		{"/rootlink", ""},
		{"/rootlink/etc/passwd", "etc/passwd"},
		{"/dotdot/dotdot/etc", "etc"},
		{"/../../../etc", "etc"},
		{"/var/lib/abs", "etc/passwd"},
		{"/var/lib/rel", "etc"},
		{"/hostetc", "etc"},
		{"/d/deep/parent/shadow", "etc/shadow"},
		{"/missing/../data", "etc"}, // a missing part, then back up into a link
		{"/etc/passwd/under-a-file", "etc/passwd/under-a-file"},
		{"//etc//./passwd/", "etc/passwd"},
	}
	for _, c := range cases {
		got, err := SecureJoin(root, c.in)
		if err != nil {
			t.Errorf("SecureJoin(root, %q): %v", c.in, err)
			continue
		}
		want := filepath.Join(root, c.want)
		if got != want {
			t.Errorf("SecureJoin(root, %q) = %q, want %q", c.in, got, want)
		}
	}
}

func TestSecureJoinLoopsFail(t *testing.T) {
	root := hostileRoot(t)
	for _, in := range []string{"/loop1", "/loop2/x", "/self", "/d/../self/a"} {
		got, err := SecureJoin(root, in)
		if !errors.Is(err, unix.ELOOP) {
			t.Errorf("SecureJoin(root, %q) = %q, %v; want ELOOP", in, got, err)
		}
	}
}

// TestSecureJoinMagicProcLink walks a real procfs, where /proc/self/root
// is a magic link to the host's "/". Read as text it says "/", which must
// land at root, never on the host.
func TestSecureJoinMagicProcLink(t *testing.T) {
	if _, err := os.Lstat("/proc/self/root"); err != nil {
		t.Skipf("no /proc here: %v", err)
	}
	// Treat the host's "/" as the container root for a moment: resolving
	// proc/self/root/etc inside "/" must give /etc, not something odd.
	got, err := SecureJoin("/", "/proc/self/root/etc")
	if err != nil || got != "/etc" {
		t.Fatalf(`SecureJoin("/", "/proc/self/root/etc") = %q, %v; want /etc`, got, err)
	}
	// Now let /proc/self itself be the root: its "root" entry is the magic
	// link. Opened, it would be the host's "/"; read, it says "/", which
	// here means /proc/self again. So the answer stays inside /proc/self.
	got, err = SecureJoin("/proc/self", "root/etc")
	if err != nil {
		t.Fatal(err)
	}
	if got != "/proc/self/etc" {
		t.Errorf(`SecureJoin("/proc/self", "root/etc") = %q, want /proc/self/etc`, got)
	}
}

// TestSecureJoinAgreesWithKernel asks the kernel the same question:
// openat2(2) with RESOLVE_IN_ROOT resolves a path exactly as if the
// directory were "/" (Linux 5.6+). For paths that exist, we must agree.
func TestSecureJoinAgreesWithKernel(t *testing.T) {
	root := hostileRoot(t)
	rootfd, err := unix.Open(root, unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(rootfd)
	checked := 0
	for _, in := range []string{"/data", "/up/passwd", "/chain", "/rootlink/etc", "/dotdot/dotdot/etc", "/var/lib/abs", "/var/lib/rel", "/hostetc", "/d/deep/parent"} {
		fd, err := unix.Openat2(rootfd, in, &unix.OpenHow{Flags: unix.O_PATH | unix.O_CLOEXEC, Resolve: unix.RESOLVE_IN_ROOT})
		if errors.Is(err, unix.ENOSYS) {
			t.Skip("openat2 needs Linux 5.6 or newer")
		}
		if err != nil {
			t.Fatalf("openat2(%q): %v", in, err)
		}
		kernel, err := os.Readlink(fmt.Sprintf("/proc/self/fd/%d", fd))
		unix.Close(fd)
		if err != nil {
			t.Fatal(err)
		}
		ours, err := SecureJoin(root, in)
		if err != nil {
			t.Fatal(err)
		}
		// The kernel reports the real path; t.TempDir may sit below a
		// symlinked /tmp, so compare after resolving ours the same way.
		real, err := filepath.EvalSymlinks(ours)
		if err != nil {
			t.Fatal(err)
		}
		if real != kernel {
			t.Errorf("%q: ours %q, kernel %q", in, real, kernel)
		}
		checked++
	}
	if checked == 0 {
		t.Fatal("compared nothing")
	}
}

// TestSecureJoinRandomLinksStayInside builds random symlink tangles and
// checks the one promise that matters: the answer is never outside root.
func TestSecureJoinRandomLinksStayInside(t *testing.T) {
	rng := rand.New(rand.NewSource(6))
	parts := []string{"a", "b", "..", ".", "etc", "/", "../..", "c"}
	word := func(n int) string {
		var w []string
		for i := 0; i < n; i++ {
			w = append(w, parts[rng.Intn(len(parts))])
		}
		return strings.Join(w, "/")
	}
	for round := 0; round < 20; round++ {
		root := filepath.Join(t.TempDir(), "r")
		if err := os.MkdirAll(filepath.Join(root, "a/b"), 0o755); err != nil {
			t.Fatal(err)
		}
		for _, name := range []string{"c", "a/c", "a/b/c", "etc"} {
			target := word(1 + rng.Intn(5))
			if rng.Intn(2) == 0 {
				target = "/" + target
			}
			if err := os.Symlink(target, filepath.Join(root, name)); err != nil {
				t.Fatal(err)
			}
		}
		for i := 0; i < 50; i++ {
			in := word(1 + rng.Intn(6))
			got, err := SecureJoin(root, in)
			if err != nil {
				if !errors.Is(err, unix.ELOOP) {
					t.Errorf("SecureJoin(%q): unexpected error %v", in, err)
				}
				continue
			}
			if got != root && !strings.HasPrefix(got, root+"/") {
				t.Fatalf("SecureJoin(root, %q) = %q: outside root %s", in, got, root)
			}
		}
	}
}
