//go:build !unix

package batch

import "os"

// Without flock(2) the runs are not locked.
func lockFile(f *os.File, mode lockMode, wait bool) error { return nil }

func unlockFile(f *os.File) {}
