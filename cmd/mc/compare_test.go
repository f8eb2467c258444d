package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/reuptake/reuptake/analysis/analysistest"
)

// contrastRows parses the contrasts of mc compare --format json.
func contrastRows(t *testing.T, out string) (map[string]map[string]any, map[string][]map[string]any) {
	t.Helper()
	var doc map[string][]map[string]any
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("invalid JSON: %v\n%s", err, out)
	}
	rows := map[string]map[string]any{}
	for _, r := range doc["contrasts"] {
		rows[r["quantity"].(string)] = r
	}
	return rows, doc
}

func TestCompareConditions(t *testing.T) {
	dir := toyRun(t, analysistest.Spec{Replicates: 5, Conditions: []string{"control", "drug"}})
	for _, args := range [][]string{
		{"compare", dir, "--conditions", "control,drug"},
		{"compare", filepath.Join(dir, "condition=control"), filepath.Join(dir, "condition=drug")},
		{"compare", dir}, // the first condition by name is the reference
	} {
		out, _, err := execMC(t, append(args, "--format", "json")...)
		if err != nil {
			t.Fatalf("%v: %v", args, err)
		}
		rows, _ := contrastRows(t, out)
		// drug (index 1) has A larger by 100 in every replicate: a paired
		// difference of exactly 100; τ larger by 0.05.
		r := rows["peak_free_cleft"]
		if r == nil || r["method"] != "paired t" || r["diff"] != 100.0 || r["significant"] != "yes" || r["reference"] != "control" {
			t.Errorf("%v: peak_free_cleft row %v", args, r)
		}
		if d := rows["free_cleft.tau"]["diff"].(float64); d < 0.05-1e-6 || d > 0.05+1e-6 {
			t.Errorf("%v: tau diff %v, want 0.05", args, d)
		}
	}
	// Text output names the pairing.
	out, _, err := execMC(t, "compare", dir, "--observable", "free_cleft")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "drug − control (reference): paired t: common random numbers (seed 1, 5 common replicates)") {
		t.Errorf("text output:\n%s", out)
	}
	// --reference, and errors.
	out, _, err = execMC(t, "compare", dir, "--reference", "drug", "--format", "json")
	if err != nil {
		t.Fatal(err)
	}
	if rows, _ := contrastRows(t, out); rows["peak_free_cleft"]["diff"] != -100.0 {
		t.Errorf("reference drug: %v", rows["peak_free_cleft"])
	}
	if _, _, err := execMC(t, "compare", toyRun(t, analysistest.Spec{Replicates: 2})); exitCode(err) != exitUsage || !strings.Contains(err.Error(), "nothing to compare") {
		t.Errorf("one condition: %v", err)
	}
	if _, _, err := execMC(t, "compare", dir, "--conditions", "control,placebo"); exitCode(err) != exitUsage {
		t.Errorf("unknown condition: %v", err)
	}
}

func TestCompareRuns(t *testing.T) {
	a := toyRun(t, analysistest.Spec{Replicates: 6})
	// Condition drug is the second of its run: A larger by 100.
	b := toyRun(t, analysistest.Spec{Replicates: 6, Seed: "2", Conditions: []string{"control", "drug"}})
	out, _, err := execMC(t, "compare", a, filepath.Join(b, "condition=drug"), "--format", "json", "--alpha", "0.01")
	if err != nil {
		t.Fatal(err)
	}
	rows, doc := contrastRows(t, out)
	r := rows["peak_free_cleft"]
	if r["method"] != "Welch t" || r["reference"] != "base" || r["condition"] != "drug" || r["diff"] != 100.0 {
		t.Errorf("two runs: %v", r)
	}
	if len(doc["inputs"]) != 2 {
		t.Errorf("%d inputs rows", len(doc["inputs"]))
	}
}

func TestCompareSweep(t *testing.T) {
	dir := toyRun(t, analysistest.Spec{Replicates: 4,
		Conditions: []string{"baths.glu.concentration@1uM", "baths.glu.concentration@3uM", "baths.glu.concentration@10uM", "baths.glu.concentration@30uM"}})
	out, _, err := execMC(t, "compare", dir, "--format", "json", "--km", "--rate-window", "0.1")
	if err != nil {
		t.Fatal(err)
	}
	_, doc := contrastRows(t, out)
	if len(doc["dose"]) == 0 {
		t.Error("no dose–response table")
	}
	found := false
	for _, r := range doc["dose"] {
		if r["quantity"] == "peak_free_cleft" {
			found = true
			if r["doses"] != 4.0 || r["direction"] != "increasing" {
				t.Errorf("dose row %v", r)
			}
		}
	}
	if !found {
		t.Error("no dose row for peak_free_cleft")
	}
	if len(doc["uptake"]) != 1 || doc["uptake"][0]["rate"] != "transported.rate0" || doc["uptake"][0]["substrate"] != "baths.glu.concentration" {
		t.Errorf("uptake: %v", doc["uptake"])
	}
	if len(doc["contrasts"]) == 0 || doc["contrasts"][0]["reference"] != "baths.glu.concentration@1uM" {
		t.Errorf("the lowest dose should be the reference: %v", doc["contrasts"][0])
	}
}
