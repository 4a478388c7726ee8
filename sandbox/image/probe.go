package image

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// ProbePath finds the static probe helper that goes into hostbox as
// /bin/probe: $DOCKLING_PROBE if set, else "probe" next to the running
// binary (a `make build` tree), else ../libexec/dockling/probe (an install).
func ProbePath() (string, error) {
	if p := os.Getenv("DOCKLING_PROBE"); p != "" {
		if err := isExecutableFile(p); err != nil {
			return "", fmt.Errorf("DOCKLING_PROBE=%s: %w; point it at the built probe binary or unset it", p, err)
		}
		return p, nil
	}
	exe, err := os.Executable()
	if err != nil {
		return "", fmt.Errorf("probe helper not found next to dockling (%v); run make build", err)
	}
	dir := filepath.Dir(exe)
	for _, p := range []string{
		filepath.Join(dir, "probe"),
		filepath.Join(dir, "..", "libexec", "dockling", "probe"),
	} {
		if isExecutableFile(p) == nil {
			return filepath.Clean(p), nil
		}
	}
	return "", errors.New("probe helper not found next to dockling; run make build")
}

func isExecutableFile(p string) error {
	fi, err := os.Stat(p)
	if err != nil {
		return err
	}
	if !fi.Mode().IsRegular() {
		return errors.New("not a regular file")
	}
	if fi.Mode().Perm()&0o111 == 0 {
		return errors.New("not executable")
	}
	return nil
}
