package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/reuptake/reuptake/analysis/analysistest"
)

// execMC runs the mc command line with args.
func execMC(t *testing.T, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	root := newRootCmd()
	var out, errb bytes.Buffer
	root.SetOut(&out)
	root.SetErr(&errb)
	root.SetArgs(args)
	err = root.Execute()
	return out.String(), errb.String(), err
}

// toyRun writes a synthetic run and returns its directory.
func toyRun(t *testing.T, s analysistest.Spec) string {
	t.Helper()
	dir := t.TempDir()
	if _, err := analysistest.Write(dir, s); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestAnalyzeText(t *testing.T) {
	dir := toyRun(t, analysistest.Spec{Replicates: 4, PerPart: 2})
	out, _, err := execMC(t, "analyze", dir, "--bootstrap", "200")
	if err != nil {
		t.Fatal(err)
	}
	// Hand-computed: A = 1000 + 10r and τ = 0.2 + 0.01r for r = 0..3.
	for _, want := range []string{
		"inputs: 4 file(s), 1 condition(s), 4 replicate(s)",
		"condition base: 4 replicate(s)",
		"peak_free_cleft", "1015",
		"free_cleft.tau", "0.215",
		"current_pA.peak", "-7",
		"clearance: exponential fits of the mean free_cleft",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

func TestAnalyzeJSONAndCSV(t *testing.T) {
	dir := toyRun(t, analysistest.Spec{Replicates: 4, Conditions: []string{"a", "b"}})
	out, _, err := execMC(t, "analyze", dir, "--format", "json", "--observable", "free_cleft")
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string][]map[string]any
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("invalid JSON: %v\n%s", err, out)
	}
	means := map[string]float64{}
	for _, row := range doc["stats"] {
		means[row["condition"].(string)+"/"+row["quantity"].(string)] = row["mean"].(float64)
	}
	// Condition b (index 1): A = 1100 + 10r, τ = 0.25 + 0.01r.
	for k, want := range map[string]float64{"a/peak_free_cleft": 1015, "b/peak_free_cleft": 1115, "b/free_cleft.tau": 0.265} {
		if got := means[k]; got < want-1e-6 || got > want+1e-6 {
			t.Errorf("%s = %v, want %v", k, got, want)
		}
	}
	if len(doc["clearance"]) != 4 {
		t.Errorf("%d clearance rows", len(doc["clearance"]))
	}

	path := filepath.Join(t.TempDir(), "course.csv")
	if _, _, err := execMC(t, "analyze", dir, "--table", "course", "--format", "csv", "--observable", "open_ampa", "-o", path); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(recs[0], ",") != "condition,observable,unit,t_ms,n,mean,se,ci95_lo,ci95_hi" || len(recs) != 1+2*101 {
		t.Errorf("course csv: %v, %d records", recs[0], len(recs))
	}
	// Written through a temporary file renamed into place: nothing else is left.
	if left, _ := os.ReadDir(filepath.Dir(path)); len(left) != 1 {
		t.Errorf("files beside the output: %v, want only course.csv", left)
	}
}

func TestAnalyzeBadInput(t *testing.T) {
	dir := toyRun(t, analysistest.Spec{Replicates: 2})
	empty := filepath.Join(dir, "timeseries", "condition=base", "part-00001.parquet")
	if err := os.WriteFile(empty, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	_, _, err := execMC(t, "analyze", dir)
	if exitCode(err) != exitFailure || !strings.Contains(err.Error(), empty) || !strings.Contains(err.Error(), "--skip-bad") {
		t.Errorf("empty file: %v", err)
	}
	out, stderr, err := execMC(t, "analyze", dir, "--skip-bad")
	if err != nil || !strings.Contains(stderr, "skipped "+empty) || !strings.Contains(out, "1 bad file(s) skipped") {
		t.Errorf("--skip-bad: %v\nstderr: %s", err, stderr)
	}
	os.Remove(empty)

	_, _, err = execMC(t, "analyze", dir, "--observable", "glutamate")
	if exitCode(err) != exitUsage || !strings.Contains(err.Error(), "free_cleft, open_ampa") {
		t.Errorf("missing observable: %v", err)
	}
	other := toyRun(t, analysistest.Spec{Replicates: 2, FirstReplicate: 2, ModelHash: func(string) string { return "another" }})
	_, _, err = execMC(t, "analyze", dir, other)
	if exitCode(err) != exitFailure || !strings.Contains(err.Error(), "mixes files from 2 different models") || !strings.Contains(err.Error(), other) {
		t.Errorf("mixed models: %v", err)
	}
	_, _, err = execMC(t, "analyze", dir, "--format", "xml")
	if exitCode(err) != exitUsage {
		t.Errorf("bad format: %v", err)
	}
	_, _, err = execMC(t, "analyze", filepath.Join(dir, "nope"))
	if exitCode(err) != exitUsage {
		t.Errorf("missing path: %v", err)
	}
}
