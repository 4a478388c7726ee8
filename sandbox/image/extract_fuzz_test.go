package image

import (
	"bytes"
	"os"
	"testing"
	"time"
)

// startTime lets escape checks tell files this test run made from old ones.
var startTime = time.Now()

// FuzzExtract feeds arbitrary bytes to the extractor. Most inputs are not
// tars and fail at once; the corpus seeds it with the hostile tars, which
// the fuzzer mutates. Whatever happens, nothing may appear or change
// outside the target directory. Run:
//
//	go test -run XXX -fuzz FuzzExtract -fuzzminimizetime 10x ./sandbox/image
//
// (each run makes directories, so the default minimization of every new
// input, 60 s, looks like a stall: hence -fuzzminimizetime).
func FuzzExtract(f *testing.F) {
	for _, tc := range hostileTars {
		f.Add(buildTar(f, tc.entries...))
	}
	f.Add(buildTar(f, tarEntry{name: "a/b/c", body: "x"}, tarEntry{name: "a/l", typ: '2', link: "b"}, tarEntry{name: "a/l/d", body: "y"}))
	f.Fuzz(func(t *testing.T, data []byte) {
		base, layer := layoutForEscape(t)
		// Overlay whiteouts need root; as root they are part of what is fuzzed.
		Extract(layer, bytes.NewReader(data), ExtractOptions{Overlay: os.Geteuid() == 0})
		assertNothingOutside(t, base)
	})
}
