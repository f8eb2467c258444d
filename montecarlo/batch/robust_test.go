package batch

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/reuptake/reuptake/montecarlo"
)

// TestPlanLimits: a plan too large to list or to run is refused by
// Prepare before anything is written (issue 13 B.1: --replicates 1e12 grew
// memory until the runtime died; --replicates-per-part 1e12 crashed after
// writing the manifest).
func TestPlanLimits(t *testing.T) {
	base := tinyPlan(t)
	for _, c := range []struct {
		name        string
		reps, chunk int
		want        string
	}{
		{"replicates 1e12", 1_000_000_000_000, 16, "more than the 2147483647 one run can hold"},
		{"part of 1e12", 1000, 1_000_000_000_000, "use --replicates-per-part 1048576 or fewer"},
		{"too many parts", MaxReplicates, 1, "use --replicates-per-part 4096 or more"},
		{"negative", -3, 16, "positive count"},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := base
			p.Replicates, p.Chunk = c.reps, c.chunk
			dir := filepath.Join(t.TempDir(), "run")
			err := Prepare(dir, p)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("Prepare = %v, want an error saying %q", err, c.want)
			}
			if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
				t.Fatalf("%s was created for a refused plan", dir)
			}
		})
	}
}

// TestTaskUnitsArithmetic: a task's share is computed from part indices,
// the same as filtering the list of all parts, and a share of a plan of
// MaxParts parts is listed without the list of all parts.
func TestTaskUnitsArithmetic(t *testing.T) {
	p := tinyPlan(t)
	for _, reps := range []int{1, 2, 9, 10, 11} {
		p.Replicates = reps
		all := p.Units()
		for tasks := 1; tasks <= 5; tasks++ {
			seen := 0
			for task := 0; task < tasks; task++ {
				got, err := p.TaskUnits(task, tasks)
				if err != nil {
					t.Fatal(err)
				}
				for j, u := range got {
					if want := all[task+j*tasks]; u != want {
						t.Fatalf("reps %d tasks %d task %d: unit %d = %+v, want %+v", reps, tasks, task, j, u, want)
					}
				}
				seen += len(got)
			}
			if seen != len(all) {
				t.Fatalf("reps %d tasks %d: tasks hold %d units, the plan %d", reps, tasks, seen, len(all))
			}
		}
	}
	p.Replicates, p.Chunk = MaxParts/2, 1 // two conditions: MaxParts parts
	if err := p.Validate(); err != nil {
		t.Fatal(err)
	}
	got, err := p.TaskUnits(MaxParts-1, MaxParts)
	if err != nil || len(got) != 1 || got[0] != (Unit{Cond: 1, Chunk: MaxParts/2 - 1, First: MaxParts/2 - 1, End: MaxParts / 2}) {
		t.Fatalf("last task of %d: %+v, %v", MaxParts, got, err)
	}
}

// TestPrepareRace starts tasks on a fresh directory at the same instant
// (issue 13 B.2: one of them saw another's temporary manifest): all of
// them succeed with one manifest, and a task with another plan is told the
// directory holds a different run.
func TestPrepareRace(t *testing.T) {
	p := tinyPlan(t)
	other := p
	other.Seed++
	for trial := 0; trial < 20; trial++ {
		dir := filepath.Join(t.TempDir(), "cc")
		const n = 6
		errs := make([]error, n+1)
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i := 0; i <= n; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				q := p
				if i == n {
					q = other
				}
				errs[i] = Prepare(dir, q)
			}()
		}
		close(start)
		wg.Wait()
		m, err := ReadManifest(dir)
		if err != nil {
			t.Fatal(err)
		}
		winner := p
		if m.Seed == other.Seed {
			winner = other
		}
		for i, err := range errs {
			same := (i == n) == (winner.Seed == other.Seed)
			switch {
			case same && err != nil:
				t.Fatalf("trial %d: task %d with the manifest's plan: %v", trial, i, err)
			case !same && (err == nil || !strings.Contains(err.Error(), "holds a different run")):
				t.Fatalf("trial %d: task %d with another plan: %v, want a different-run error", trial, i, err)
			}
		}
		es, _ := os.ReadDir(dir)
		if len(es) != 1 {
			t.Fatalf("trial %d: %d entries in the new run directory, want the manifest only: %v", trial, len(es), es)
		}
	}
}

