package container

import (
	"os"
	"strings"
	"sync"
	"testing"
)

func TestCreateRejectsDuplicateNamesUnderRace(t *testing.T) {
	s, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 10)
	for i := 0; i < 10; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- s.Create(&Container{Name: "web"})
		}()
	}
	wg.Wait()
	close(errs)
	ok := 0
	for err := range errs {
		if err == nil {
			ok++
		} else if !strings.Contains(err.Error(), `name "web" is already used`) {
			t.Errorf("unexpected error: %v", err)
		}
	}
	if ok != 1 {
		t.Errorf("%d containers named web were created, want exactly 1", ok)
	}
}

func TestFindByNameIDAndPrefix(t *testing.T) {
	s, _ := Open(t.TempDir())
	a, b := &Container{Name: "a"}, &Container{}
	if err := s.Create(a); err != nil {
		t.Fatal(err)
	}
	if err := s.Create(b); err != nil {
		t.Fatal(err)
	}
	if b.Name == "" || ValidName(b.Name) != nil {
		t.Errorf("random name %q is not a valid name", b.Name)
	}
	for _, ref := range []string{"a", a.ID, a.ID[:12]} {
		c, err := s.Find(ref)
		if err != nil || c.ID != a.ID {
			t.Errorf("Find(%q) = %v, %v; want %s", ref, c, err, a.ID)
		}
	}
	if _, err := s.Find("zzz"); err == nil || !strings.Contains(err.Error(), "no such container: zzz") {
		t.Errorf("Find(unknown) error = %v", err)
	}
	// An empty prefix matches both: ambiguous.
	a.ID, b.ID = "abc1"+a.ID[4:], "abc2"+b.ID[4:]
	s2, _ := Open(t.TempDir())
	for _, c := range []*Container{a, b} {
		if err := os.MkdirAll(s2.Dir(c.ID), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := s2.Save(c); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s2.Find("abc"); err == nil || !strings.Contains(err.Error(), "matches several containers") {
		t.Errorf("Find(ambiguous prefix) error = %v", err)
	}
}

func TestRecordOfDeadProcessReadsExited(t *testing.T) {
	s, _ := Open(t.TempDir())
	c := &Container{Name: "gone"}
	c.State = State{Status: Running, Pid: os.Getpid(), BootID: "another-boot"}
	if err := s.Create(c); err != nil {
		t.Fatal(err)
	}
	got, err := s.Load(c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.State.Status != Exited {
		t.Errorf("a running record from another boot reads %q, want exited", got.State.Status)
	}
	start, err := ProcessStart(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	live := State{Status: Running, Pid: os.Getpid(), BootID: BootID(), PidStart: start}
	if !live.Alive() {
		t.Error("our own process does not read as alive")
	}
	live.PidStart++
	if live.Alive() {
		t.Error("a reused PID (other start time) reads as alive")
	}
}

func TestValidName(t *testing.T) {
	for _, ok := range []string{"web", "c1", "my_app.v2-x"} {
		if err := ValidName(ok); err != nil {
			t.Errorf("ValidName(%q) = %v", ok, err)
		}
	}
	for _, bad := range []string{"", "-x", "a/b", "../x", "a b"} {
		if ValidName(bad) == nil {
			t.Errorf("ValidName(%q) accepted", bad)
		}
	}
}
