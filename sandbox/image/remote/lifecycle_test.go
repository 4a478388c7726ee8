package remote

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/name"
	ggcr "github.com/google/go-containerregistry/pkg/v1/remote"
)

// The life of a pulled image: tag, push under the new name, save, load
// into an empty root (same ID), remove (names first, then the data, and
// the unpacked layers go with the last image using them).
func TestTagPushSaveLoadRemove(t *testing.T) {
	host := startRegistry(t)
	ref := host + "/test/img:v1"
	pushTestImage(t, openStore(t), ref)
	s := openStore(t)
	img, err := Pull(s, ref, testOptions(nil))
	if err != nil {
		t.Fatal(err)
	}

	// Tag + Push: the registry gets the same manifest under a new repo.
	other := host + "/other/img:v2"
	if err := s.Tag(ref, other); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := Push(s, other, testOptions(&out)); err != nil {
		t.Fatal(err)
	}
	// The registry has every layer already (the first push put them
	// there), so none is sent again, and the output says so.
	if n := strings.Count(out.String(), ": Layer already exists"); n != 3 || strings.Contains(out.String(), "Pushed") ||
		!strings.Contains(out.String(), "v2: digest: sha256:") {
		t.Errorf("push output:\n%s", out.String())
	}
	r, _ := name.ParseReference(other)
	remoteImg, err := ggcr.Image(r)
	if err != nil {
		t.Fatal(err)
	}
	if id, _ := remoteImg.ConfigName(); id.String() != img.ID {
		t.Errorf("pushed image ID %s, want %s", id, img.ID)
	}
	// RepoDigests: where each registry repository has it, by the digest
	// the registry serves (docker pull repo@digest fetches it again).
	remoteDigest, _ := remoteImg.Digest()
	ins, err := s.InspectImage(other)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{host + "/other/img@" + remoteDigest.String(), host + "/test/img@" + remoteDigest.String()}
	if !slices.Equal(ins.RepoDigests, want) {
		t.Errorf("RepoDigests after pull and push: %q, want %q", ins.RepoDigests, want)
	}

	// Save -> Load into an empty root: same ID, same names, same files.
	var tarball bytes.Buffer
	if err := s.Save(&tarball, ref, "hostbox"); err == nil {
		t.Errorf("saving an image that is not in the store succeeded")
	}
	tarball.Reset()
	if err := s.Save(&tarball, ref); err != nil {
		t.Fatal(err)
	}
	fresh := openStore(t)
	names, err := fresh.Load(bytes.NewReader(tarball.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	loaded, err := fresh.Resolve(ref)
	if err != nil || loaded.ID != img.ID {
		t.Fatalf("loaded %v (%v), want ID %s; names %v", loaded, err, img.ID, names)
	}
	flat, err := fresh.FlatRootfs(loaded)
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(filepath.Join(flat, "etc/motd")); string(b) != "hello\n" {
		t.Errorf("loaded image lost etc/motd: %q", b)
	}

	// Remove: two names -> the first rmi only untags.
	res, err := s.Remove(other, false)
	if err != nil || len(res.Untagged) != 1 || len(res.Deleted) != 0 {
		t.Fatalf("rmi %s = %+v, %v; want untag only", other, res, err)
	}
	// A container using the image blocks removal unless forced.
	s.InUse = func(id string) bool { return id == img.ID }
	if _, err := s.Remove(ref, false); err == nil || !strings.Contains(err.Error(), "a container uses it") {
		t.Errorf("rmi of an image in use: %v", err)
	}
	s.InUse = nil
	res, err = s.Remove(ref, false)
	if err != nil || len(res.Deleted) != 1 || res.Deleted[0] != img.ID {
		t.Fatalf("rmi %s = %+v, %v", ref, res, err)
	}
	for _, dir := range img.Layers {
		if _, err := os.Stat(dir); !os.IsNotExist(err) {
			t.Errorf("layer %s still there after its last image went: %v", dir, err)
		}
	}
	if _, err := s.Resolve(ref); err == nil {
		t.Errorf("image still resolves after rmi")
	}
}

// Inspect and History read what pull stored.
func TestInspectAndHistory(t *testing.T) {
	host := startRegistry(t)
	ref := host + "/test/img:v1"
	pushTestImage(t, openStore(t), ref)
	s := openStore(t)
	img, err := Pull(s, ref, testOptions(nil))
	if err != nil {
		t.Fatal(err)
	}
	ins, err := s.InspectImage(ref)
	if err != nil {
		t.Fatal(err)
	}
	if ins.ID != img.ID || len(ins.RootFS.Layers) != 3 || len(ins.RepoTags) != 1 || ins.RepoTags[0] != ref || ins.Size <= 0 {
		t.Errorf("inspect = %+v", ins)
	}
	js, _ := json.Marshal(ins)
	for _, key := range []string{`"Id":`, `"RepoTags":`, `"Created":`, `"Config":`, `"RootFS":`, `"Size":`} {
		if !bytes.Contains(js, []byte(key)) {
			t.Errorf("inspect JSON lacks %s: %s", key, js)
		}
	}
	hist, err := s.History(ref)
	if err != nil {
		t.Fatal(err)
	}
	// hostbox's one history entry, plus one row per appended layer.
	if len(hist) != 3 || hist[0].ID != img.ID || hist[2].CreatedBy == "" {
		t.Errorf("history = %+v", hist)
	}
}

// Login checks the credentials with the registry and writes docker's
// config.json format; logout removes them and keeps the other keys.
func TestLoginLogout(t *testing.T) {
	host := startRegistry(t)
	dir := t.TempDir()
	t.Setenv("DOCKER_CONFIG", dir)
	path := filepath.Join(dir, "config.json")
	os.WriteFile(path, []byte(`{"credsStore":"","proxies":{"default":{}}}`), 0o600)
	if err := Login(host, "alice", "s3cret", testOptions(nil)); err != nil {
		t.Fatal(err)
	}
	var cfg struct {
		Auths   map[string]struct{ Auth string } `json:"auths"`
		Proxies json.RawMessage                  `json:"proxies"`
	}
	data, _ := os.ReadFile(path)
	if err := json.Unmarshal(data, &cfg); err != nil {
		t.Fatal(err)
	}
	if cfg.Auths[host].Auth != "YWxpY2U6czNjcmV0" || cfg.Proxies == nil {
		t.Errorf("config.json after login: %s", data)
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		t.Errorf("config.json mode %v, want 0600", fi.Mode().Perm())
	}
	if found, err := Logout(host); err != nil || !found {
		t.Errorf("logout: %v %v", found, err)
	}
	data, _ = os.ReadFile(path)
	if strings.Contains(string(data), host) || !strings.Contains(string(data), "proxies") {
		t.Errorf("config.json after logout: %s", data)
	}
	// A logout where nobody logged in reports it and writes nothing.
	empty := t.TempDir()
	t.Setenv("DOCKER_CONFIG", empty)
	if found, err := Logout(host); err != nil || found {
		t.Errorf("logout without a login: %v %v", found, err)
	}
	if _, err := os.Stat(filepath.Join(empty, "config.json")); err == nil {
		t.Error("a logout without a login made a config.json")
	}
	if err := Login(closedPort(t), "a", "b", testOptions(nil)); err == nil || !strings.Contains(err.Error(), "unreachable") {
		t.Errorf("login to a closed port: %v", err)
	}
}

func TestSearchCatalog(t *testing.T) {
	host := startRegistry(t)
	pushTestImage(t, openStore(t), host+"/team/web:1")
	res, err := Search(host+"/we", 0, testOptions(nil))
	if err != nil {
		t.Fatal(err)
	}
	if len(res) != 1 || res[0].Name != host+"/team/web" {
		t.Errorf("search = %+v", res)
	}
}
