package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"
)

// registryHelper is the registry client, a binary of its own
// (cmd/dockling-registry) so that dockling does not link go-containerregistry's
// remote package, net/http and TLS: their initialisers and size cost every
// dockling start about 0.6 ms, and containers start far more often than
// images are pulled.
const registryHelper = "dockling-registry"

// findRegistryHelper looks beside the running dockling (a `make build`
// tree), then in ../libexec/dockling (an install), then in $PATH.
func findRegistryHelper() (string, error) {
	if self, err := os.Executable(); err == nil {
		dir := filepath.Dir(self)
		for _, p := range []string{filepath.Join(dir, registryHelper), filepath.Join(dir, "..", "libexec", "dockling", registryHelper)} {
			if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() && st.Mode()&0o111 != 0 {
				return filepath.Clean(p), nil
			}
		}
	}
	if p, err := exec.LookPath(registryHelper); err == nil {
		return p, nil
	}
	return "", errors.New(registryHelper + " (the registry client) not found beside dockling, in ../libexec/dockling or in $PATH; run make build (or make install)")
}

// runRegistry runs the registry client with args, its output going to
// stdout and stderr and its input from stdin. Its error comes back as
// this command's error, so it is printed once, as dockling's.
func runRegistry(stdin io.Reader, stdout, stderr io.Writer, args ...string) error {
	helper, err := findRegistryHelper()
	if err != nil {
		return err
	}
	errR, errW, err := os.Pipe()
	if err != nil {
		return err
	}
	defer errR.Close()
	c := exec.Command(helper, args...)
	c.Stdin, c.Stdout, c.Stderr = stdin, stdout, stderr
	c.ExtraFiles = []*os.File{errW} // fd 3: the error line
	err = c.Start()
	errW.Close()
	if err != nil {
		return fmt.Errorf("run %s: %w", registryHelper, err)
	}
	line, _ := bufio.NewReader(errR).ReadString('\n')
	if werr := c.Wait(); werr != nil {
		if msg := strings.TrimSpace(line); msg != "" {
			return errors.New(msg)
		}
		return fmt.Errorf("%s %s: %w", registryHelper, args[0], werr)
	}
	return nil
}

// runRegistryCmd runs the registry client for cmd with its own stdio.
func runRegistryCmd(cmd *cobra.Command, args ...string) error {
	return runRegistry(cmd.InOrStdin(), cmd.OutOrStdout(), cmd.ErrOrStderr(), args...)
}
