package remote

import (
	"context"
	"crypto/tls"
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
	var certErr *tls.CertificateVerificationError
	mirrors := ""
	if isDockerHub(registry) { // mirrors stand in for Docker Hub only
		mirrors = fmt.Sprintf(", or set \"registry-mirrors\" in %s", DefaultConfigPath)
	}
	insecure := fmt.Sprintf("add \"%s\" to \"insecure-registries\" in %s", registry, DefaultConfigPath)
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		return fmt.Errorf("registry %s is unreachable (connection refused); check the address and that the registry is running%s", registry, mirrors)
	case errors.As(err, &dnsErr):
		return fmt.Errorf("registry %s is unreachable (no such host); check the name and your DNS%s", registry, mirrors)
	case errors.Is(err, context.DeadlineExceeded) || isTimeout(err):
		return fmt.Errorf("registry %s did not answer in time; check your network%s", registry, mirrors)
	case errors.Is(err, http.ErrSchemeMismatch) || strings.Contains(err.Error(), "server gave HTTP response to HTTPS client"):
		return fmt.Errorf("registry %s speaks plain HTTP, not HTTPS; if you trust it, %s", registry, insecure)
	case errors.As(err, &certErr):
		return fmt.Errorf("registry %s has a certificate this host does not trust (%v); install its CA certificate, or if you trust it, %s", registry, oneLine(certErr.Err.Error()), insecure)
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

// isDockerHub tells whether registry is Docker Hub under one of its names.
func isDockerHub(registry string) bool {
	switch registry {
	case "", "docker.io", "index.docker.io", "registry-1.docker.io":
		return true
	}
	return false
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// oneLine keeps a wrapped error on one line, as dockling prints errors.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
