package vagrant

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// The VM's Go is the one provision.sh pins; go.mod's `go` line is the
// release the code needs. A bump of one without the other would build
// with the wrong toolchain or fail on a checksum in every VM.
func TestPinnedGoMatchesGoMod(t *testing.T) {
	script, err := os.ReadFile("provision.sh")
	if err != nil {
		t.Fatal(err)
	}
	mod, err := os.ReadFile("../go.mod")
	if err != nil {
		t.Fatal(err)
	}
	pinned := regexp.MustCompile(`(?m)^GO_VERSION=(\S+)$`).FindSubmatch(script)
	sum := regexp.MustCompile(`(?m)^GO_SHA256_LINUX_AMD64=([0-9a-f]{64})$`).FindSubmatch(script)
	goLine := regexp.MustCompile(`(?m)^go (\S+)$`).FindSubmatch(mod)
	if pinned == nil || sum == nil || goLine == nil {
		t.Fatalf("cannot find GO_VERSION, a 64-digit GO_SHA256_LINUX_AMD64 in provision.sh, or the go line in go.mod")
	}
	if string(pinned[1]) != string(goLine[1]) {
		t.Errorf("provision.sh pins Go %s but go.mod says go %s: update GO_VERSION and GO_SHA256_LINUX_AMD64 (from go.dev/dl) together",
			pinned[1], goLine[1])
	}
}

// Bad input gets one line naming the problem and the way out, before
// anything is touched (these run as any user: the root check comes last).
func TestProvisionRejectsBadOptions(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--local", "--bogus"}, "provision: unknown option --bogus; see --help"},
		{[]string{"--local", "--repo", t.TempDir()}, "is not the dockling repository (no go.mod); pass --repo DIR"},
		{[]string{"--local", "--prefix"}, "provision: --prefix needs a value; see --help"},
	} {
		out, err := exec.Command("bash", append([]string{"provision.sh"}, c.args...)...).CombinedOutput()
		lines := strings.Split(strings.TrimSpace(string(out)), "\n")
		if err == nil || len(lines) != 1 || !strings.Contains(lines[0], c.want) {
			t.Errorf("provision.sh %v: err %v, output %q; want one line with %q", c.args, err, out, c.want)
		}
	}
}

func TestProvisionHelpListsEveryOption(t *testing.T) {
	out, err := exec.Command("bash", "provision.sh", "--help").CombinedOutput()
	if err != nil {
		t.Fatalf("--help: %v\n%s", err, out)
	}
	for _, opt := range []string{"--local", "--repo", "--prefix", "--images", "--build-dir", "--no-pull", "--pull-timeout"} {
		if !strings.Contains(string(out), opt) {
			t.Errorf("--help does not mention %s:\n%s", opt, out)
		}
	}
}

// sourced runs a bash snippet with provision.sh's functions loaded (the
// script runs main only when executed, not when sourced).
func sourced(t *testing.T, env []string, snippet string) string {
	t.Helper()
	cmd := exec.Command("bash", "-c", `set -euo pipefail; source ./provision.sh; `+snippet)
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s: %v\n%s", snippet, err, out)
	}
	return string(out)
}

func TestOSID(t *testing.T) {
	for release, want := range map[string]string{
		"NAME=\"CentOS Linux\"\nVERSION=\"7 (Core)\"\nID=\"centos\"\nID_LIKE=\"rhel fedora\"\nVERSION_ID=\"7\"\n": "centos7",
		"NAME=\"AlmaLinux\"\nID=\"almalinux\"\nID_LIKE=\"rhel centos fedora\"\nVERSION_ID=\"9.4\"\n":              "el9",
		"NAME=\"Rocky Linux\"\nID=\"rocky\"\nID_LIKE=\"rhel centos fedora\"\nVERSION_ID=\"9.3\"\n":                "el9",
		"PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nID=debian\nVERSION_ID=\"12\"\n":                          "debian",
		"ID=fedora\nVERSION_ID=40\n": "other",
	} {
		f := filepath.Join(t.TempDir(), "os-release")
		if err := os.WriteFile(f, []byte(release), 0o644); err != nil {
			t.Fatal(err)
		}
		if got := strings.TrimSpace(sourced(t, []string{"OS_RELEASE=" + f}, "os_id")); got != want {
			t.Errorf("os_id for %q = %q, want %q", release, got, want)
		}
	}
}

// After the rewrite no CentOS repository may ask the dead mirrorlist or
// mirror.centos.org, every baseurl must be in the vault with its path
// kept, and other repositories must be untouched.
func TestFixCentOS7ReposPointsAtTheVault(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "yum.repos.d")
	if err := os.CopyFS(dir, os.DirFS("testdata/yum.repos.d")); err != nil {
		t.Fatal(err)
	}
	sourced(t, []string{"YUM_REPOS_DIR=" + dir}, "fix_centos7_repos")

	base, _ := os.ReadFile(filepath.Join(dir, "CentOS-Base.repo"))
	cr, _ := os.ReadFile(filepath.Join(dir, "CentOS-CR.repo"))
	for name, text := range map[string]string{"CentOS-Base.repo": string(base), "CentOS-CR.repo": string(cr)} {
		for _, line := range strings.Split(text, "\n") {
			if strings.HasPrefix(line, "mirrorlist=") || (strings.HasPrefix(line, "baseurl=") && !strings.HasPrefix(line, "baseurl=https://vault.centos.org/7.9.2009/")) {
				t.Errorf("%s still has %q", name, line)
			}
		}
	}
	for _, want := range []string{
		"baseurl=https://vault.centos.org/7.9.2009/os/$basearch/",
		"baseurl=https://vault.centos.org/7.9.2009/updates/$basearch/",
		"baseurl=https://vault.centos.org/7.9.2009/extras/$basearch/",
	} {
		if !strings.Contains(string(base), want) {
			t.Errorf("CentOS-Base.repo lacks %q:\n%s", want, base)
		}
	}
	if !strings.Contains(string(cr), "baseurl=https://vault.centos.org/7.9.2009/cr/$basearch/") {
		t.Errorf("CentOS-CR.repo:\n%s", cr)
	}
	epel, _ := os.ReadFile(filepath.Join(dir, "epel.repo"))
	orig, _ := os.ReadFile("testdata/yum.repos.d/epel.repo")
	if string(epel) != string(orig) {
		t.Errorf("epel.repo was changed:\n%s", epel)
	}
}

