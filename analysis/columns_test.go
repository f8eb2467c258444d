package analysis

import (
	"math"
	"testing"

	"github.com/reuptake/reuptake/analysis/analysistest"
	"github.com/reuptake/reuptake/montecarlo/results"
)

func TestPrettyUnit(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"uM", "µM"}, {"um^2/ms", "µm²/ms"}, {"um", "µm"}, {"us", "µs"}, {"/um^2", "/µm²"}, {"um^-3", "µm⁻³"},
		{"1", ""}, {"count", ""}, {"", ""}, {"pA", "pA"}, {"fC", "fC"}, {"ms", "ms"}, {"mM", "mM"}, {"1/ms", "1/ms"},
		{"molecules/ms", "molecules/ms"}, {"nM", "nM"}, {"a^", "a^"},
	} {
		if got := PrettyUnit(tt.in); got != tt.want {
			t.Errorf("PrettyUnit(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	if got := AxisLabel("diffusion coefficient", "um^2/ms"); got != "diffusion coefficient (µm²/ms)" {
		t.Errorf("AxisLabel = %q", got)
	}
}

func TestRoleAndLabelOf(t *testing.T) {
	for _, tt := range []struct {
		c     results.Column
		role  results.Role
		label string
	}{
		// Recorded roles and labels win over the name.
		{results.Column{Name: "free_cleft", Role: results.RoleCount, Label: "free glutamate in the cleft"}, results.RoleCount, "free glutamate in the cleft"},
		{results.Column{Name: "frac_x", Role: results.RoleFate}, results.RoleFate, "frac x"},
		{results.Column{Name: "x", Role: "brand-new"}, results.RoleOther, "x"},
		// Old files: from the name and unit.
		{results.Column{Name: "frac_transported", Unit: "1"}, results.RoleFraction, "frac transported"},
		{results.Column{Name: "current_pA", Unit: "pA", Description: "AMPA receptor current; -70 mV"}, results.RoleCurrent, "AMPA receptor current"},
		{results.Column{Name: "charge_fC", Unit: "fC"}, results.RoleCharge, "charge"},
		{results.Column{Name: "transported", Unit: "count"}, results.RoleFate, "transported"},
		{results.Column{Name: "free_cleft", Unit: "count"}, results.RoleCount, "free cleft"},
		{results.Column{Name: "open_ampa", Unit: "count"}, results.RoleOccupancy, "open ampa"},
		{results.Column{Name: "peak_conc_cleft_uM", Unit: "uM"}, results.RoleConcentration, "peak conc cleft"},
		{results.Column{Name: "decay_tau_ms", Unit: "ms"}, results.RoleTime, "decay tau"},
		{results.Column{Name: "weird"}, results.RoleOther, "weird"},
	} {
		if got := RoleOf(tt.c); got != tt.role {
			t.Errorf("RoleOf(%s) = %q, want %q", tt.c.Name, got, tt.role)
		}
		if got := LabelOf(tt.c); got != tt.label {
			t.Errorf("LabelOf(%s) = %q, want %q", tt.c.Name, got, tt.label)
		}
	}
}

// TestLoadByRole checks that Load picks the clearance observable, the
// currents and the fate fractions by the roles recorded in the files, under
// names the fallback would not recognise, and labels quantities from them.
func TestLoadByRole(t *testing.T) {
	dir := t.TempDir()
	writeRun(t, dir, analysistest.Spec{Columns: analysistest.RoledColumns, Series: analysistest.Toy,
		SummaryColumns: analysistest.RoledSummaryColumns, Summary: analysistest.ToySummary})
	ds := load(t, LoadOptions{}, dir)
	if ds.Clearance != "glu_in_cleft" {
		t.Errorf("clearance observable %q, want glu_in_cleft (the count in the cleft)", ds.Clearance)
	}
	c := ds.Conditions[0]
	for name, want := range map[string]struct {
		role  results.Role
		label string
	}{
		"frac_transported":     {results.RoleFraction, "fraction taken up"},
		"i_ampa.charge":        {results.RoleCharge, "charge of AMPA receptor current"},
		"glu_in_cleft.tau":     {results.RoleTime, "exponential-fit τ of free glutamate in the cleft"},
		"ampa_conducting.peak": {results.RoleOccupancy, "peak open AMPA receptors"},
	} {
		q := c.Quantity(name)
		if q == nil {
			t.Errorf("no quantity %s", name)
			continue
		}
		if q.Role != want.role || q.Label != want.label {
			t.Errorf("%s: role %q label %q, want %q %q", name, q.Role, q.Label, want.role, want.label)
		}
	}
	// The charge of the toy current: −0.7·∫open dt, with ∫ t/0.2·e^(1−t/0.2) dt
	// over [0, 1] ms ≈ 0.2·e·(1 − 6e^−5) for open = 10 (condition 0).
	want := -0.7 * 10 * 0.2 * math.E * (1 - 6*math.Exp(-5))
	if got := quantityMean(t, c, "i_ampa.charge"); !relNear(got, want, 1e-3) {
		t.Errorf("charge %g fC, want %g (trapezoid error < 1e-3 at dt 0.01 ms)", got, want)
	}
}
