package montecarlo

import (
	"math"
	"testing"

	"github.com/reuptake/reuptake/space"
)

// twoRegionModel is a closed 0.2 × 0.06 × 0.06 µm box split at x = 0.1 µm
// into a slow half (D = 0.1 µm²/ms) and a fast half (D = 1 µm²/ms).
func twoRegionModel(t *testing.T, regions ...RegionSpec) *Model {
	t.Helper()
	s := Spec{Geometry: GeometrySpec{Kind: "box", Box: space.BoxSpec{Size: [3]float64{0.2, 0.06, 0.06}, Voxel: 0.02,
		Regions: []space.BoxRegion{{Name: "slow", Lo: [3]float64{0, 0, 0}, Hi: [3]float64{0.1, 0.06, 0.06}}}}},
		Species: []SpeciesSpec{{Name: "x", D: 1, DRegion: map[string]float64{"slow": 0.1, "box": 1}}},
		Regions: regions,
		Run:     RunSpec{Dt: 1e-4, Duration: 1, SampleInterval: 1}}
	m, err := NewModel(s)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestDiffusivityInterfaceEquilibrium: with D (and the extracellular
// volume fraction α) changing across a region boundary, pure diffusion must
// reach a uniform extracellular concentration, so the slow half holds the
// fraction α_slow/(α_slow + α_fast) of the molecules (equal volumes;
// binomial SE). The Itô convention (each step with the start region's D)
// would put 10/11 ≈ 91% in the slow half when α is equal.
func TestDiffusivityInterfaceEquilibrium(t *testing.T) {
	for _, c := range []struct {
		name    string
		regions []RegionSpec
		want    float64
	}{
		{"D changes", nil, 0.5},
		{"D and alpha change", []RegionSpec{{Name: "slow", Alpha: 0.25}}, 0.25 / 1.25},
	} {
		t.Run(c.name, func(t *testing.T) {
			m := twoRegionModel(t, c.regions...)
			e := NewEngine(m)
			e.Reset(3, 0)
			const n = 4000
			r := NewStream(7)
			for q := 0; q < n; q++ {
				if !e.AddMolecule([3]float64{r.Float64() * 0.2, r.Float64() * 0.06, r.Float64() * 0.06}, 0) {
					t.Fatal("molecule outside the box")
				}
			}
			// 0.8 ms: 8 times L²/D = 0.1 ms of the slow half; its slowest
			// mode, 4L²/(π²D) = 0.04 ms, is what the α case shows (0.34,
			// 0.26, 0.22 in the slow half at 0.02, 0.05, 0.1 ms), so what
			// is left of the start (uniform, 0.5 in the slow half) is
			// below e⁻⁸·0.3 = 1e-4, 1/60 of the SE. Only the final positions
			// count, so the power is set by n: SE = 0.0079 (D changes) and
			// 0.0063 (α changes), a shift of 3.2 and 2.5 points shows at
			// z = 4 (Itô's 91 % is 50 SE away). 20000 steps before, with
			// the same power.
			steps := 8000
			if testing.Short() {
				steps = 5000 // 5·L²/D: at most e⁻⁵·0.3 = 0.002 left, 0.3 SE
			}
			for st := 0; st < steps; st++ {
				e.Step()
			}
			slow := 0
			for i := range e.mol.X {
				if e.mol.X[i] < 0.1 {
					slow++
				}
			}
			frac := float64(slow) / n
			se := math.Sqrt(c.want * (1 - c.want) / n)
			z := (frac - c.want) / se
			t.Logf("slow half holds %.4f ± %.4f of the molecules, want %.4f (z = %.2f)", frac, se, c.want, z)
			if math.Abs(z) >= 4 {
				t.Errorf("slow half holds %.4f of the molecules, want %.4f ± %.4f (|z| = %.1f ≥ 4)", frac, c.want, se, math.Abs(z))
			}
		})
	}
}