// A broken sudoers file would lock every student out of sudo, so the
// drop-in that widens sudo's PATH must pass visudo's own check.
func TestSudoPathDropInPassesVisudo(t *testing.T) {
	visudo, err := exec.LookPath("visudo")
	if err != nil {
		t.Fatal("visudo is not installed: run make deps (the sudo package)")
	}
	f := filepath.Join(t.TempDir(), "90-dockling-path")
	sourced(t, []string{"SUDOERS_DROPIN=" + f}, "sudo_path")
	fi, err := os.Stat(f)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o440 {
		t.Errorf("mode %v, want 0440 (sudo ignores drop-ins others can write)", fi.Mode().Perm())
	}
	if out, err := exec.Command(visudo, "-c", "-f", f).CombinedOutput(); err != nil {
		t.Errorf("visudo -c -f: %v\n%s", err, out)
	}
	text, _ := os.ReadFile(f)
	for _, dir := range []string{"/usr/local/bin", "/usr/local/go/bin", "/usr/bin", "/usr/sbin"} {
		if !strings.Contains(string(text), dir) {
			t.Errorf("secure_path lacks %s: %s", dir, text)
		}
	}
}

// runSourced is sourced without failing the test: it returns the output
// and whether the snippet succeeded.
func runSourced(env []string, snippet string) (string, bool) {
	cmd := exec.Command("bash", "-c", `set -euo pipefail; source ./provision.sh; `+snippet)
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	return string(out), err == nil
}

// fakeGoArchive writes go<version>.linux-amd64.tar.gz into dir: a tree
// whose bin/go answers `go env GOVERSION` like the real one.
func fakeGoArchive(t *testing.T, dir, version string) string {
	t.Helper()
	src := t.TempDir()
	if err := os.MkdirAll(filepath.Join(src, "go", "bin"), 0o755); err != nil {
		t.Fatal(err)
	}
	script := "#!/bin/sh\n[ \"$1 $2\" = \"env GOVERSION\" ] && echo go" + version + "\n"
	if err := os.WriteFile(filepath.Join(src, "go", "bin", "go"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	archive := filepath.Join(dir, "go"+version+".linux-amd64.tar.gz")
	if out, err := exec.Command("tar", "-C", src, "-czf", archive, "go").CombinedOutput(); err != nil {
		t.Fatalf("tar: %v\n%s", err, out)
	}
	return archive
}

// install_go downloads (here from a file:// mirror), refuses an archive
// whose SHA-256 is not the pinned one, installs a matching one, and does
// not download again once that version is there.
func TestInstallGoChecksAndInstalls(t *testing.T) {
	script, _ := os.ReadFile("provision.sh")
	version := string(regexp.MustCompile(`(?m)^GO_VERSION=(\S+)$`).FindSubmatch(script)[1])
	mirror, parent, tmp := t.TempDir(), t.TempDir(), t.TempDir()
	archive := fakeGoArchive(t, mirror, version)
	env := []string{"GO_DOWNLOAD_BASE=file://" + mirror, "GO_PARENT=" + parent, "TMPDIR=" + tmp}

	out, ok := runSourced(env, "install_go")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if ok || !strings.Contains(lines[len(lines)-1], "does not match the pinned SHA-256") {
		t.Errorf("a fake archive was not refused (ok=%v):\n%s", ok, out)
	}
	if _, err := os.Stat(filepath.Join(parent, "go")); err == nil {
		t.Error("the refused archive was unpacked")
	}
	if left, _ := os.ReadDir(tmp); len(left) > 0 {
		t.Errorf("the refused download was left in TMPDIR: %v", left)
	}

	sum, err := exec.Command("sha256sum", archive).Output()
	if err != nil {
		t.Fatal(err)
	}
	pin := "GO_SHA256_LINUX_AMD64=" + strings.Fields(string(sum))[0] + "; install_go"
	if out, ok := runSourced(env, pin); !ok || !strings.Contains(out, "downloading") {
		t.Fatalf("install_go with the matching checksum failed:\n%s", out)
	}
	if fi, err := os.Stat(filepath.Join(parent, "go", "bin", "go")); err != nil || fi.Mode()&0o111 == 0 {
		t.Fatalf("go/bin/go not installed: %v", err)
	}
	if err := os.Remove(archive); err != nil {
		t.Fatal(err)
	}
	if out, ok := runSourced(env, pin); !ok || !strings.Contains(out, "already in") {
		t.Errorf("a second install_go did not see the installed Go:\n%s", out)
	}

	env[0] = "GO_DOWNLOAD_BASE=file://" + filepath.Join(mirror, "nowhere")
	if err := os.RemoveAll(filepath.Join(parent, "go")); err != nil {
		t.Fatal(err)
	}
	if out, ok := runSourced(env, "install_go"); ok || !strings.Contains(out, "cannot download") || !strings.Contains(out, "GO_DOWNLOAD_BASE") {
		t.Errorf("a failed download did not say so and how to go on (ok=%v):\n%s", ok, out)
	}
}
