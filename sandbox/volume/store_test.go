package volume

import (
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"sync"
	"testing"
)

func openStore(t *testing.T) (*Store, string) {
	t.Helper()
	root := t.TempDir()
	s, err := Open(root)
	if err != nil {
		t.Fatal(err)
	}
	return s, root
}

func names(vs []Volume) []string {
	var out []string
	for _, v := range vs {
		out = append(out, v.Name)
	}
	return out
}

func TestCreateGetListLayout(t *testing.T) {
	s, root := openStore(t)
	v, err := s.Create("web-data", map[string]string{"app": "web"})
	if err != nil {
		t.Fatal(err)
	}
	want := filepath.Join(root, "volumes/web-data/_data")
	if v.Mountpoint != want || v.Name != "web-data" || v.Anonymous || v.CreatedAt.IsZero() {
		t.Errorf("Create = %+v; want mountpoint %s", v, want)
	}
	if fi, err := os.Stat(want); err != nil || !fi.IsDir() {
		t.Fatalf("_data not made: %v", err)
	}
	// Data written into the volume survives a second Create (idempotent).
	if err := os.WriteFile(filepath.Join(want, "keep"), []byte("1"), 0o644); err != nil {
		t.Fatal(err)
	}
	again, err := s.Create("web-data", nil)
	if err != nil || !again.CreatedAt.Equal(v.CreatedAt) || again.Labels["app"] != "web" {
		t.Errorf("second Create = %+v, %v; want the first one back", again, err)
	}
	if _, err := os.Stat(filepath.Join(want, "keep")); err != nil {
		t.Errorf("second Create lost data: %v", err)
	}
	got, err := s.Get("web-data")
	if err != nil || got.Labels["app"] != "web" || got.Mountpoint != want {
		t.Errorf("Get = %+v, %v", got, err)
	}
	if _, err := s.Create("b2", nil); err != nil {
		t.Fatal(err)
	}
	all, err := s.List()
	if err != nil || len(all) != 2 || all[0].Name != "b2" || all[1].Name != "web-data" {
		t.Errorf("List = %v, %v; want [b2 web-data]", names(all), err)
	}
	if _, err := s.Create("../evil", nil); err == nil {
		t.Error("a name with a path in it was accepted")
	}
	if _, err := s.Get("nope"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Get(nope) = %v; want ErrNotFound", err)
	}
	if _, err := s.Get("../volumes"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Get(../volumes) = %v; want ErrNotFound", err)
	}
}

func TestHalfCreatedVolumeIsInvisibleThenCompleted(t *testing.T) {
	s, _ := openStore(t)
	// A crash between mkdir _data and writing the record.
	if err := os.MkdirAll(filepath.Join(s.Dir("half"), "_data"), 0o755); err != nil {
		t.Fatal(err)
	}
	if all, err := s.List(); err != nil || len(all) != 0 {
		t.Errorf("List = %v, %v; want nothing", names(all), err)
	}
	if _, err := s.Create("half", nil); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Get("half"); err != nil {
		t.Errorf("Create did not complete the half volume: %v", err)
	}
}

