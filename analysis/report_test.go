package analysis

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/reuptake/reuptake/analysis/analysistest"
	"github.com/reuptake/reuptake/montecarlo/results"
)

// twoExpSpec is a run whose free_cleft decays as 800·e^(−t/0.1) +
// 200·e^(−t/0.6) plus Gaussian noise of SD sigma, the same for every
// replicate but for the noise.
func twoExpSpec(reps int, sigma float64) analysistest.Spec {
	return analysistest.Spec{
		Replicates: reps, Samples: 301, Dt: 0.01, NoSummary: true,
		Columns: []results.Column{{Name: "free_cleft", Unit: "molecules"}},
		Series: func(_ string, _, rep int, t float64, out []float64) {
			rng := rand.New(rand.NewPCG(uint64(rep), math.Float64bits(t)))
			out[0] = 800*math.Exp(-t/0.1) + 200*math.Exp(-t/0.6) + sigma*rng.NormFloat64()
		},
	}
}

// TestSummarizeClearance recovers the time constants of the mean clearance
// curve (double exponential) and of each replicate (single exponential).
func TestSummarizeClearance(t *testing.T) {
	dir := t.TempDir()
	writeRun(t, dir, twoExpSpec(16, 5))
	r, err := Analyze([]string{dir}, Options{Resamples: 200, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Clearance) != 1 {
		t.Fatalf("%d clearance fits", len(r.Clearance))
	}
	f := r.Clearance[0]
	if f.Err2 != nil || f.TPeak != 0 || f.N != 301 {
		t.Fatalf("exp2: %v, t_peak %v, n %d", f.Err2, f.TPeak, f.N)
	}
	for _, c := range []struct {
		p     Param
		truth float64
	}{{f.Exp2.Tau1, 0.1}, {f.Exp2.Tau2, 0.6}, {f.Exp2.A1, 800}, {f.Exp2.A2, 200}} {
		if !(c.p.Lo < c.truth && c.truth < c.p.Hi) || math.Abs(c.p.Value/c.truth-1) > 0.05 {
			t.Errorf("parameter %.4g [%.4g, %.4g], want %g", c.p.Value, c.p.Lo, c.p.Hi, c.truth)
		}
	}
	// A single exponential is a worse description of the same curve.
	if !(f.Exp1.R2 < f.Exp2.R2) {
		t.Errorf("R² exp1 %v ≥ exp2 %v", f.Exp1.R2, f.Exp2.R2)
	}

	// Single exponential per replicate: τ = 0.25 ms exactly recovered.
	dir = t.TempDir()
	writeRun(t, dir, analysistest.Spec{
		Replicates: 5, Samples: 201, NoSummary: true,
		Columns: []results.Column{{Name: "free_total", Unit: "molecules"}},
		Series: func(_ string, _, rep int, t float64, out []float64) {
			rng := rand.New(rand.NewPCG(uint64(rep), math.Float64bits(t)))
			out[0] = 2000*math.Exp(-t/0.25) + 3*rng.NormFloat64()
		},
	})
	r, err = Analyze([]string{dir}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if r.Clearance[0].Observable != "free_total" {
		t.Errorf("clearance observable %q, want free_total (no free_cleft)", r.Clearance[0].Observable)
	}
	for _, s := range r.Stats {
		if s.Quantity.Name != "free_total.tau" {
			continue
		}
		if math.Abs(s.Mean-0.25) > 0.002 || !(s.CI95[0] < 0.25 && 0.25 < s.CI95[1]) {
			t.Errorf("per-replicate tau %v [%v, %v], want 0.25", s.Mean, s.CI95[0], s.CI95[1])
		}
	}
	if e := r.Clearance[0].Exp1; math.Abs(e.Tau.Value-0.25) > 0.002 {
		t.Errorf("mean-curve tau %v, want 0.25", e.Tau.Value)
	}
}

// TestSummarizeStats checks Describe and the bootstrap interval per
// quantity on the toy run.
func TestSummarizeStats(t *testing.T) {
	dir := t.TempDir()
	writeRun(t, dir, analysistest.Spec{Replicates: 6})
	opts := Options{Resamples: 500, Seed: 9}
	r, err := Analyze([]string{dir}, opts)
	if err != nil {
		t.Fatal(err)
	}
	var s *QuantityStats
	for i := range r.Stats {
		if r.Stats[i].Quantity.Name == "peak_free_cleft" {
			s = &r.Stats[i]
		}
	}
	if s == nil {
		t.Fatal("no peak_free_cleft")
	}
	// A = 1000 + 10r, r = 0..5: mean 1025, SD 10·√3.5, median 1025.
	if s.N != 6 || s.Mean != 1025 || math.Abs(s.SD-10*math.Sqrt(3.5)) > 1e-9 || s.Median != 1025 || s.Q25 != 1012.5 {
		t.Errorf("stats %+v", s.Summary)
	}
	if !(s.BootLo < s.Mean && s.Mean < s.BootHi) || s.BootLo < s.Min || s.BootHi > s.Max {
		t.Errorf("bootstrap [%v, %v] around %v", s.BootLo, s.BootHi, s.Mean)
	}
	lo, hi := BootstrapCI(s.Quantity.Values, mean, 0.95, 500, 9)
	if lo != s.BootLo || hi != s.BootHi {
		t.Errorf("bootstrap not reproducible: [%v, %v] vs [%v, %v]", s.BootLo, s.BootHi, lo, hi)
	}
	r2, _ := Analyze([]string{dir}, Options{Resamples: -1})
	if !math.IsNaN(r2.Stats[0].BootLo) {
		t.Error("bootstrap off still gives an interval")
	}
}

func TestReportTables(t *testing.T) {
	dir := t.TempDir()
	writeRun(t, dir, analysistest.Spec{Replicates: 3, Conditions: []string{"a", "b"}})
	r, err := Analyze([]string{dir}, Options{Resamples: 100})
	if err != nil {
		t.Fatal(err)
	}
	// JSON: one object with a key per table.
	tabs, err := r.Tables("json", []string{"inputs", "stats", "clearance", "course"})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := WriteTables(&buf, "json", tabs); err != nil {
		t.Fatal(err)
	}
	var doc map[string][]map[string]any
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatalf("invalid JSON: %v\n%s", err, buf.String())
	}
	if len(doc["inputs"]) != 2 || len(doc["clearance"]) != 4 || len(doc["course"]) != 2*6*101 {
		t.Errorf("rows: inputs %d, clearance %d, course %d", len(doc["inputs"]), len(doc["clearance"]), len(doc["course"]))
	}
	found := false
	for _, row := range doc["stats"] {
		if row["condition"] == "b" && row["quantity"] == "peak_free_cleft" {
			found = true
			if row["mean"] != 1110.0 || row["n"] != 3.0 {
				t.Errorf("b peak_free_cleft row %v", row)
			}
		}
	}
	if !found {
		t.Error("no stats row for b / peak_free_cleft")
	}

	// CSV: a single table is plain CSV.
	tabs, _ = r.Tables("csv", []string{"stats"})
	buf.Reset()
	if err := WriteTables(&buf, "csv", tabs); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if recs[0][0] != "condition" || len(recs) != 1+2*len(r.Conditions[0].Quantities) {
		t.Errorf("csv: header %v, %d records", recs[0], len(recs))
	}
	// Several CSV tables come as commented blocks.
	tabs, _ = r.Tables("csv", nil)
	buf.Reset()
	WriteTables(&buf, "csv", tabs)
	if !strings.HasPrefix(buf.String(), "# inputs: ") || !strings.Contains(buf.String(), "\n# stats: ") {
		t.Errorf("csv blocks:\n%.300s", buf.String())
	}
	// Text: one stats table per condition, 4 significant digits.
	tabs, _ = r.Tables("text", nil)
	buf.Reset()
	WriteTables(&buf, "text", tabs)
	out := buf.String()
	for _, s := range []string{"condition a: 3 replicate(s)", "condition b: 3 replicate(s)", "clearance: exponential fits", "free_cleft.tau"} {
		if !strings.Contains(out, s) {
			t.Errorf("text output lacks %q", s)
		}
	}
	// Markdown tables.
	tabs, _ = r.Tables("markdown", []string{"stats"})
	buf.Reset()
	WriteTables(&buf, "markdown", tabs)
	if !strings.Contains(buf.String(), "| quantity | unit | n | mean |") {
		t.Errorf("markdown:\n%.400s", buf.String())
	}
	if _, err := r.Tables("text", []string{"nope"}); err == nil {
		t.Error("unknown table accepted")
	}
}
