package image

import (
	"fmt"
	"os"
	"testing"
)

// TestMain lets the test binary double as a second dockling process: with
// DOCKLING_IMAGE_TEST_RESOLVE=<state root> set, it resolves hostbox there,
// prints the image ID and exits. TestResolveFromTwoProcesses uses this to
// race two real processes on the same store.
func TestMain(m *testing.M) {
	if root := os.Getenv("DOCKLING_IMAGE_TEST_RESOLVE"); root != "" {
		s, err := Open(root)
		if err == nil {
			var img *Image
			if img, err = s.Resolve("hostbox"); err == nil {
				fmt.Println(img.ID)
				os.Exit(0)
			}
		}
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	os.Exit(m.Run())
}
