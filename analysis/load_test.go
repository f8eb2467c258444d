package analysis

import (
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/reuptake/reuptake/analysis/analysistest"
	"github.com/reuptake/reuptake/montecarlo/results"
)

// writeRun writes a synthetic run and fails the test on error.
func writeRun(t *testing.T, dir string, s analysistest.Spec) []string {
	t.Helper()
	paths, err := analysistest.Write(dir, s)
	if err != nil {
		t.Fatal(err)
	}
	return paths
}

// load resolves and loads args.
func load(t *testing.T, opts LoadOptions, args ...string) *Dataset {
	t.Helper()
	srcs, err := Resolve(args...)
	if err != nil {
		t.Fatal(err)
	}
	ds, err := Load(srcs, opts)
	if err != nil {
		t.Fatal(err)
	}
	return ds
}

func relNear(got, want, tol float64) bool {
	return math.Abs(got-want) <= tol*math.Max(1, math.Abs(want))
}

func quantityMean(t *testing.T, c *Condition, name string) float64 {
	t.Helper()
	q := c.Quantity(name)
	if q == nil {
		var have []string
		for _, q := range c.Quantities {
			have = append(have, q.Name)
		}
		t.Fatalf("no quantity %q in condition %s (have %s)", name, c.Name, strings.Join(have, ", "))
	}
	return Describe(q.Values).Mean
}

// TestLoadToyRun checks the per-replicate quantities and time courses of a
// synthetic run against hand-computed values.
func TestLoadToyRun(t *testing.T) {
	dir := t.TempDir()
	// 4 replicates in two parts: the rows of a condition span two files.
	writeRun(t, dir, analysistest.Spec{Replicates: 4, PerPart: 2})
	ds := load(t, LoadOptions{Workers: 2}, dir)
	if len(ds.Conditions) != 1 || len(ds.Files) != 4 {
		t.Fatalf("conditions %d, files %d; want 1 and 4", len(ds.Conditions), len(ds.Files))
	}
	c := ds.Conditions[0]
	if c.Name != "base" || len(c.Replicates) != 4 || c.Seeds[0] != "1" || c.ModelHash != "hash-base" {
		t.Fatalf("condition %+v", c)
	}
	if c.TimeseriesFiles != 2 || c.SummaryFiles != 2 || c.Rows != 4*101+4 {
		t.Errorf("files %d+%d, rows %d", c.TimeseriesFiles, c.SummaryFiles, c.Rows)
	}
	// Hand-computed: A = 1000 + 10r, τ = 0.2 + 0.01r for r = 0..3.
	checks := []struct {
		name string
		want float64
	}{
		{"peak_free_cleft", 1015},  // summary column
		{"decay_tau_ms", 0.215},    // summary column
		{"frac_transported", 0.25}, // summary column
		{"free_cleft.tau", 0.215},  // exponential fit of each replicate
		{"open_ampa.peak", 10},     // 10·t/0.2·e^(1−t/0.2) peaks at 10
		{"open_ampa.t_peak", 0.2},  // at t = 0.2 ms
		{"current_pA.peak", -7},    // inward: the minimum
		{"current_pA.t_peak", 0.2},
	}
	for _, ck := range checks {
		if got := quantityMean(t, c, ck.name); !relNear(got, ck.want, 1e-6) {
			t.Errorf("%s: mean %.9g, want %.9g", ck.name, got, ck.want)
		}
	}
	// Transported at the end (t = 1 ms): 0.25·A·(1 − e^(−1/τ)), averaged.
	var want float64
	for r := range 4 {
		want += 0.25 * analysistest.ToyA(0, r) * (1 - math.Exp(-1/analysistest.ToyTau(0, r))) / 4
	}
	if got := quantityMean(t, c, "transported.peak"); !relNear(got, want, 1e-9) {
		t.Errorf("transported.peak mean %.9g, want %.9g", got, want)
	}
	// Charge: −0.7 ∫₀¹ 10·(t/0.2)·e^(1−t/0.2) dt = −0.7·10·e·0.2·(1 − 6e^−5),
	// up to the trapezoid rule's error.
	wantQ := -0.7 * 10 * math.E * 0.2 * (1 - 6*math.Exp(-5))
	if got := quantityMean(t, c, "current_pA.charge"); !relNear(got, wantQ, 1e-3) {
		t.Errorf("current_pA.charge mean %.6g, want %.6g", got, wantQ)
	}
	if !c.Down["current_pA"] || c.Down["free_cleft"] {
		t.Errorf("Down = %v", c.Down)
	}
	// The summary already has peak_free_cleft: free_cleft.peak is not repeated.
	if c.Quantity("free_cleft.peak") != nil {
		t.Error("free_cleft.peak duplicates the summary's peak_free_cleft")
	}
	// Course of free_cleft: at t = 0 the mean is mean(A) = 1015 with SE
	// 10·sd(0..3)/2; at t = 0.5 ms the mean of A·e^(−0.5/τ).
	b := c.Courses["free_cleft"]
	if len(b.T) != 101 || b.T[0] != 0 || b.N[0] != 4 {
		t.Fatalf("band: %d times, first %v with n %d", len(b.T), b.T[0], b.N[0])
	}
	if !relNear(b.Mean[0], 1015, 1e-12) || !relNear(b.SE[0], 10*math.Sqrt(5.0/3)/2, 1e-12) {
		t.Errorf("band at 0: mean %v se %v", b.Mean[0], b.SE[0])
	}
	var m50 float64
	for r := range 4 {
		m50 += analysistest.ToyA(0, r) * math.Exp(-b.T[50]/analysistest.ToyTau(0, r)) / 4
	}
	if !relNear(b.Mean[50], m50, 1e-12) {
		t.Errorf("band at %v: mean %v, want %v", b.T[50], b.Mean[50], m50)
	}
	// The replicate order of rows does not matter, nor the number of workers.
	ds1 := load(t, LoadOptions{Workers: 1}, dir)
	if got, want := quantityMean(t, ds1.Conditions[0], "free_cleft.tau"), quantityMean(t, c, "free_cleft.tau"); got != want {
		t.Errorf("1 worker: %v, 2 workers: %v", got, want)
	}
}

