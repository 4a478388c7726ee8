package vagrant

import (
	"os"
	"os/exec"
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
