package network

import (
	"fmt"
	"os"
	"testing"
)

// The test binary doubles as a helper process: when helperEnv is set it
// runs the named helper instead of the tests. That gives tests a second
// (and third) process to race against, and a "container" program that is
// known to be there, without building anything.
const helperEnv = "DOCKLING_NETTEST_HELPER"

var helpers = map[string]func() int{
	"allocate": helperAllocate,
}

// wrapMain, when set (by the integration build), runs the tests instead of
// m.Run, e.g. inside a throwaway network namespace.
var wrapMain func(m *testing.M) int

func TestMain(m *testing.M) {
	if name := os.Getenv(helperEnv); name != "" {
		h, ok := helpers[name]
		if !ok {
			fmt.Fprintf(os.Stderr, "unknown test helper %q\n", name)
			os.Exit(2)
		}
		os.Exit(h())
	}
	if wrapMain != nil {
		os.Exit(wrapMain(m))
	}
	os.Exit(m.Run())
}