// TestConcurrentResumesShareWork: two resumes of one directory at once
// (issue 13 B.3: the work was done twice) compute every part exactly once
// between them, and the run is complete.
func TestConcurrentResumesShareWork(t *testing.T) {
	p := tinyPlan(t)
	dir := filepath.Join(t.TempDir(), "run")
	if err := Prepare(dir, p); err != nil {
		t.Fatal(err)
	}
	var computed atomic.Int64
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = Run(context.Background(), dir, p, Options{Workers: 1, Resume: true,
				OnPart: func(Unit, []montecarlo.Replicate) { computed.Add(1) }})
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if got, want := computed.Load(), int64(p.NumParts()); got != want {
		t.Fatalf("two resumes computed %d parts, the plan has %d: work done twice", got, want)
	}
	for _, st := range Status(dir, p, true) {
		if st.State != Done {
			t.Fatalf("part %+v is %s after both resumes", st.Unit, st.State)
		}
	}
}

// TestMergeLock: a merge refuses clearly while a run task holds the
// directory (issue 13 B.3: two merges at once lost completion records), and
// of two merges at once one finishes and the other refuses, leaving every
// part done.
func TestMergeLock(t *testing.T) {
	p := tinyPlan(t)
	dir := runTiny(t, p)
	lk, err := lockDir(dir, shared) // a run task at work
	if err != nil {
		t.Fatal(err)
	}
	_, err = Merge(dir, MergeOptions{})
	if err == nil || !strings.Contains(err.Error(), "in use by mc run or another mc merge") {
		t.Fatalf("Merge beside a run: %v, want a refusal", err)
	}
	lk.Unlock()

	hold, err := lockDir(dir, exclusive) // a merge at work
	if err != nil {
		t.Fatal(err)
	}
	if err := Run(context.Background(), dir, p, Options{Workers: 1, Resume: true}); err == nil || !strings.Contains(err.Error(), "is being merged") {
		t.Fatalf("resume during a merge: %v, want a refusal", err)
	}
	hold.Unlock()

	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i := range errs {
		wg.Add(1)
		go func() { defer wg.Done(); _, errs[i] = Merge(dir, MergeOptions{}) }()
	}
	wg.Wait()
	ok := 0
	for _, err := range errs {
		switch {
		case err == nil:
			ok++
		case !strings.Contains(err.Error(), "in use by mc run or another mc merge"):
			t.Fatalf("concurrent merge failed unclearly: %v", err)
		}
	}
	if ok == 0 {
		t.Fatal("neither merge finished")
	}
	for _, st := range Status(dir, p, true) {
		if st.State != Done {
			t.Fatalf("part %+v is %s after concurrent merges: %s", st.Unit, st.State, st.Why)
		}
	}
}

// TestStaleTemps: temporary part files of a killed process (issue 13 B.8:
// they stayed forever) are reported by Stale, not while a process holds
// the part's lock, and removed by a resume.
func TestStaleTemps(t *testing.T) {
	p := tinyPlan(t)
	dir := runTiny(t, p)
	tmps := []string{
		filepath.Join(dir, "timeseries", "condition=slow", ".part-00001.parquet.tmp-12345"),
		filepath.Join(dir, "summary", "condition=fast", ".part-00003.parquet.tmp-999"),
		filepath.Join(dir, "parts", "condition=fast", ".part-00003.json.tmp-42"),
	}
	for _, f := range tmps {
		if err := os.WriteFile(f, []byte("PAR1 half"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if stale, live := Stale(dir); len(stale) != 3 || live != 0 {
		t.Fatalf("Stale = %v, %d live; want the 3 files", stale, live)
	}
	lk, err := lockPart(dir, "fast", 3, false) // a process writing part 3
	if err != nil {
		t.Fatal(err)
	}
	if stale, live := Stale(dir); len(stale) != 1 || live != 2 {
		t.Fatalf("with part 3 being written: Stale = %v, %d live; want 1 stale, 2 live", stale, live)
	}
	lk.Unlock()
	if err := Run(context.Background(), dir, p, Options{Workers: 1, Resume: true}); err != nil {
		t.Fatal(err)
	}
	for _, f := range tmps {
		if _, err := os.Stat(f); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s left after a resume", f)
		}
	}
}
