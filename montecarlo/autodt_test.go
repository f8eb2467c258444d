package montecarlo

import (
	"strings"
	"testing"

	"github.com/reuptake/reuptake/agents"
	"github.com/reuptake/reuptake/space"
)

// TestAutoDtKeepsHitProbabilityBelowHalf: an automatic timestep keeps the
// membrane hit probability of every binding at most about 0.5 (κ' ≤ 0.27,
// docs/design.md §3.10), shrinking the geometric choice when binding is fast.
func TestAutoDtKeepsHitProbabilityBelowHalf(t *testing.T) {
	for _, kon := range []float64{1e6, 1e9, 1e10} {
		s := Spec{
			Geometry: GeometrySpec{Kind: "box", Box: space.BoxSpec{Size: [3]float64{0.2, 0.2, 0.1}, Voxel: 0.01}},
			Species:  []SpeciesSpec{{Name: "x", D: 0.3}},
			SiteTypes: []SiteTypeSpec{{Name: "r", Scheme: agents.Scheme{States: []string{"R", "RL"}, Transitions: []agents.Transition{
				{From: "R", To: "RL", Kind: agents.Bind, Species: "x", Rate: KOnFromMolar(kon)},
				{From: "RL", To: "R", Kind: agents.Unbind, Species: "x", Rate: 1}}}}},
			Placements: []PlacementSpec{{Site: "r", Region: "zmin", Count: 10}},
			Run:        RunSpec{Duration: 0.01, SampleInterval: 0.01},
		}
		m, err := NewModel(s)
		if err != nil {
			t.Fatalf("k_on %g: %v", kon, err)
		}
		p, kp := hitProbability(KOnFromMolar(kon), m.Grid.TileArea(), 0.3, m.Dt)
		if kp > maxAutoKappa || p > 0.5 {
			t.Errorf("k_on %g /M/s: auto dt %g ms gives κ' = %.3g, P = %.3g", kon, m.Dt, kp, p)
		}
		t.Logf("k_on %g /M/s: dt %g ms, P = %.3g", kon, m.Dt, p)
	}
}

// TestAccuracyPolicy: at a user Δt where a known bias exceeds
// BiasTolerance the model builds with a warning naming the bias and a Δt
// that removes it; at that Δt there is no warning, and dt: auto picks a Δt
// with no warning.
func TestAccuracyPolicy(t *testing.T) {
	spec := func(dt float64) Spec {
		return Spec{
			Geometry: GeometrySpec{Kind: "box", Box: space.BoxSpec{Size: [3]float64{0.2, 0.2, 0.1}, Voxel: 0.01}},
			Species:  []SpeciesSpec{{Name: "x", D: 0.3}},
			SiteTypes: []SiteTypeSpec{{Name: "r", Scheme: agents.Scheme{States: []string{"R", "RL"}, Transitions: []agents.Transition{
				{From: "R", To: "RL", Kind: agents.Bind, Species: "x", Rate: KOnFromMolar(1e7)},
				{From: "RL", To: "R", Kind: agents.Unbind, Species: "x", Rate: 100}}}}},
			Placements: []PlacementSpec{{Site: "r", Region: "zmin", Count: 10}},
			Run:        RunSpec{Dt: dt, Duration: 0.01, SampleInterval: 0.01},
		}
	}
	// k·Δt/2 = 100 /ms · 1e-4 ms / 2 = 0.5 % > 0.2 %.
	m, err := NewModel(spec(1e-4))
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Warnings) != 1 || !strings.Contains(m.Warnings[0], "dt ≤ 4e-05 ms") {
		t.Fatalf("warnings %q, want one naming dt ≤ 4e-05 ms", m.Warnings)
	}
	if m, err = NewModel(spec(4e-5)); err != nil || len(m.Warnings) != 0 {
		t.Fatalf("at 4e-5 ms: %v, warnings %q", err, m.Warnings)
	}
	if m, err = NewModel(spec(0)); err != nil || len(m.Warnings) != 0 || m.Dt > 4e-5 {
		t.Fatalf("auto: %v, dt %g, warnings %q", err, m.Dt, m.Warnings)
	}
}
