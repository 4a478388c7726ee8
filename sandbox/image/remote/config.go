// Package remote talks to registries: pull, push, login, search. It is
// the only part of dockling that imports net/http and go-containerregistry's
// remote package, so the path that starts containers (which imports
// sandbox/image) stays small and quick to load.
package remote

import (
	"encoding/json"
	"fmt"
	"net"
	"os"
	"strings"
)

// DefaultConfigPath holds dockling's daemon-style settings. The keys are
// those of docker's /etc/docker/daemon.json, so a teacher can copy them.
const DefaultConfigPath = "/etc/dockling/config.json"

// Config is the part of that file about registries.
type Config struct {
	// RegistryMirrors are tried, in order, before Docker Hub for Docker Hub
	// images ("https://mirror.example.com"). Other registries are not mirrored.
	RegistryMirrors []string `json:"registry-mirrors"`
	// InsecureRegistries are spoken to over plain http: host[:port] names
	// or CIDR blocks ("10.0.0.0/8"). Loopback and private addresses already
	// are, as in docker.
	InsecureRegistries []string `json:"insecure-registries"`
}

// LoadConfig reads $DOCKLING_CONFIG, or DefaultConfigPath. A missing file
// means no mirrors and no insecure registries.
func LoadConfig() (*Config, error) {
	path := os.Getenv("DOCKLING_CONFIG")
	if path == "" {
		path = DefaultConfigPath
	}
	data, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return &Config{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	var c Config
	if err := json.Unmarshal(data, &c); err != nil {
		return nil, fmt.Errorf("%s is not valid JSON (%v); fix it or remove it", path, err)
	}
	return &c, nil
}

// isInsecure says whether host (name or IP, maybe with a port) is listed.
func (c *Config) isInsecure(host string) bool {
	if c == nil {
		return false
	}
	bare := host
	if h, _, err := net.SplitHostPort(host); err == nil {
		bare = h
	}
	ip := net.ParseIP(bare)
	for _, entry := range c.InsecureRegistries {
		entry = strings.TrimSuffix(strings.TrimPrefix(strings.TrimPrefix(entry, "http://"), "https://"), "/")
		if entry == host || entry == bare {
			return true
		}
		if _, block, err := net.ParseCIDR(entry); err == nil && ip != nil && block.Contains(ip) {
			return true
		}
	}
	return false
}
