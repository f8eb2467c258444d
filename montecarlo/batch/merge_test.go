package batch

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/reuptake/reuptake/montecarlo"
	"github.com/reuptake/reuptake/montecarlo/modelfile"
	"github.com/reuptake/reuptake/montecarlo/results"
)

// tinyPlan is a plan of two conditions of a very small model: 10
// replicates in parts of 2.
func tinyPlan(t *testing.T) Plan {
	t.Helper()
	src, err := modelfile.Preset(modelfile.DefaultPreset)
	if err != nil {
		t.Fatal(err)
	}
	p := Plan{Replicates: 10, Chunk: 2, Seed: 3}
	for _, c := range []struct{ name, d string }{{"slow", "0.2 um^2/ms"}, {"fast", "0.4 um^2/ms"}} {
		over := []string{"run.duration=0.03 ms", "release[0].molecules=60", "species[0].D=" + c.d}
		m, err := modelfile.LoadPreset(modelfile.DefaultPreset, over...)
		if err != nil {
			t.Fatal(err)
		}
		p.Conditions = append(p.Conditions, Condition{Name: c.name, Model: m, Source: string(src), Overrides: over})
	}
	return p
}

// runTiny runs the whole plan into a new directory.
func runTiny(t *testing.T, p Plan) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "run")
	if err := Run(context.Background(), dir, p, Options{Workers: 2}); err != nil {
		t.Fatal(err)
	}
	return dir
}

// row is one row of a results table.
type row struct {
	rep  int64
	t    float64
	vals []float64
	text string // the whole row, for tables with string columns
}

// tables reads every visible part file of a run as a reader with a glob
// would (DIR/<table>/condition=*/*.parquet, hidden files excluded), keyed by
// table and condition, rows sorted by replicate and time.
func tables(t *testing.T, dir string) map[string][]row {
	t.Helper()
	out := map[string][]row{}
	paths, _ := filepath.Glob(filepath.Join(dir, "*", "condition=*", "*.parquet"))
	for _, path := range paths {
		if strings.HasPrefix(filepath.Base(path), ".") {
			continue
		}
		key := filepath.Base(filepath.Dir(filepath.Dir(path))) + "/" + filepath.Base(filepath.Dir(path))
		f, err := results.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		if f.Kind.Numeric() {
			err = f.Scan(func(r int64, tm float64, v []float64) error {
				out[key] = append(out[key], row{r, tm, append([]float64(nil), v...), ""})
				return nil
			})
		} else {
			err = f.ScanRows(func(v []results.Value) error {
				out[key] = append(out[key], row{v[0].Int64(), v[1].Float64(), nil, fmt.Sprint(v)})
				return nil
			})
		}
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
	}
	for _, rows := range out {
		sort.SliceStable(rows, func(i, j int) bool {
			if rows[i].rep != rows[j].rep {
				return rows[i].rep < rows[j].rep
			}
			return rows[i].t < rows[j].t
		})
	}
	return out
}

// sameTables reports the first difference between two sets of tables.
func sameTables(a, b map[string][]row) error {
	if len(a) != len(b) {
		return fmt.Errorf("%d tables, want %d", len(b), len(a))
	}
	for key, ra := range a {
		rb := b[key]
		if len(ra) != len(rb) {
			return fmt.Errorf("%s: %d rows, want %d", key, len(rb), len(ra))
		}
		for i := range ra {
			x, y := ra[i], rb[i]
			eq := x.rep == y.rep && math.Float64bits(x.t) == math.Float64bits(y.t) && len(x.vals) == len(y.vals) && x.text == y.text
			for j := 0; eq && j < len(x.vals); j++ {
				eq = math.Float64bits(x.vals[j]) == math.Float64bits(y.vals[j]) || (math.IsNaN(x.vals[j]) && math.IsNaN(y.vals[j]))
			}
			if !eq {
				return fmt.Errorf("%s row %d: %v, want %v", key, i, y, x)
			}
		}
	}
	return nil
}

func allDone(t *testing.T, dir string, p Plan) {
	t.Helper()
	for _, st := range Status(dir, p, true) {
		if st.State != Done {
			t.Fatalf("condition %s part %d is %v: %s", st.Condition, st.Chunk, st.State, st.Why)
		}
	}
}

