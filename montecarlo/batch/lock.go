package batch

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// Locks. A run directory has one directory lock, DIR/.lock: every mc run
// task holds it shared while it works, and mc merge holds it exclusive, so
// that a merge never runs beside a run or another merge. Each part has its
// own lock, parts/condition=<c>/.part-NNNNN.lock, held exclusive by the
// process computing the part: two processes resuming one directory (or
// array tasks that share parts after a merge) never compute a part twice,
// and the temporary files of a part whose lock is free are known to be the
// leftovers of a killed process.
//
// The locks are advisory flock(2) locks on the lock files, released by the
// kernel when the process dies (kill -9 included), so a stale lock file
// never blocks anything. Where the file system does not support flock (some
// parallel file systems mounted without it) locking is skipped and the
// runs behave as they would without locks.

// errLocked is returned by tryLock when another process holds the lock.
var errLocked = errors.New("locked by another process")

const dirLockName = ".lock"

// lockMode says how a lock is taken.
type lockMode int

const (
	shared    lockMode = iota // many holders, no exclusive one
	exclusive                 // one holder
)

// fileLock is a held lock; Unlock releases it.
type fileLock struct{ f *os.File }

// Unlock releases the lock (a no-op on nil).
func (l *fileLock) Unlock() {
	if l == nil || l.f == nil {
		return
	}
	unlockFile(l.f)
	l.f.Close()
	l.f = nil
}

// takeLock opens (creating it if needed) the lock file path and locks it.
// With wait false it returns errLocked at once when another process holds a
// conflicting lock.
func takeLock(path string, mode lockMode, wait bool) (*fileLock, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("cannot open the lock file: %w", err)
	}
	if err := lockFile(f, mode, wait); err != nil {
		f.Close()
		return nil, err
	}
	return &fileLock{f: f}, nil
}

// lockDir takes the directory lock of a run.
func lockDir(dir string, mode lockMode) (*fileLock, error) {
	return takeLock(filepath.Join(dir, dirLockName), mode, false)
}

// partLockPath is the lock file of one part.
func partLockPath(dir, cond string, chunk int) string {
	return filepath.Join(dir, partsDir, "condition="+cond, fmt.Sprintf(".part-%05d.lock", chunk))
}

// lockPart takes the lock of one part.
func lockPart(dir, cond string, chunk int, wait bool) (*fileLock, error) {
	return takeLock(partLockPath(dir, cond, chunk), exclusive, wait)
}

// heldBy reports whether another process holds a lock on path that
// conflicts with mode, without creating the lock file: a lock file that
// does not exist is held by nobody.
func heldBy(path string, mode lockMode) bool {
	f, err := os.Open(path) // flock needs no write access
	if err != nil {
		return false
	}
	defer f.Close()
	if err := lockFile(f, mode, false); err != nil {
		return errors.Is(err, errLocked)
	}
	unlockFile(f)
	return false
}
