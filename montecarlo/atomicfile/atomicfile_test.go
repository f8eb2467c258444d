package atomicfile

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"testing"
)

// leftovers lists the temporary files in dir.
func leftovers(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range es {
		if IsTemp(e.Name()) {
			out = append(out, e.Name())
		}
	}
	return out
}

func TestWriteReplacesOrKeeps(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "sub", "f.json")
	if err := WriteFile(path, []byte("one"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(path, []byte("two"), 0o644); err != nil {
		t.Fatal(err)
	}
	boom := errors.New("boom")
	err := Write(path, 0o644, func(w io.Writer) error {
		fmt.Fprint(w, "half of thr")
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("Write = %v, want the fill error", err)
	}
	b, _ := os.ReadFile(path)
	if string(b) != "two" {
		t.Fatalf("content %q after a failed write, want the previous %q", b, "two")
	}
	if l := leftovers(t, filepath.Dir(path)); len(l) != 0 {
		t.Fatalf("temporary files left: %v", l)
	}
	st, _ := os.Stat(path)
	if st.Mode().Perm() != 0o644 {
		t.Fatalf("mode %v, want 0644", st.Mode().Perm())
	}
}

func TestAbortLeavesNothing(t *testing.T) {
	dir := t.TempDir()
	f, err := Create(filepath.Join(dir, "x"), 0o644)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprint(f, "data")
	f.Abort()
	f.Abort()
	if err := f.Commit(); err == nil {
		t.Fatal("Commit after Abort succeeded")
	}
	if es, _ := os.ReadDir(dir); len(es) != 0 {
		t.Fatalf("files left after Abort: %v", es)
	}
}

// TestWriteFileExclusiveRace starts many writers of one path at once:
// exactly one creates it, the file holds that writer's whole content, and
// no temporary file is left.
func TestWriteFileExclusiveRace(t *testing.T) {
	for trial := 0; trial < 20; trial++ {
		dir := t.TempDir()
		path := filepath.Join(dir, "manifest.json")
		const n = 8
		var wg sync.WaitGroup
		created := make([]bool, n)
		errs := make([]error, n)
		start := make(chan struct{})
		for i := 0; i < n; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				created[i], errs[i] = WriteFileExclusive(path, []byte(fmt.Sprintf("writer %d", i)), 0o644)
			}()
		}
		close(start)
		wg.Wait()
		winners := 0
		want := ""
		for i := range created {
			if errs[i] != nil {
				t.Fatal(errs[i])
			}
			if created[i] {
				winners++
				want = fmt.Sprintf("writer %d", i)
			}
		}
		if winners != 1 {
			t.Fatalf("trial %d: %d writers created the file, want 1", trial, winners)
		}
		if b, _ := os.ReadFile(path); string(b) != want {
			t.Fatalf("trial %d: content %q, want the winner's %q", trial, b, want)
		}
		if l := leftovers(t, dir); len(l) != 0 {
			t.Fatalf("temporary files left: %v", l)
		}
	}
}

func TestSyncDirReportsErrors(t *testing.T) {
	if err := SyncDir(t.TempDir()); err != nil {
		t.Fatalf("SyncDir of a directory: %v", err)
	}
	if err := SyncDir(filepath.Join(t.TempDir(), "missing")); err == nil {
		t.Fatal("SyncDir of a missing directory returned nil")
	}
}
