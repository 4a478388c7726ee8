package main

import (
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/dockling/dockling/sandbox"
	"github.com/dockling/dockling/sandbox/fsutil"
	"github.com/dockling/dockling/sandbox/image"
	"github.com/dockling/dockling/sandbox/network"
	"github.com/dockling/dockling/sandbox/rootfs"
	"github.com/dockling/dockling/sandbox/volume"
	"golang.org/x/sys/unix"
)

// stepWritable is the writable layer of one step-4+ run, under
// R/steps/<runner tag>/, removed when the run ends: a step is a throwaway
// container, like `docker run --rm`.
type stepWritable struct {
	dir, upper string
	overlay    bool
}

// newStepWritable points cfg at an overlay of img's layers with a fresh
// upper directory, or, where overlayfs cannot work, at a private copy.
// With script set it only names the directories (the script makes them).
func newStepWritable(store *image.Store, img *image.Image, cfg *sandbox.Config, tag string, stderr io.Writer, script bool) (*stepWritable, error) {
	base := filepath.Join(sandbox.Root(), "steps")
	sweepStepDirs(base)
	w := &stepWritable{dir: filepath.Join(base, tag), overlay: true}
	w.upper = filepath.Join(w.dir, "upper")
	cfg.Rootfs = filepath.Join(w.dir, "rootfs")
	if err := os.MkdirAll(base, 0o700); err != nil {
		return nil, err
	}
	if err := overlayUsable(base); err != nil {
		fmt.Fprintf(stderr, "dockling: warning: overlay cannot be used here (%v); copying the image instead, which is slower\n", err)
		cfg.Overlay, w.overlay = nil, false
		if !script {
			if err := store.CopyRootfs(img, cfg.Rootfs); err != nil {
				return nil, err
			}
		}
		return w, nil
	}
	cfg.Overlay = &sandbox.OverlaySpec{Lower: img.Layers, Upper: w.upper, Work: filepath.Join(w.dir, "work")}
	return w, nil
}

// overlayUsable probes once per kernel and remembers the answer.
func overlayUsable(dir string) error {
	var uts unix.Utsname
	_ = unix.Uname(&uts)
	release := unix.ByteSliceToString(uts.Release[:])
	mark := filepath.Join(dir, ".overlay-ok")
	if b, err := os.ReadFile(mark); err == nil && string(b) == release {
		return nil
	}
	if err := rootfs.OverlayUsable(dir); err != nil {
		return err
	}
	return os.WriteFile(mark, []byte(release), 0o600)
}

// remove deletes the run's writable layer, saying first what was in it.
func (w *stepWritable) remove(stderr io.Writer, quiet bool) {
	if !quiet && w.overlay {
		n := 0
		_ = filepath.WalkDir(w.upper, func(_ string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				n++
			}
			return nil
		})
		fmt.Fprintf(stderr, "writable layer: %d files written or deleted, all in %s; the image's layers did not change. Removing it now.\n", n, w.upper)
	}
	_ = os.RemoveAll(w.dir)
}

// saveNetwork keeps the run's network record beside its writable layer, so
// that if this runner is killed, the next run can remove its links and rules.
func (w *stepWritable) saveNetwork(att *network.Attachment) {
	_ = fsutil.WriteJSON(filepath.Join(w.dir, "network.json"), att)
}

// sweepStepDirs removes what runners that were killed (SIGKILL) could not:
// their writable layer, and their address lease and port rules.
func sweepStepDirs(base string) {
	entries, _ := os.ReadDir(base)
	for _, e := range entries {
		if !e.IsDir() || !strings.HasPrefix(e.Name(), "step") || !stepRunnerGone(e.Name()) {
			continue
		}
		dir := filepath.Join(base, e.Name())
		var att network.Attachment
		if fsutil.ReadJSON(filepath.Join(dir, "network.json"), &att) == nil {
			_ = network.Teardown(network.DefaultConfig(sandbox.Root()), &att)
		}
		_ = os.RemoveAll(dir)
	}
}

// stepVolumes resolves -v for a step: each becomes a bind mount of a host
// directory (a named volume is one dockling keeps) into the container.
func stepVolumes(cfg *sandbox.Config, flags []string) error {
	specs, err := volume.ParseSpecs(flags)
	if err != nil {
		return err
	}
	vs, err := volume.Open(sandbox.Root())
	if err != nil {
		return err
	}
	for _, sp := range specs {
		if sp.Anonymous() {
			return fmt.Errorf("-v %s: a step is removed when it ends, so an anonymous volume would be lost; name it (NAME:%s)", sp.Destination, sp.Destination)
		}
		m, err := vs.Resolve(sp)
		if err != nil {
			return err
		}
		cfg.Mounts = append(cfg.Mounts, m.Bind())
	}
	return nil
}
