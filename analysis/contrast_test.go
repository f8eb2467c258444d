package analysis

import (
	"math"
	"math/rand/v2"
	"testing"
)

// pairConditions returns a reference and a treated condition whose
// replicate r share a random effect (common random numbers): treated =
// reference + shift + small noise.
func pairConditions(seedA, seedB string, shift float64) (*Condition, *Condition) {
	rng := rand.New(rand.NewPCG(3, 5))
	ref := &Condition{Name: "control", Seeds: []string{seedA}}
	trt := &Condition{Name: "drug", Seeds: []string{seedB}}
	qa := &Quantity{Name: "decay_tau_ms", Unit: "ms"}
	qb := &Quantity{Name: "decay_tau_ms", Unit: "ms"}
	for r := range 10 {
		common := 1 + 0.3*rng.NormFloat64() // replicate-to-replicate scatter
		ref.Replicates = append(ref.Replicates, int64(r))
		trt.Replicates = append(trt.Replicates, int64(r))
		qa.Replicates = append(qa.Replicates, int64(r))
		qb.Replicates = append(qb.Replicates, int64(r))
		qa.Values = append(qa.Values, common)
		qb.Values = append(qb.Values, common+shift+0.01*rng.NormFloat64())
	}
	ref.Quantities = []*Quantity{qa}
	trt.Quantities = []*Quantity{qb}
	return ref, trt
}

func TestContrastsPairing(t *testing.T) {
	ref, trt := pairConditions("7", "7", 0.05)
	cs, p := Contrasts(ref, trt, "control", "drug", ContrastOptions{Alpha: 0.05})
	if !p.Paired || len(p.Common) != 10 || len(cs) != 1 {
		t.Fatalf("pairing %+v, %d contrasts", p, len(cs))
	}
	c := cs[0]
	want := PairedDiff(trt.Quantities[0].Values, ref.Quantities[0].Values)
	if c.Method != "paired t" || c.Diff != want.Diff || c.P != want.P {
		t.Errorf("contrast %+v, want %+v", c.Comparison, want)
	}
	// Common random numbers remove the shared scatter: the small shift is
	// significant paired, not with Welch's t.
	if !c.Significant || math.Abs(c.Diff-0.05) > 0.01 || !(c.CILo > 0) {
		t.Errorf("paired: diff %v [%v, %v], p %v", c.Diff, c.CILo, c.CIHi, c.P)
	}
	if math.Abs(c.Rel-c.Diff/math.Abs(c.MeanB)) > 1e-15 {
		t.Errorf("rel %v", c.Rel)
	}
	cs, p = Contrasts(ref, trt, "control", "drug", ContrastOptions{Unpaired: true})
	if p.Paired || cs[0].Method != "Welch t" || cs[0].Significant {
		t.Errorf("unpaired: %+v, %+v", p, cs[0].Comparison)
	}
	// Different seeds: Welch, and the reason says why.
	ref, trt = pairConditions("1", "2", 0.05)
	_, p = Contrasts(ref, trt, "a", "b", ContrastOptions{})
	if p.Paired || p.Reason != "Welch t: different seeds (1 and 2)" {
		t.Errorf("different seeds: %+v", p)
	}
	// Replicates only partly shared: paired on the common ones.
	ref, trt = pairConditions("7", "7", 0.05)
	trt.Replicates = trt.Replicates[:6]
	trt.Quantities[0].Replicates = trt.Quantities[0].Replicates[:6]
	trt.Quantities[0].Values = trt.Quantities[0].Values[:6]
	cs, p = Contrasts(ref, trt, "a", "b", ContrastOptions{})
	if !p.Paired || len(p.Common) != 6 || cs[0].N1 != 6 {
		t.Errorf("partial: %+v, n %d", p, cs[0].N1)
	}
	// No seed recorded: Welch.
	ref.Seeds = nil
	if p := PairingOf(ref, trt, false); p.Paired {
		t.Errorf("no seed: paired")
	}
}

func TestHolm(t *testing.T) {
	cs := []Contrast{{Comparison: Comparison{P: 0.01}}, {Comparison: Comparison{P: 0.04}}, {Comparison: Comparison{P: 0.03}},
		{Comparison: Comparison{P: math.NaN()}}}
	holm(cs)
	want := []float64{0.03, 0.06, 0.06}
	for i, w := range want {
		if math.Abs(cs[i].PAdj-w) > 1e-15 {
			t.Errorf("p_adj[%d] = %v, want %v", i, cs[i].PAdj, w)
		}
	}
	if !math.IsNaN(cs[3].PAdj) {
		t.Errorf("NaN p adjusted to %v", cs[3].PAdj)
	}
}