func TestRemoveRefusedWhileInUse(t *testing.T) {
	s, _ := openStore(t)
	used := map[string]bool{"busy": true}
	s.InUse = func(name string) bool { return used[name] }
	for _, n := range []string{"busy", "idle"} {
		if _, err := s.Create(n, nil); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Remove("busy"); !errors.Is(err, ErrInUse) {
		t.Errorf("Remove(busy) = %v; want ErrInUse", err)
	}
	if _, err := s.Get("busy"); err != nil {
		t.Errorf("a refused Remove still removed: %v", err)
	}
	if err := s.Remove("idle"); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(s.Dir("idle")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("idle's directory is still there: %v", err)
	}
	if err := s.Remove("idle"); !errors.Is(err, ErrNotFound) {
		t.Errorf("second Remove = %v; want ErrNotFound", err)
	}
	used["busy"] = false
	if err := s.Remove("busy"); err != nil {
		t.Errorf("Remove once unused: %v", err)
	}
}

func TestPruneRemovesOnlyUnused(t *testing.T) {
	s, _ := openStore(t)
	s.InUse = func(name string) bool { return name == "keep" }
	for _, n := range []string{"keep", "old1", "old2"} {
		if _, err := s.Create(n, nil); err != nil {
			t.Fatal(err)
		}
	}
	anon, err := s.NewAnonymous()
	if err != nil {
		t.Fatal(err)
	}
	// Without all, only the unused anonymous volume goes.
	removed, err := s.Prune(false)
	if err != nil {
		t.Fatal(err)
	}
	if len(removed) != 1 || removed[0] != anon.Name {
		t.Errorf("Prune(false) removed %v; want only %s", removed, anon.Name)
	}
	removed, err = s.Prune(true)
	if err != nil {
		t.Fatal(err)
	}
	if len(removed) != 2 {
		t.Errorf("Prune(true) removed %v; want old1 and old2", removed)
	}
	all, _ := s.List()
	if len(all) != 1 || all[0].Name != "keep" {
		t.Errorf("after Prune: %v; want [keep]", names(all))
	}
	if again, err := s.Prune(true); err != nil || len(again) != 0 {
		t.Errorf("second Prune = %v, %v; want nothing", again, err)
	}
}

func TestNewAnonymousNames(t *testing.T) {
	s, _ := openStore(t)
	hex64 := regexp.MustCompile(`^[0-9a-f]{64}$`)
	seen := map[string]bool{}
	for i := 0; i < 3; i++ {
		v, err := s.NewAnonymous()
		if err != nil {
			t.Fatal(err)
		}
		if !hex64.MatchString(v.Name) || !v.Anonymous || seen[v.Name] {
			t.Errorf("anonymous volume %+v: want a fresh 64-hex name", v)
		}
		seen[v.Name] = true
		if got, err := s.Get(v.Name); err != nil || !got.Anonymous {
			t.Errorf("Get(%s) = %+v, %v; want it marked anonymous", v.Name, got, err)
		}
	}
}

func TestConcurrentCreateOneVolume(t *testing.T) {
	s, _ := openStore(t)
	var wg sync.WaitGroup
	got := make([]Volume, 8)
	for i := range got {
		wg.Add(1)
		go func() {
			defer wg.Done()
			v, err := s.Create("shared", nil)
			if err != nil {
				t.Error(err)
			}
			got[i] = v
		}()
	}
	wg.Wait()
	for _, v := range got[1:] {
		if !v.CreatedAt.Equal(got[0].CreatedAt) {
			t.Errorf("racing creates made different volumes: %v vs %v", v.CreatedAt, got[0].CreatedAt)
		}
	}
}

func TestResolve(t *testing.T) {
	s, root := openStore(t)
	host := filepath.Join(t.TempDir(), "new/site")
	m, err := s.Resolve(Spec{Type: TypeBind, Source: host, Destination: "/www", ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	if m.Source != host || m.Name != "" || !m.ReadOnly {
		t.Errorf("bind = %+v", m)
	}
	if fi, err := os.Stat(host); err != nil || !fi.IsDir() {
		t.Errorf("a missing bind source was not made a directory: %v", err)
	}

	m, err = s.Resolve(Spec{Type: TypeVolume, Source: "web", Destination: "/data"})
	if err != nil || m.Name != "web" || m.Source != filepath.Join(root, "volumes/web/_data") {
		t.Errorf("named = %+v, %v", m, err)
	}
	b := m.Bind()
	if b.Source != m.Source || b.Destination != "/data" || b.ReadOnly {
		t.Errorf("Bind() = %+v", b)
	}

	m, err = s.Resolve(Spec{Type: TypeVolume, Destination: "/cache"})
	if err != nil || len(m.Name) != 64 {
		t.Fatalf("anonymous = %+v, %v", m, err)
	}
	if v, err := s.Get(m.Name); err != nil || !v.Anonymous || v.Mountpoint != m.Source {
		t.Errorf("anonymous volume not stored: %+v, %v", v, err)
	}
}

func TestCreateWithoutNameIsRandomNotAnonymous(t *testing.T) {
	s, _ := openStore(t)
	v, err := s.Create("", nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(v.Name) != 64 || v.Anonymous {
		t.Errorf("Create(\"\") = %+v; want a 64-hex name, not marked anonymous", v)
	}
}
