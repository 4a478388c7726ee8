package container

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// A name is free again once its container is removed, and the index keeps
// no link for it.
func TestRemoveFreesTheName(t *testing.T) {
	s, _ := Open(t.TempDir())
	a := &Container{Name: "web"}
	if err := s.Create(a); err != nil {
		t.Fatal(err)
	}
	if got := s.indexed("web"); got != a.ID {
		t.Fatalf("index names %q for web, want %s", got, a.ID)
	}
	if err := s.Remove(a.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Lstat(s.nameLink("web")); !os.IsNotExist(err) {
		t.Errorf("the link for web outlived its container (err=%v)", err)
	}
	if _, err := s.Find("web"); err == nil || !strings.Contains(err.Error(), "no such container") {
		t.Errorf("Find(web) after rm: %v", err)
	}
	b := &Container{Name: "web"}
	if err := s.Create(b); err != nil {
		t.Fatalf("the name of a removed container is not free again: %v", err)
	}
}

// A crash between removing a container's directory and its link leaves a
// stale link; the next container with that name takes it over, while a
// live one keeps its name.
func TestStaleNameLinkIsReclaimed(t *testing.T) {
	s, _ := Open(t.TempDir())
	old := &Container{Name: "web"}
	if err := s.Create(old); err != nil {
		t.Fatal(err)
	}
	if err := os.RemoveAll(s.Dir(old.ID)); err != nil { // the crash
		t.Fatal(err)
	}
	c := &Container{Name: "web"}
	if err := s.Create(c); err != nil {
		t.Fatalf("stale link not reclaimed: %v", err)
	}
	if got := s.indexed("web"); got != c.ID {
		t.Errorf("index names %q for web, want the new %s", got, c.ID)
	}
	if err := s.Create(&Container{Name: "web"}); err == nil || !strings.Contains(err.Error(), "already used by container "+ShortID(c.ID)) {
		t.Errorf("second live web: %v", err)
	}
}

// A state root made before the index existed gets one built from its
// records at the next create, so old names stay unique and findable.
func TestNameIndexBuiltForAnOldRoot(t *testing.T) {
	s, _ := Open(t.TempDir())
	old := &Container{ID: NewID(), Name: "db"}
	if err := os.MkdirAll(s.Dir(old.ID), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := s.Save(old); err != nil {
		t.Fatal(err)
	}
	if c, err := s.Find("db"); err != nil || c.ID != old.ID {
		t.Fatalf("Find(db) without an index = %v, %v", c, err)
	}
	if err := s.Create(&Container{Name: "db"}); err == nil || !strings.Contains(err.Error(), `name "db" is already used`) {
		t.Errorf("a second db in an old root: %v", err)
	}
	if got := s.indexed("db"); got != old.ID {
		t.Errorf("index names %q for db, want %s", got, old.ID)
	}
	if leftovers, _ := filepath.Glob(filepath.Join(filepath.Dir(s.dir), namesDir+"-new-*")); len(leftovers) > 0 {
		t.Errorf("index build left %v behind", leftovers)
	}
	all, err := s.List()
	if err != nil || len(all) != 1 {
		t.Errorf("List() = %d containers, %v; the index must not read as a container", len(all), err)
	}
}

// Find by name reads only that container's record. Another container's
// record here is a FIFO with no writer: reading it would block, as reading
// every record (the scan the index replaces) would.
func TestFindByNameReadsOneRecord(t *testing.T) {
	s, _ := Open(t.TempDir())
	web := &Container{Name: "web"}
	other := &Container{Name: "other"}
	for _, c := range []*Container{web, other} {
		if err := s.Create(c); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Remove(s.recordPath(other.ID)); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(s.recordPath(other.ID), 0o600); err != nil {
		t.Fatal(err)
	}
	found := make(chan error, 1)
	go func() {
		c, err := s.Find("web")
		if err == nil && c.ID != web.ID {
			err = fmt.Errorf("found %s", c.ID)
		}
		found <- err
	}()
	select {
	case err := <-found:
		if err != nil {
			t.Errorf("Find(web): %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Find(web) read other containers' records (it blocked on a FIFO)")
	}
}