func visibleParquet(t *testing.T, dir string) []string {
	t.Helper()
	var names []string
	paths, _ := filepath.Glob(filepath.Join(dir, "*", "condition=*", "*.parquet"))
	for _, p := range paths {
		if !strings.HasPrefix(filepath.Base(p), ".") {
			rel, _ := filepath.Rel(dir, p)
			names = append(names, rel)
		}
	}
	sort.Strings(names)
	return names
}

func TestMergeDataInDataOut(t *testing.T) {
	p := tinyPlan(t)
	dir := runTiny(t, p)
	before := tables(t, dir)
	if n := len(visibleParquet(t, dir)); n != 20 {
		t.Fatalf("%d part files before merging, want 20", n)
	}
	rep, err := Merge(dir, MergeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Conditions != 2 || rep.FilesBefore != 20 || rep.FilesAfter != 4 || rep.Generation != 1 || rep.Unchanged {
		t.Errorf("report %+v", rep)
	}
	want := []string{
		"summary/condition=fast/part-00000-00004.parquet", "summary/condition=slow/part-00000-00004.parquet",
		"timeseries/condition=fast/part-00000-00004.parquet", "timeseries/condition=slow/part-00000-00004.parquet",
	}
	if got := visibleParquet(t, dir); strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("files after merge:\n%v\nwant\n%v", got, want)
	}
	if err := sameTables(before, tables(t, dir)); err != nil {
		t.Fatal("data out differs from data in: ", err)
	}
	if rep.Rows["summary"] != 20 {
		t.Errorf("summary rows %d, want 20", rep.Rows["summary"])
	}
	allDone(t, dir, p)
	if _, err := os.Stat(filepath.Join(dir, mergeDir)); !os.IsNotExist(err) {
		t.Errorf("%s left behind: %v", mergeDir, err)
	}
	man, err := ReadManifest(dir)
	if err != nil || man.Generation != 1 || man.Merged == "" || man.Format != ManifestFormat {
		t.Errorf("manifest after merge: %+v, %v", man, err)
	}
	f, err := results.Open(filepath.Join(dir, want[2]))
	if err != nil {
		t.Fatal(err)
	}
	if r, _ := f.Lookup(results.MetaReplicates); r != "0-9" {
		t.Errorf("replicates metadata %q, want 0-9", r)
	}
	if r, _ := f.Lookup(MetaMergedFrom); !strings.Contains(r, "5 files") {
		t.Errorf("%s = %q", MetaMergedFrom, r)
	}
	if r, _ := f.Lookup(results.MetaCondition); r != "fast" {
		t.Errorf("condition metadata %q", r)
	}
	f.Close()

	// Resume finds every part done and computes nothing.
	computed := 0
	if err := Run(context.Background(), dir, p, Options{Resume: true, OnPart: func(Unit, []montecarlo.Replicate) { computed++ }}); err != nil {
		t.Fatal(err)
	}
	if computed != 0 {
		t.Errorf("resume after merge recomputed %d parts", computed)
	}
	// A second merge has nothing to do.
	rep, err = Merge(dir, MergeOptions{})
	if err != nil || !rep.Unchanged {
		t.Errorf("second merge: %+v, %v", rep, err)
	}
}

func TestMergeMaxRowsAndRemerge(t *testing.T) {
	p := tinyPlan(t)
	dir := runTiny(t, p)
	before := tables(t, dir)
	f, err := results.Open(results.PartPath(dir, results.Timeseries, "slow", 0))
	if err != nil {
		t.Fatal(err)
	}
	perPart := f.NumRows()
	f.Close()
	// Two timeseries parts per file (3 files for 5 parts); summary parts
	// are small enough to fit one file.
	rep, err := Merge(dir, MergeOptions{MaxRows: 2 * perPart})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"summary/condition=fast/part-00000-00004.parquet", "summary/condition=slow/part-00000-00004.parquet",
		"timeseries/condition=fast/part-00000-00001.parquet", "timeseries/condition=fast/part-00002-00003.parquet", "timeseries/condition=fast/part-00004.parquet",
		"timeseries/condition=slow/part-00000-00001.parquet", "timeseries/condition=slow/part-00002-00003.parquet", "timeseries/condition=slow/part-00004.parquet",
	}
	if got := visibleParquet(t, dir); strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("files after merge (report %+v):\n%v\nwant\n%v", rep, got, want)
	}
	if err := sameTables(before, tables(t, dir)); err != nil {
		t.Fatal(err)
	}
	allDone(t, dir, p)
	// Merging the merged files again into one file per table.
	if _, err := Merge(dir, MergeOptions{}); err != nil {
		t.Fatal(err)
	}
	if got := len(visibleParquet(t, dir)); got != 4 {
		t.Errorf("%d files after the second merge, want 4", got)
	}
	if err := sameTables(before, tables(t, dir)); err != nil {
		t.Fatal(err)
	}
	allDone(t, dir, p)
	if man, _ := ReadManifest(dir); man.Generation != 2 {
		t.Errorf("generation %d after two merges", man.Generation)
	}
}