// TestLoadFatesFromTimeseries derives fate fractions when there is no
// summary table.
func TestLoadFatesFromTimeseries(t *testing.T) {
	dir := t.TempDir()
	writeRun(t, dir, analysistest.Spec{Replicates: 3, NoSummary: true})
	ds := load(t, LoadOptions{}, dir)
	c := ds.Conditions[0]
	var wantT, wantE float64
	for r := range 3 {
		f := 1 - math.Exp(-1/analysistest.ToyTau(0, r))
		wantT += 0.25 * f / 3
		wantE += 0.75 * f / 3
	}
	if got := quantityMean(t, c, "frac_transported"); !relNear(got, wantT, 1e-12) {
		t.Errorf("frac_transported %v, want %v", got, wantT)
	}
	if got := quantityMean(t, c, "frac_escaped"); !relNear(got, wantE, 1e-12) {
		t.Errorf("frac_escaped %v, want %v", got, wantE)
	}
	if q := c.Quantity("frac_transported"); q.Source != "timeseries" {
		t.Errorf("source %q", q.Source)
	}
	// Without a summary, the free_cleft peak comes from the time series.
	if got := quantityMean(t, c, "free_cleft.peak"); !relNear(got, 1010, 1e-12) {
		t.Errorf("free_cleft.peak %v, want 1010", got)
	}
}

// TestLoadSelection checks --observable patterns and the missing-observable
// error.
func TestLoadSelection(t *testing.T) {
	dir := t.TempDir()
	writeRun(t, dir, analysistest.Spec{Replicates: 2})
	ds := load(t, LoadOptions{Observables: []string{"open_*"}}, dir)
	c := ds.Conditions[0]
	if len(c.Observables) != 1 || c.Observables[0].Name != "open_ampa" {
		t.Fatalf("observables %v", c.Observables)
	}
	for _, q := range c.Quantities {
		if !strings.HasPrefix(q.Name, "open_ampa") {
			t.Errorf("unexpected quantity %s", q.Name)
		}
	}
	// free_cleft selects the related summary column peak_free_cleft.
	ds = load(t, LoadOptions{Observables: []string{"free_cleft"}}, dir)
	if ds.Conditions[0].Quantity("peak_free_cleft") == nil || ds.Conditions[0].Quantity("free_cleft.tau") == nil {
		t.Error("free_cleft should select peak_free_cleft and free_cleft.tau")
	}
	srcs, _ := Resolve(dir)
	_, err := Load(srcs, LoadOptions{Observables: []string{"free_cleft", "glutamate_nope"}})
	var mo *MissingObservableError
	if !errors.As(err, &mo) {
		t.Fatalf("want MissingObservableError, got %v", err)
	}
	msg := err.Error()
	for _, s := range []string{`"glutamate_nope"`, "free_cleft", "open_ampa", "decay_tau_ms"} {
		if !strings.Contains(msg, s) {
			t.Errorf("message %q lacks %s", msg, s)
		}
	}
	_, err = Load(srcs, LoadOptions{Conditions: []string{"drug"}})
	var mc *MissingConditionError
	if !errors.As(err, &mc) || !strings.Contains(err.Error(), "base") {
		t.Errorf("want MissingConditionError listing base, got %v", err)
	}
}

