package image

import (
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// maxSymlinks is the kernel's own limit (MAXSYMLINKS) on links followed
// while resolving one path; more means a loop.
const maxSymlinks = 40

// layerBuilder copies files from the host into a layer directory at the
// same paths they have on the host.
//
// It walks each host path one component at a time, the way the kernel does.
// Every symlink met on the way is recreated in the layer with the same
// target text and then followed; every real directory is created; the final
// regular file is copied. So inside the image, /bin/sh, /usr/bin/sh and the
// libc.so.6 name a binary asks for all resolve exactly as on the host, and
// a merged-/usr host (/bin -> usr/bin) gives a merged-/usr image.
type layerBuilder struct {
	dir    string          // the layer directory being filled
	copied map[string]bool // host files already copied in
}

func newLayerBuilder(dir string) *layerBuilder {
	return &layerBuilder{dir: dir, copied: map[string]bool{}}
}

// mirror makes hostPath exist in the layer and returns the real host path it
// ends at (symlinks followed), which is the file to read ELF headers from.
func (b *layerBuilder) mirror(hostPath string) (string, error) {
	return b.mirrorFollowing(filepath.Clean(hostPath), 0)
}

func (b *layerBuilder) mirrorFollowing(hostPath string, links int) (string, error) {
	if links > maxSymlinks {
		return "", fmt.Errorf("%s: too many levels of symbolic links", hostPath)
	}
	parts := strings.Split(strings.TrimPrefix(hostPath, "/"), "/")
	cur := "/" // always a real directory on the host: no symlink in it
	for i, name := range parts {
		if name == "" {
			continue
		}
		next := filepath.Join(cur, name)
		rest := parts[i+1:]
		fi, err := os.Lstat(next)
		if err != nil {
			return "", fmt.Errorf("copy %s from host: %w", hostPath, err)
		}
		switch {
		case fi.Mode()&fs.ModeSymlink != 0:
			target, err := os.Readlink(next)
			if err != nil {
				return "", fmt.Errorf("copy %s from host: %w", hostPath, err)
			}
			if err := b.symlink(next, target); err != nil {
				return "", err
			}
			// A relative target is relative to the link's own directory.
			resolved := target
			if !filepath.IsAbs(target) {
				resolved = filepath.Join(cur, target)
			}
			return b.mirrorFollowing(filepath.Join(append([]string{resolved}, rest...)...), links+1)
		case fi.IsDir():
			if err := b.mkdir(next, fi.Mode()); err != nil {
				return "", err
			}
			cur = next
		case fi.Mode().IsRegular() && len(rest) == 0:
			return next, b.copyFile(next, fi.Mode())
		default:
			return "", fmt.Errorf("copy %s from host: %s is a %s, not a directory or regular file", hostPath, next, fi.Mode().Type())
		}
	}
	return cur, nil
}

// inLayer maps a host path to the same path inside the layer.
func (b *layerBuilder) inLayer(hostPath string) string { return filepath.Join(b.dir, hostPath) }

func (b *layerBuilder) symlink(hostPath, target string) error {
	dst := b.inLayer(hostPath)
	if _, err := os.Lstat(dst); err == nil {
		return nil
	}
	if err := os.Symlink(target, dst); err != nil {
		return fmt.Errorf("build layer: %w", err)
	}
	return nil
}

// mkdir creates a directory with the given permissions, whatever the umask.
func (b *layerBuilder) mkdir(hostPath string, mode fs.FileMode) error {
	dst := b.inLayer(hostPath)
	if _, err := os.Lstat(dst); err == nil {
		return nil
	}
	if err := os.Mkdir(dst, 0o700); err != nil {
		return fmt.Errorf("build layer: %w", err)
	}
	if err := os.Chmod(dst, mode&(fs.ModePerm|fs.ModeSticky|fs.ModeSetgid)); err != nil {
		return fmt.Errorf("build layer: %w", err)
	}
	return nil
}

// copyFile copies a regular host file to the same path in the layer.
func (b *layerBuilder) copyFile(hostPath string, mode fs.FileMode) error {
	if b.copied[hostPath] {
		return nil
	}
	if err := copyRegular(hostPath, b.inLayer(hostPath), mode); err != nil {
		return fmt.Errorf("build layer: %w", err)
	}
	b.copied[hostPath] = true
	return nil
}

// copyRegular copies src's bytes to a new file dst and sets mode on it.
// io.Copy between two *os.File uses copy_file_range(2), so the kernel moves
// the bytes (or shares blocks on filesystems that can) without a round trip
// through this process.
func copyRegular(src, dst string, mode fs.FileMode) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return fmt.Errorf("copy %s: %w", src, err)
	}
	// chmod after writing: the set-uid bit of mount/umount must survive,
	// and a write by an unprivileged process would clear it.
	if err := out.Chmod(mode & (fs.ModePerm | fs.ModeSetuid | fs.ModeSetgid | fs.ModeSticky)); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
