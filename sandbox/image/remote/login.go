package remote

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/remote/transport"

	"github.com/dockling/dockling/sandbox/fsutil"
)

// dockerHubAuthKey is the key docker has always used for Docker Hub in
// config.json, from the days of the v1 registry API.
const dockerHubAuthKey = "https://index.docker.io/v1/"

// DockerConfigPath is docker's client config: $DOCKER_CONFIG/config.json,
// else ~/.docker/config.json. We share it so `docker login` and
// `dockling login` see each other's credentials.
func DockerConfigPath() (string, error) {
	if dir := os.Getenv("DOCKER_CONFIG"); dir != "" {
		return filepath.Join(dir, "config.json"), nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("find docker config: %w; set DOCKER_CONFIG", err)
	}
	return filepath.Join(home, ".docker", "config.json"), nil
}

// ServerKey is the config.json key for a server argument: "" and Docker
// Hub's names give docker's historic key, anything else its host[:port].
func ServerKey(server string) string {
	s := strings.TrimSuffix(strings.TrimPrefix(strings.TrimPrefix(server, "https://"), "http://"), "/")
	if i := strings.Index(s, "/"); i >= 0 {
		s = s[:i]
	}
	switch s {
	case "", "docker.io", "index.docker.io", "registry-1.docker.io":
		return dockerHubAuthKey
	}
	return s
}

// Login checks user and password against the registry, then stores them
// in config.json as docker does: base64("user:password") under "auths".
// That is an encoding, not encryption: the file is written mode 0600.
func Login(server, user, password string, opts Options) error {
	if err := opts.fill(); err != nil {
		return err
	}
	key := ServerKey(server)
	host := key
	if key == dockerHubAuthKey {
		host = name.DefaultRegistry
	}
	var nameOpts []name.Option
	if opts.Config.isInsecure(host) {
		nameOpts = append(nameOpts, name.Insecure)
	}
	reg, err := name.NewRegistry(host, nameOpts...)
	if err != nil {
		return fmt.Errorf("invalid registry %q; use host[:port]", server)
	}
	if err := checkLogin(reg, user, password, &opts); err != nil {
		return err
	}
	return editAuths(func(auths map[string]json.RawMessage) bool {
		entry, _ := json.Marshal(map[string]string{"auth": base64.StdEncoding.EncodeToString([]byte(user + ":" + password))})
		auths[key] = entry
		return true
	})
}

// checkLogin asks the registry's /v2/ endpoint with the credentials; the
// transport does the token dance a registry asks for.
func checkLogin(reg name.Registry, user, password string, opts *Options) error {
	auth := &authn.Basic{Username: user, Password: password}
	tr, err := transport.NewWithContext(opts.Context, reg, auth, http.DefaultTransport, nil)
	if err != nil {
		return loginError(err, reg)
	}
	resp, err := (&http.Client{Transport: tr}).Get(reg.Scheme() + "://" + reg.RegistryStr() + "/v2/")
	if err != nil {
		return loginError(err, reg)
	}
	resp.Body.Close()
	if resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusForbidden {
		return fmt.Errorf("login to %s failed: incorrect username or password", reg.RegistryStr())
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("login to %s failed: registry answered %s", reg.RegistryStr(), resp.Status)
	}
	return nil
}

func loginError(err error, reg name.Registry) error {
	var terr *transport.Error
	if errors.As(err, &terr) && (terr.StatusCode == http.StatusUnauthorized || terr.StatusCode == http.StatusForbidden) {
		return fmt.Errorf("login to %s failed: incorrect username or password", reg.RegistryStr())
	}
	return friendly(err, "login", reg.RegistryStr())
}

// Logout removes the stored credentials for server. It reports whether
// there were any.
func Logout(server string) (bool, error) {
	key := ServerKey(server)
	found := false
	err := editAuths(func(auths map[string]json.RawMessage) bool {
		_, found = auths[key]
		delete(auths, key)
		return found
	})
	return found, err
}

// editAuths changes the "auths" object of config.json and keeps every
// other key as it was (credsStore, proxies, ... belong to docker). The file
// is written only where edit says it changed something: a logout of a
// registry never logged in to makes no config.json.
func editAuths(edit func(map[string]json.RawMessage) (changed bool)) error {
	path, err := DockerConfigPath()
	if err != nil {
		return err
	}
	top := map[string]json.RawMessage{}
	if data, err := os.ReadFile(path); err == nil {
		if err := json.Unmarshal(data, &top); err != nil {
			return fmt.Errorf("%s is not valid JSON (%v); fix or remove it", path, err)
		}
	} else if !os.IsNotExist(err) {
		return fmt.Errorf("read %s: %w", path, err)
	}
	auths := map[string]json.RawMessage{}
	if raw, ok := top["auths"]; ok {
		if err := json.Unmarshal(raw, &auths); err != nil {
			return fmt.Errorf("%s: \"auths\" is not an object (%v); fix or remove it", path, err)
		}
	}
	if !edit(auths) {
		return nil
	}
	raw, err := json.Marshal(auths)
	if err != nil {
		return err
	}
	top["auths"] = raw
	data, err := json.MarshalIndent(top, "", "\t")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("create %s: %w", filepath.Dir(path), err)
	}
	return fsutil.WriteFileAtomic(path, append(data, '\n'), 0o600)
}
