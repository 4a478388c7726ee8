package main

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"testing"
)

// TestDocsUpToDate regenerates the command reference and compares it byte
// for byte with the committed docs/reference and docs/man.
func TestDocsUpToDate(t *testing.T) {
	if *genDocsDir != "" {
		if err := genDocs(*genDocsDir); err != nil {
			t.Fatal(err)
		}
		return // written by `make docs`, nothing to compare with
	}
	tmp := t.TempDir()
	if err := genDocs(tmp); err != nil {
		t.Fatal(err)
	}
	committed := filepath.Join("..", "..", "docs")
	for _, sub := range []string{"reference", "man"} {
		want := readTree(t, filepath.Join(tmp, sub))
		got := readTree(t, filepath.Join(committed, sub))
		for _, name := range sortedKeys(want) {
			c, ok := got[name]
			switch {
			case !ok:
				t.Errorf("docs/%s/%s is missing: run make docs and commit the result", sub, name)
			case !bytes.Equal(c, want[name]):
				t.Errorf("docs/%s/%s is out of date: run make docs and commit the result", sub, name)
			}
		}
		for _, name := range sortedKeys(got) {
			if _, ok := want[name]; !ok {
				t.Errorf("docs/%s/%s is no longer generated: run make docs and commit the result", sub, name)
			}
		}
	}
}

func readTree(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		files[filepath.ToSlash(rel)] = b
		return nil
	})
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	return files
}

func sortedKeys(m map[string][]byte) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
