// Package atomicfile writes files so that a reader, or a run resumed after
// a crash, finds either the old content or the new one under a path, never
// part of it: the data go to a temporary file in the same directory
// (".<base>.tmp-<random>"), which is synced, closed and renamed into place,
// and the directory is then synced so that the rename survives a crash.
package atomicfile

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
)

// File is a file being written under a temporary name. Write to it, then
// Commit to move it into place, or Abort to discard it. The usual pattern:
//
//	f, err := atomicfile.Create(path, 0o644)
//	if err != nil { ... }
//	defer f.Abort() // no-op after a successful Commit
//	... write to f ...
//	return f.Commit()
type File struct {
	*os.File
	path string
	done bool
}

// TempPrefix is the start of the name of the temporary files written for
// base: ".<base>.tmp-". A file whose name starts so and is older than any
// writer that may still be running is the leftover of an interrupted write.
func TempPrefix(base string) string { return "." + base + ".tmp-" }

// IsTemp reports whether name is the name of a temporary file of this
// package (for any base).
func IsTemp(name string) bool {
	return strings.HasPrefix(name, ".") && strings.Contains(name, ".tmp-")
}

// Create starts writing path. Missing parent directories are created (and
// their parents synced). perm is the mode of the final file.
func Create(path string, perm os.FileMode) (*File, error) {
	dir, base := filepath.Split(path)
	if base == "" {
		return nil, fmt.Errorf("create %q: path names a directory", path)
	}
	if dir == "" {
		dir = "."
	}
	if err := MkdirAll(dir); err != nil {
		return nil, err
	}
	f, err := os.CreateTemp(dir, TempPrefix(base)+"*")
	if err != nil {
		return nil, err
	}
	if err := f.Chmod(perm); err != nil {
		f.Close()
		os.Remove(f.Name())
		return nil, err
	}
	return &File{File: f, path: path}, nil
}

// Path is the final path of the file.
func (f *File) Path() string { return f.path }

// Commit syncs and closes the temporary file, renames it to the final path
// (replacing any file there) and syncs the directory. On an error before the
// rename the temporary file is removed and the final path is untouched.
func (f *File) Commit() error {
	if f.done {
		return os.ErrClosed
	}
	f.done = true
	tmp := f.Name()
	err := f.Sync()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, f.path)
	}
	if err != nil {
		os.Remove(tmp)
		return err
	}
	return SyncDir(filepath.Dir(f.path))
}

// Abort closes and removes the temporary file. It is a no-op after Commit or
// Abort and on a nil File, so it can be deferred right after Create.
func (f *File) Abort() {
	if f == nil || f.done {
		return
	}
	f.done = true
	f.Close()
	os.Remove(f.Name())
}

// WriteFile writes data to path atomically, with mode perm.
func WriteFile(path string, data []byte, perm os.FileMode) error {
	return Write(path, perm, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}

// Write writes path atomically with what fill writes; an error from fill
// leaves the final path untouched.
func Write(path string, perm os.FileMode, fill func(w io.Writer) error) error {
	f, err := Create(path, perm)
	if err != nil {
		return err
	}
	defer f.Abort()
	if err := fill(f); err != nil {
		return err
	}
	return f.Commit()
}

// Rename renames from to to and syncs both parent directories.
func Rename(from, to string) error {
	if err := os.Rename(from, to); err != nil {
		return err
	}
	if err := SyncDir(filepath.Dir(from)); err != nil {
		return err
	}
	return SyncDir(filepath.Dir(to))
}

// SyncDir fsyncs a directory so that creations and renames in it are
// durable. File systems and platforms that cannot sync a directory (the
// errors EINVAL, ENOTSUP, EBADF, or a permission error on opening it) are
// tolerated; any other error is returned.
func SyncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		if errors.Is(err, os.ErrPermission) {
			return nil
		}
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil &&
		!errors.Is(err, syscall.EINVAL) && !errors.Is(err, syscall.ENOTSUP) && !errors.Is(err, syscall.EBADF) {
		return err
	}
	return nil
}

// MkdirAll creates dir and its missing parents like os.MkdirAll, and syncs
// the parent of each directory it creates so that the new directories
// survive a crash.
func MkdirAll(dir string) error {
	var missing []string
	for d := filepath.Clean(dir); ; {
		if _, err := os.Stat(d); err == nil {
			break
		}
		missing = append(missing, d)
		parent := filepath.Dir(d)
		if parent == d {
			break
		}
		d = parent
	}
	if len(missing) == 0 {
		return nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for _, d := range missing {
		if err := SyncDir(filepath.Dir(d)); err != nil {
			return err
		}
	}
	return nil
}

// WriteFileExclusive writes data to path only if nothing is there yet: the
// data go to a synced temporary file that is then hard-linked to path, which
// fails if path exists, so that of several processes racing to create path
// exactly one succeeds and a reader never sees a partial file. created is
// false when path existed (its content is left as it was).
func WriteFileExclusive(path string, data []byte, perm os.FileMode) (created bool, err error) {
	f, err := Create(path, perm)
	if err != nil {
		return false, err
	}
	tmp := f.Name()
	defer os.Remove(tmp)
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	f.done = true
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return false, err
	}
	if err := os.Link(tmp, path); err != nil {
		if errors.Is(err, os.ErrExist) {
			return false, nil
		}
		return false, err
	}
	return true, SyncDir(filepath.Dir(path))
}
