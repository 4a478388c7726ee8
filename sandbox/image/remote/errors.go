package remote

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"syscall"

	"github.com/google/go-containerregistry/pkg/v1/remote/transport"
)

// friendly turns a registry or network failure into one line that says
// what went wrong and what to try. what is the image or registry named.
func friendly(err error, what, registry string) error {
	if err == nil {
		return nil
	}
	var terr *transport.Error
	var dnsErr *net.DNSError
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		return fmt.Errorf("registry %s is unreachable (connection refused); check the address, or set \"registry-mirrors\" in %s", registry, DefaultConfigPath)
	case errors.As(err, &dnsErr):
		return fmt.Errorf("registry %s is unreachable (no such host); check the name and your DNS, or set \"registry-mirrors\" in %s", registry, DefaultConfigPath)
	case errors.Is(err, context.DeadlineExceeded) || isTimeout(err):
		return fmt.Errorf("registry %s did not answer in time; check your network, or set \"registry-mirrors\" in %s", registry, DefaultConfigPath)
	case errors.As(err, &terr):
		switch terr.StatusCode {
		case http.StatusNotFound:
			return fmt.Errorf("%s not found in registry %s; check the name and tag", what, registry)
		case http.StatusUnauthorized, http.StatusForbidden:
			return fmt.Errorf("access to %s denied by %s; run \"dockling login %s\" (or the image does not exist)", what, registry, registry)
		}
	}
	return fmt.Errorf("%s: %s", what, oneLine(err.Error()))
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// oneLine keeps a wrapped error on one line, as dockling prints errors.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
