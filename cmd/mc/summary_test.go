package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/reuptake/reuptake/analysis/analysistest"
	"github.com/reuptake/reuptake/montecarlo/batch"
)

// TestPrintedSummary checks mc run's printed summary on a run whose files
// record column labels: each row has the label, mean ± SE as analysis
// computes it, the unit as people read it and the column's name; fractions
// stay fractions (no "%"), as in the files.
func TestPrintedSummary(t *testing.T) {
	dir := toyRun(t, analysistest.Spec{Replicates: 4, Columns: analysistest.RoledColumns, Series: analysistest.Toy,
		SummaryColumns: analysistest.RoledSummaryColumns, Summary: analysistest.ToySummary})
	ds, err := loadSummaries(dir)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	writeSummaryText(&b, batch.Plan{Replicates: 4, Conditions: []batch.Condition{{Name: "base"}}}, ds)
	out := b.String()
	// decay_tau_ms is ToyTau(0, r) = 0.2 + 0.01·r, r = 0..3: mean 0.215,
	// SE = sd/2 = 0.01·√(5/3)/2 ≈ 0.0065.
	for _, want := range []string{
		"condition base (4 replicates): mean ± SE over replicates",
		"clearance time constant", "0.215 ± 0.0065", "ms", "decay_tau_ms",
		"fraction taken up", "0.25 ± 0", "frac_transported",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("no %q in\n%s", want, out)
		}
	}
	if strings.Contains(out, "%") {
		t.Errorf("a percentage in the summary:\n%s", out)
	}
}
