package validate

import (
	"testing"

	"github.com/reuptake/reuptake/montecarlo"
)

// TestWellMixedSSA checks the exact SSA itself against the closed-form
// equilibrium of one site among n molecules, P(bound) = K·n/(1 + K·n)
// with K = k1/(V·k−1): the time-averaged occupancy over [25, 200 ms] of
// 400 runs has SE ≈ 0.1 % of it, against a bias the engine comparison
// relies on being absent.
func TestWellMixedSSA(t *testing.T) {
	w := wmCrowded()
	rng := montecarlo.NewStream(montecarlo.StreamKey(3))
	const reps, T = 400, 200.0
	var xs []float64
	for r := 0; r < reps; r++ {
		a := w.ssa(rng, 25)
		b := w.ssa(rng, T) // independent run; the occupancy of [25, T] is b − a in expectation
		xs = append(xs, (b.esInt-a.esInt)/(T-25))
	}
	mean, se := meanSE(xs)
	kn := w.k1 / w.vol / w.km1 * float64(w.nS)
	want := kn / (1 + kn)
	if z := (mean - want) / se; z > ZLimit || z < -ZLimit {
		t.Errorf("SSA occupancy %.5f ± %.5f, want %.5f (z = %.2f)", mean, se, want, z)
	}
}

// TestVolumeSitesCrowded is the fast unit test of volume binding at a high
// per-site hazard (0.8 per step): one site among 20 molecules, 600 engine
// replicates against the exact SSA; relative SE ≈ 0.05 %, against the
// −1.2 % the engine showed before sites freed within a step caught up
// before the step's end (z ≈ −25 at this size).
func TestVolumeSitesCrowded(t *testing.T) {
	for _, r := range checkWellMixedCrowded(11, 0.05, 600) {
		if !r.Pass {
			t.Errorf("%s: expected %g, simulated %g ± %g (z = %.2f)", r.Quantity, r.Expected, r.Simulated, r.SE, r.Z)
		}
	}
}

// TestReversibleMembrane is the short unit test of reversible binding to
// membrane sites at κ' = 0.2: 60 samples of the bound count against the
// exact stationary mean, SE ≈ 0.5 %, against the −7 % of Andrews'
// irreversible hit probability with the old placement (z ≈ −13).
func TestReversibleMembrane(t *testing.T) {
	for _, r := range checkReversibleMembrane(5, 1e-4, 1, 60) {
		if !r.Pass {
			t.Errorf("%s: expected %g, simulated %g ± %g (z = %.2f)", r.Quantity, r.Expected, r.Simulated, r.SE, r.Z)
		}
	}
}
