package hostcheck

import (
	"os"
	"strings"
	"testing"
)

// docs/troubleshooting.md explains every line the doctor can print, one
// section per check, headed "### `name`". A new check without a section
// there fails here.
func TestTroubleshootingCoversEveryCheck(t *testing.T) {
	doc, err := os.ReadFile("../../docs/troubleshooting.md")
	if err != nil {
		t.Fatal(err)
	}
	rs := Run(fakeHost("testdata/centos7", centos7))
	if len(rs) < 10 {
		t.Fatalf("only %d checks ran", len(rs))
	}
	for _, r := range rs {
		if !strings.Contains(string(doc), "\n### `"+r.Name+"`\n") {
			t.Errorf("docs/troubleshooting.md has no section \"### `%s`\"", r.Name)
		}
	}
}