// copyTree copies a run directory.
func copyTree(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.Walk(src, func(path string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		to := filepath.Join(dst, rel)
		if info.IsDir() {
			return os.MkdirAll(to, 0o755)
		}
		in, err := os.Open(path)
		if err != nil {
			return err
		}
		defer in.Close()
		out, err := os.Create(to)
		if err != nil {
			return err
		}
		_, err = io.Copy(out, in)
		if cerr := out.Close(); err == nil {
			err = cerr
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestMergeCrashAtEveryStep stops a merge at each of its steps, as a crash
// would, and checks that the run is then either the old parts, all valid,
// or a pending merge that status reports and Run refuses; and that mc
// merge then finishes it with the data intact.
func TestMergeCrashAtEveryStep(t *testing.T) {
	p := tinyPlan(t)
	base := runTiny(t, p)
	want := tables(t, base)
	var steps []string
	probe := filepath.Join(t.TempDir(), "probe")
	copyTree(t, base, probe)
	record := MergeOptions{crashAt: func(s string) bool { steps = append(steps, s); return false }}
	if _, err := Merge(probe, record); err != nil {
		t.Fatal(err)
	}
	if len(steps) < 10 {
		t.Fatalf("only %d steps: %v", len(steps), steps)
	}
	for i, s := range steps {
		t.Run(fmt.Sprintf("%02d %s", i, s), func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "run")
			copyTree(t, base, dir)
			_, err := Merge(dir, MergeOptions{crashAt: func(x string) bool { return x == s }})
			if err != errCrash {
				t.Fatalf("merge returned %v, want the simulated crash", err)
			}
			got := tables(t, dir)
			if MergePending(dir) {
				// Committed: no duplicated rows under the glob; status
				// names the interrupted merge where parts look broken; Run
				// refuses to compute into the half-swapped run.
				for key, rows := range got {
					if len(rows) > len(want[key]) {
						t.Errorf("%s: %d rows visible, more than the %d of the run", key, len(rows), len(want[key]))
					}
				}
				for _, st := range Status(dir, p, true) {
					if st.State != Done && !strings.Contains(st.Why, "mc merge "+dir) {
						t.Errorf("part %s/%d %v without naming the merge: %q", st.Condition, st.Chunk, st.State, st.Why)
					}
				}
				if err := Run(context.Background(), dir, p, Options{Resume: true}); err == nil || !strings.Contains(err.Error(), "mc merge") {
					t.Errorf("Run into a half-merged run: %v", err)
				}
			} else {
				// Not committed, or finished but for the clean-up: valid.
				if err := sameTables(want, got); err != nil {
					t.Fatal(err)
				}
				allDone(t, dir, p)
			}
			rep, err := Merge(dir, MergeOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if err := sameTables(want, tables(t, dir)); err != nil {
				t.Fatal(err)
			}
			allDone(t, dir, p)
			if n := len(visibleParquet(t, dir)); n != 4 {
				t.Errorf("%d files after finishing the merge (report %+v)", n, rep)
			}
			if _, err := os.Stat(filepath.Join(dir, mergeDir)); !os.IsNotExist(err) {
				t.Errorf("%s left behind", mergeDir)
			}
		})
	}
}

func TestResumeRecomputesCorruptMergedFile(t *testing.T) {
	p := tinyPlan(t)
	dir := runTiny(t, p)
	want := tables(t, dir)
	if _, err := Merge(dir, MergeOptions{}); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "summary", "condition=slow", "part-00000-00004.parquet")
	flipByte(t, path)
	corrupt := 0
	for _, st := range Status(dir, p, true) {
		if st.State == Corrupt {
			corrupt++
			if !strings.Contains(st.Why, "does not match its checksum") {
				t.Errorf("why: %q", st.Why)
			}
		}
	}
	if corrupt != 5 {
		t.Errorf("%d corrupt parts, want the 5 of condition slow", corrupt)
	}
	if _, err := Merge(dir, MergeOptions{}); err == nil || !strings.Contains(err.Error(), "incomplete") {
		t.Errorf("merge of a corrupt run: %v", err)
	}
	if err := Run(context.Background(), dir, p, Options{Resume: true, Workers: 2}); err != nil {
		t.Fatal(err)
	}
	allDone(t, dir, p)
	if err := sameTables(want, tables(t, dir)); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(filepath.Dir(path), ".part-00000-00004.parquet.corrupt")); err != nil {
		t.Errorf("corrupt file not set aside: %v", err)
	}
	// The recomputed run merges again.
	if _, err := Merge(dir, MergeOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := sameTables(want, tables(t, dir)); err != nil {
		t.Fatal(err)
	}
	allDone(t, dir, p)
}

func TestMergeRefuses(t *testing.T) {
	p := tinyPlan(t)
	dir := runTiny(t, p)
	if err := os.Remove(recordPath(dir, "fast", 3)); err != nil {
		t.Fatal(err)
	}
	if _, err := Merge(dir, MergeOptions{}); err == nil || !strings.Contains(err.Error(), "missing condition=fast part 3") {
		t.Errorf("merge of an incomplete run: %v", err)
	}
	if err := Run(context.Background(), dir, p, Options{Resume: true}); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "timeseries", "condition=fast", "notes.txt"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Merge(dir, MergeOptions{}); err == nil || !strings.Contains(err.Error(), "notes.txt") {
		t.Errorf("merge over a foreign file: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, mergeDir)); !os.IsNotExist(err) {
		t.Errorf("a refused merge left %s", mergeDir)
	}
	if _, err := Merge(dir, MergeOptions{MaxRows: -1}); err == nil {
		t.Error("negative --max-rows accepted")
	}
}

// A part of a merged run whose record is lost is recomputed without
// duplicating the rows the merged file holds.
func TestResumeMergedRunWithLostRecord(t *testing.T) {
	p := tinyPlan(t)
	dir := runTiny(t, p)
	want := tables(t, dir)
	if _, err := Merge(dir, MergeOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(recordPath(dir, "fast", 2)); err != nil {
		t.Fatal(err)
	}
	if err := Run(context.Background(), dir, p, Options{Resume: true, Workers: 2}); err != nil {
		t.Fatal(err)
	}
	// Resume recomputes part 2, sets the merged files that hold it aside,
	// and so recomputes the other parts they held.
	allDone(t, dir, p)
	if err := sameTables(want, tables(t, dir)); err != nil {
		t.Fatal(err)
	}
}

// TestResumeOneTaskRestoresAMergedFile: when one task of an array finds a
// corrupt merged file, it recomputes every part that file held, including
// the parts of other tasks (which may already have exited), so the run is
// complete afterwards.
func TestResumeOneTaskRestoresAMergedFile(t *testing.T) {
	p := tinyPlan(t)
	dir := runTiny(t, p)
	want := tables(t, dir)
	if _, err := Merge(dir, MergeOptions{}); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "timeseries", "condition=slow", "part-00000-00004.parquet")
	flipByte(t, path)
	// Task 0 of 5 owns one part of each condition.
	if err := Run(context.Background(), dir, p, Options{Task: 0, Tasks: 5, Resume: true, Workers: 2}); err != nil {
		t.Fatal(err)
	}
	allDone(t, dir, p)
	if err := sameTables(want, tables(t, dir)); err != nil {
		t.Fatal(err)
	}
}

// TestResumeRefusesAnotherEngine: parts written by another engine version
// are not mixed with new ones.
func TestResumeRefusesAnotherEngine(t *testing.T) {
	p := tinyPlan(t)
	dir := runTiny(t, p)
	m, err := ReadManifest(dir)
	if err != nil {
		t.Fatal(err)
	}
	m.Engine = "0.0.1"
	b, _ := json.MarshalIndent(m, "", "  ")
	if err := os.WriteFile(filepath.Join(dir, "manifest.json"), b, 0o644); err != nil {
		t.Fatal(err)
	}
	err = Run(context.Background(), dir, p, Options{Resume: true, Workers: 2})
	if err == nil || !strings.Contains(err.Error(), "engine 0.0.1") {
		t.Errorf("resume across engine versions: %v", err)
	}
}

// flipByte corrupts the file at path by flipping the bits of its middle byte.
func flipByte(t *testing.T, path string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	b[len(b)/2] ^= 0xff
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}
