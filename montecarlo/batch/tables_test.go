package batch

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/reuptake/reuptake/montecarlo/modelfile"
	"github.com/reuptake/reuptake/montecarlo/results"
)

// outputOver asks the default preset for every optional table, with a
// transporter cycle fast enough (ToS → TiS → Ti at 200 /ms) that uptake
// happens within the short run, and snapshots at every sample.
var outputOver = []string{
	"run.duration=0.06 ms", "run.sample_interval=0.01 ms", "release[0].molecules=400",
	"sites.glt1.scheme.transitions[2].rate=200 /ms", "sites.glt1.scheme.transitions[3].rate=200 /ms",
	"output.events=[all]", "output.snapshots.every=0.01 ms",
}

// outputPlan is a plan of the default preset with events and snapshots:
// 6 replicates in parts of 2; shards > 1 splits each replicate.
func outputPlan(t testing.TB, shards int, extra ...string) Plan {
	t.Helper()
	src, err := modelfile.Preset(modelfile.DefaultPreset)
	if err != nil {
		t.Fatal(err)
	}
	over := append(append([]string(nil), outputOver...), extra...)
	if shards > 1 {
		over = append(over, fmt.Sprintf("run.shards=%d", shards))
	}
	m, err := modelfile.LoadPreset(modelfile.DefaultPreset, over...)
	if err != nil {
		t.Fatal(err)
	}
	return Plan{Replicates: 6, Chunk: 2, Seed: 11, Conditions: []Condition{{Name: "base", Model: m, Source: string(src), Overrides: over}}}
}

func runPlan(t *testing.T, p Plan, o Options) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "run")
	if err := Run(context.Background(), dir, p, o); err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestEveryTableIndependentOfWorkersAndTasks: every table of a run, the
// events and snapshots included, has the same rows whatever the number of
// workers and of tasks, with and without spatial shards; the records list
// every table.
func TestEveryTableIndependentOfWorkersAndTasks(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the preset six times")
	}
	for _, shards := range []int{1, 3} {
		t.Run(fmt.Sprintf("shards=%d", shards), func(t *testing.T) {
			p := outputPlan(t, shards)
			one := runPlan(t, p, Options{Workers: 1})
			want := tables(t, one)
			for _, k := range []string{"timeseries", "summary", "events", "snapshots", "sites"} {
				if len(want[k+"/condition=base"]) == 0 {
					t.Fatalf("no %s rows", k)
				}
			}
			allDone(t, one, p)
			rec, _, err := readRecord(one, "base", 0)
			if err != nil || len(rec.Tables) != 5 {
				t.Fatalf("record %+v, %v", rec, err)
			}
			// Three workers, the plan split into two tasks.
			many := filepath.Join(t.TempDir(), "run")
			for task := range 2 {
				if err := Run(context.Background(), many, p, Options{Workers: 3, Task: task, Tasks: 2}); err != nil {
					t.Fatal(err)
				}
			}
			if err := sameTables(want, tables(t, many)); err != nil {
				t.Fatal("workers=3 tasks=2: ", err)
			}
			allDone(t, many, p)
			// Merged: the same rows, every part still done.
			if _, err := Merge(many, MergeOptions{}); err != nil {
				t.Fatal(err)
			}
			if err := sameTables(want, tables(t, many)); err != nil {
				t.Fatal("after merge: ", err)
			}
			allDone(t, many, p)
		})
	}
}

// TestRecordingChangesNothing: asking for events and snapshots leaves the
// timeseries and summary bit-identical (recording draws no random number
// from the dynamics).
func TestRecordingChangesNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the preset twice")
	}
	p := outputPlan(t, 1)
	with := tables(t, runPlan(t, p, Options{Workers: 2}))
	over := p.Conditions[0].Overrides
	var plain []string
	for _, o := range over {
		if !strings.HasPrefix(o, "output.") {
			plain = append(plain, o)
		}
	}
	m, err := modelfile.LoadPreset(modelfile.DefaultPreset, plain...)
	if err != nil {
		t.Fatal(err)
	}
	q := p
	q.Conditions = []Condition{{Name: "base", Model: m, Source: p.Conditions[0].Source, Overrides: plain}}
	without := tables(t, runPlan(t, q, Options{Workers: 2}))
	for _, k := range []string{"timeseries/condition=base", "summary/condition=base"} {
		if err := sameTables(map[string][]row{k: with[k]}, map[string][]row{k: without[k]}); err != nil {
			t.Fatal(err)
		}
	}
	if len(without) != 2 {
		t.Errorf("a run without output section wrote %d tables", len(without))
	}
}

// TestResumeCompletesEveryTable: a run missing parts (one of two tasks
// done, then a part's event file lost) is completed by --resume into the
// same rows as a run in one go.
func TestResumeCompletesEveryTable(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the preset twice")
	}
	p := outputPlan(t, 1)
	want := tables(t, runPlan(t, p, Options{Workers: 2}))
	dir := filepath.Join(t.TempDir(), "run")
	if err := Run(context.Background(), dir, p, Options{Workers: 2, Task: 0, Tasks: 2}); err != nil {
		t.Fatal(err)
	}
	if err := removeFile(results.PartPath(dir, results.Events, "base", 0)); err != nil {
		t.Fatal(err)
	}
	st := Check(dir, p, Unit{Cond: 0, Chunk: 0, First: 0, End: 2}, false)
	if st.State != Corrupt || !strings.Contains(st.Why, "events") {
		t.Fatalf("part 0 without its events file: %v %s", st.State, st.Why)
	}
	if err := Run(context.Background(), dir, p, Options{Workers: 2, Resume: true}); err != nil {
		t.Fatal(err)
	}
	if err := sameTables(want, tables(t, dir)); err != nil {
		t.Fatal(err)
	}
}