// TestLoadBadFiles covers empty, zero-row and corrupt files, with and
// without SkipBad.
func TestLoadBadFiles(t *testing.T) {
	dir := t.TempDir()
	paths := writeRun(t, dir, analysistest.Spec{Replicates: 4, PerPart: 2})
	cdir := filepath.Join(dir, "timeseries", "condition=base")
	empty := filepath.Join(cdir, "part-00007.parquet")
	if err := os.WriteFile(empty, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	zero := filepath.Join(cdir, "part-00008.parquet")
	w, err := results.Create(zero, results.Timeseries, analysistest.ToyColumns, map[string]string{results.MetaModelHash: "hash-base"})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	// A copy of a good part with its middle overwritten: the footer reads,
	// the pages do not.
	data, err := os.ReadFile(paths[0])
	if err != nil {
		t.Fatal(err)
	}
	for i := 64; i < len(data)/2; i++ {
		data[i] = byte(i * 7)
	}
	corrupt := filepath.Join(cdir, "part-00009.parquet")
	if err := os.WriteFile(corrupt, data, 0o644); err != nil {
		t.Fatal(err)
	}

	srcs, err := Resolve(dir)
	if err != nil {
		t.Fatal(err)
	}
	_, err = Load(srcs, LoadOptions{})
	var bf *BadFilesError
	if !errors.As(err, &bf) {
		t.Fatalf("want BadFilesError, got %v", err)
	}
	for _, p := range []string{empty, zero} {
		if !strings.Contains(err.Error(), p) {
			t.Errorf("error %q does not name %s", err, p)
		}
	}
	ds, err := Load(srcs, LoadOptions{SkipBad: true})
	if err != nil {
		t.Fatal(err)
	}
	skipped := map[string]bool{}
	for _, b := range ds.Skipped {
		skipped[b.Path] = true
	}
	if !skipped[empty] || !skipped[zero] || !skipped[corrupt] || len(ds.Skipped) != 3 {
		t.Errorf("skipped %v", ds.Skipped)
	}
	c := ds.Conditions[0]
	if len(c.Replicates) != 4 || !relNear(quantityMean(t, c, "free_cleft.tau"), 0.215, 1e-6) {
		t.Errorf("after skipping: %d replicates, tau %v", len(c.Replicates), quantityMean(t, c, "free_cleft.tau"))
	}
	// The corrupt file alone, without SkipBad, is named.
	_, err = Load([]Source{{Path: corrupt, Condition: "base"}}, LoadOptions{})
	if err == nil || !strings.Contains(err.Error(), corrupt) {
		t.Errorf("corrupt file: %v", err)
	}
}

// TestLoadMixedModels rejects files of one condition from different models
// and names them.
func TestLoadMixedModels(t *testing.T) {
	a, b := t.TempDir(), t.TempDir()
	pa := writeRun(t, a, analysistest.Spec{Replicates: 2})
	pb := writeRun(t, b, analysistest.Spec{Replicates: 2, FirstReplicate: 2, ModelHash: func(string) string { return "other-model" }})
	srcs, err := Resolve(a, b)
	if err != nil {
		t.Fatal(err)
	}
	_, err = Load(srcs, LoadOptions{})
	var mm *MixedModelsError
	if !errors.As(err, &mm) {
		t.Fatalf("want MixedModelsError, got %v", err)
	}
	for _, p := range append(pa, pb...) {
		if !strings.Contains(err.Error(), p) {
			t.Errorf("error does not name %s:\n%v", p, err)
		}
	}
	// Same model, same replicate indices in two files: duplicate replicate.
	c := t.TempDir()
	writeRun(t, c, analysistest.Spec{Replicates: 2})
	srcs, _ = Resolve(a, c)
	_, err = Load(srcs, LoadOptions{})
	var dr *DuplicateReplicateError
	if !errors.As(err, &dr) {
		t.Errorf("want DuplicateReplicateError, got %v", err)
	}
	// Same model, distinct replicates (two tasks): one condition of 4.
	d := t.TempDir()
	writeRun(t, d, analysistest.Spec{Replicates: 2, FirstReplicate: 2})
	ds := load(t, LoadOptions{}, a, d)
	if n := len(ds.Conditions[0].Replicates); n != 4 {
		t.Errorf("two tasks: %d replicates, want 4", n)
	}
}

// TestLoadSweepOrder orders the conditions of a sweep by dose.
func TestLoadSweepOrder(t *testing.T) {
	dir := t.TempDir()
	writeRun(t, dir, analysistest.Spec{Replicates: 2, Conditions: []string{"drug.x@10uM", "drug.x@1uM", "drug.x@100nM"}})
	ds := load(t, LoadOptions{}, dir)
	got := strings.Join(ds.ConditionNames(), " ")
	if got != "drug.x@100nM drug.x@1uM drug.x@10uM" {
		t.Errorf("order %s", got)
	}
}

func TestResolve(t *testing.T) {
	dir := t.TempDir()
	writeRun(t, dir, analysistest.Spec{Replicates: 2, Conditions: []string{"a", "b"}})
	// Hidden temporary files and other files are ignored.
	os.WriteFile(filepath.Join(dir, "timeseries", "condition=a", ".part-00001.parquet.tmp-1"), []byte("x"), 0o644)
	os.WriteFile(filepath.Join(dir, "manifest.json"), []byte("{}"), 0o644)
	cases := []struct {
		args []string
		n    int
	}{
		{[]string{dir}, 4},
		{[]string{filepath.Join(dir, "condition=a")}, 2},
		{[]string{filepath.Join(dir, "timeseries", "condition=b")}, 1},
		{[]string{filepath.Join(dir, "**", "*.parquet")}, 4},
		{[]string{filepath.Join(dir, "summary", "*")}, 2},
		{[]string{dir, filepath.Join(dir, "condition=a")}, 4}, // duplicates kept once
	}
	for _, c := range cases {
		srcs, err := Resolve(c.args...)
		if err != nil {
			t.Errorf("%v: %v", c.args, err)
			continue
		}
		if len(srcs) != c.n {
			t.Errorf("%v: %d files, want %d", c.args, len(srcs), c.n)
		}
		for _, s := range srcs {
			if s.Condition != "a" && s.Condition != "b" {
				t.Errorf("%s: condition %q", s.Path, s.Condition)
			}
		}
	}
	for _, bad := range []string{filepath.Join(dir, "nope"), filepath.Join(dir, "*.csv"), filepath.Join(dir, "condition=zz")} {
		if _, err := Resolve(bad); err == nil {
			t.Errorf("%s: no error", bad)
		}
	}
	_, err := Resolve(filepath.Join(dir, "condition=zz"))
	if err == nil || !strings.Contains(err.Error(), "a, b") {
		t.Errorf("missing condition error should list a, b: %v", err)
	}
}

func TestResolveConditions(t *testing.T) {
	present := []string{"base", "a@1,b@2", "a@1,b@3", "a@1", "ctrl", "drug"}
	cases := []struct {
		req           []string
		want, missing string
	}{
		{[]string{"ctrl,drug"}, "ctrl|drug", ""},
		{[]string{"drug", "ctrl"}, "drug|ctrl", ""},
		{[]string{"a@1,b@2,a@1,b@3"}, "a@1,b@2|a@1,b@3", ""},
		{[]string{"a@1,ctrl"}, "a@1|ctrl", ""},
		{[]string{"a@1,b@2", "nope,base"}, "a@1,b@2|base", "nope"},
	}
	for _, c := range cases {
		got, missing := ResolveConditions(c.req, present)
		if strings.Join(got, "|") != c.want || strings.Join(missing, "|") != c.missing {
			t.Errorf("%v: %v, missing %v; want %s, missing %s", c.req, got, missing, c.want, c.missing)
		}
	}
}
