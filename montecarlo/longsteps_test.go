package montecarlo

import (
	"math"
	"testing"

	"github.com/reuptake/reuptake/agents"
	"github.com/reuptake/reuptake/space"
)

// longBox is a 20 µm box with a point release at its centre, first-order
// clearance at rate k and long steps of K·Δt.
func longBox(k float64, longK int) Spec {
	return Spec{
		Geometry:     GeometrySpec{Kind: "box", Box: space.BoxSpec{Size: [3]float64{20, 20, 20}, Voxel: 0.25}},
		Species:      []SpeciesSpec{{Name: "a", D: 0.4}},
		Degradations: []DegradationSpec{{Species: "a", Rate: k}},
		Releases:     []ReleaseSpec{{Release: agents.Release{Species: "a", At: [3]float64{10.1, 10.1, 10.1}, N: 20000}}},
		Run:          RunSpec{Dt: 0.002, Duration: 2, SampleInterval: 0.1, Replicates: 1, LongSteps: longK},
	}
}

// TestLongStepsExact: with long steps of 10·Δt, free diffusion keeps
// ⟨r²⟩ = 6Dt and first-order clearance keeps survival e^{−kt}, and most
// molecule-steps are in fact covered by long steps.
func TestLongStepsExact(t *testing.T) {
	const (
		n = 20000
		d = 0.4
		k = 0.3
	)
	m, err := NewModel(longBox(k, 10))
	if err != nil {
		t.Fatal(err)
	}
	e := NewEngine(m)
	e.Reset(8, 0)
	var molSteps, skipped int
	for i := 0; i < m.Steps(); i++ {
		e.Step()
		for _, s := range e.mol.Skip {
			molSteps++
			if s > 0 {
				skipped++
			}
		}
	}
	// Molecules sitting out steps: 9 of every 10 when all take long steps.
	if f := float64(skipped) / float64(molSteps); f < 0.8 {
		t.Errorf("only %.2f of molecule-steps inside long steps, want most (≤ 0.9)", f)
	}
	tEnd := float64(m.Steps()) * m.Dt
	c := e.Counts(0)
	p := math.Exp(-k * tEnd)
	if z := (float64(c.Free) - n*p) / math.Sqrt(n*p*(1-p)); math.Abs(z) > 4 {
		t.Errorf("%d of %d survive to %g ms, want %.1f (z = %.2f)", c.Free, n, tEnd, n*p, z)
	}
	var r2, r4 float64
	for i := range e.mol.X {
		dx, dy, dz := e.mol.X[i]-10.1, e.mol.Y[i]-10.1, e.mol.Z[i]-10.1
		s := dx*dx + dy*dy + dz*dz
		r2 += s
		r4 += s * s
	}
	nf := float64(len(e.mol.X))
	mean := r2 / nf
	se := math.Sqrt((r4/nf - mean*mean) / nf)
	if z := (mean - 6*d*tEnd) / se; math.Abs(z) > 4 {
		t.Errorf("⟨r²⟩ = %.4f ± %.4f µm², want %.4f (z = %.2f)", mean, se, 6*d*tEnd, z)
	}
}

// TestLongStepsStayAwayFromVolumeSites: regions holding volume sites take
// only short steps.
func TestLongStepsStayAwayFromVolumeSites(t *testing.T) {
	spec := transporterSpec()
	spec.Run.LongSteps = 10
	m, err := NewModel(spec)
	if err != nil {
		t.Fatal(err)
	}
	if len(m.pharm.vol) == 0 {
		t.Fatal("no volume placement")
	}
	for _, pl := range m.pharm.vol {
		for sp := range m.species {
			if need := m.longNeed[sp*m.nRegions+pl.region]; need != 0 {
				t.Errorf("species %d may take long steps in region %d (needs distance %d) though it holds volume sites", sp, pl.region, need)
			}
		}
	}
}