func removeFile(path string) error { return os.Remove(path) }

// TestOldFormatRun: a run written by manifest format 2 (records with the
// two fixed table fields) is still checked by Status, but resuming or
// merging it is refused with a message that says why and what to do.
func TestOldFormatRun(t *testing.T) {
	p := tinyPlan(t)
	p.Replicates, p.Conditions = 4, p.Conditions[:1]
	dir := runPlan(t, p, Options{Workers: 2})
	// Rewrite it as format 2 wrote it.
	man, err := ReadManifest(dir)
	if err != nil {
		t.Fatal(err)
	}
	man.Format = 2
	for i := range man.Conditions {
		man.Conditions[i].Tables = nil
	}
	b, _ := json.MarshalIndent(man, "", "  ")
	if err := writeFileAtomic(filepath.Join(dir, "manifest.json"), b); err != nil {
		t.Fatal(err)
	}
	for _, u := range p.Units() {
		rec, _, err := readRecord(dir, "slow", u.Chunk)
		if err != nil {
			t.Fatal(err)
		}
		old := map[string]any{"condition": rec.Condition, "part": rec.Chunk, "first_replicate": rec.First, "end_replicate": rec.End,
			"timeseries_sha256": rec.Tables[0].SHA256, "summary_sha256": rec.Tables[1].SHA256, "task": 0, "finished": rec.Finished}
		b, _ := json.Marshal(old)
		if err := writeFileAtomic(recordPath(dir, "slow", u.Chunk), b); err != nil {
			t.Fatal(err)
		}
	}
	allDone(t, dir, p)
	for what, err := range map[string]error{
		"resume": Run(context.Background(), dir, p, Options{Resume: true}),
		"merge":  func() error { _, err := Merge(dir, MergeOptions{}); return err }(),
	} {
		if !errors.Is(err, ErrOldFormat) || !strings.Contains(err.Error(), "manifest format 2") || !strings.Contains(err.Error(), "new --out") {
			t.Errorf("%s of a format-2 run: %v", what, err)
		}
	}
}

// TestSnapshotCap: above the cap a snapshot holds exactly cap molecules,
// distinct, and the file says it was subsampled.
func TestSnapshotCap(t *testing.T) {
	p := outputPlan(t, 1, "output.snapshots.cap=50")
	p.Replicates = 2
	dir := runPlan(t, p, Options{Workers: 1})
	f, err := results.Open(results.PartPath(dir, results.Snapshots, "base", 0))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if v, _ := f.Lookup(results.MetaSnapshotSubsampled); v != "true" {
		t.Errorf("%s = %q", results.MetaSnapshotSubsampled, v)
	}
	if v, _ := f.Lookup(results.MetaSnapshotCap); v != "50" {
		t.Errorf("%s = %q", results.MetaSnapshotCap, v)
	}
	per := map[string]map[int64]bool{}
	cleft := map[string]float64{}
	f.ScanRows(func(v []results.Value) error {
		k := fmt.Sprint(v[0], "/", v[1])
		if per[k] == nil {
			per[k] = map[int64]bool{}
		}
		per[k][v[2].Int64()] = true
		if v[4].Str() == "cleft" {
			cleft[k]++
		}
		return nil
	})
	// Uniform: the molecules kept in the cleft are hypergeometric given
	// the free molecules in the cleft and in all (from the timeseries);
	// summed over the subsampled snapshots, |z| < 4. A sample favouring
	// the first or last molecules of the store (released first, near the
	// centre) would show here.
	ts, err := results.Open(results.PartPath(dir, results.Timeseries, "base", 0))
	if err != nil {
		t.Fatal(err)
	}
	defer ts.Close()
	ci, ti := -1, -1
	for i, c := range ts.Columns() {
		switch c.Name {
		case "free_cleft":
			ci = i
		case "free_total":
			ti = i
		}
	}
	var diff, vari float64
	ts.Scan(func(r int64, tm float64, v []float64) error {
		k := fmt.Sprint(r, "/", tm)
		n, kc := v[ti], v[ci]
		if n <= 50 || per[k] == nil {
			return nil
		}
		p := kc / n
		diff += cleft[k] - 50*p
		vari += 50 * p * (1 - p) * (n - 50) / (n - 1)
		return nil
	})
	if z := diff / math.Sqrt(vari); !(math.Abs(z) < 4) {
		t.Errorf("molecules kept in the cleft: z = %.2f (sum of deviations %g, variance %g)", z, diff, vari)
	}
	full := 0
	for k, ids := range per {
		if len(ids) > 50 {
			t.Errorf("snapshot %s holds %d molecules", k, len(ids))
		}
		if len(ids) == 50 {
			full++
		}
	}
	if full == 0 {
		t.Error("no snapshot reached the cap: the test does not exercise subsampling")
	}
}
