package validate

import (
	"fmt"

	"github.com/reuptake/reuptake/montecarlo"
	"github.com/reuptake/reuptake/space"
)

// checkInterface: a closed 0.2 × 0.06 × 0.06 µm box whose halves differ
// in D (0.1 and 1 µm²/ms), and in a second row also in the extracellular
// volume fraction α (0.25 and 1). Pure diffusion must reach a uniform
// extracellular concentration, so the slow half holds the fraction
// α_slow·V/(α_slow·V + α_fast·V) of the molecules: 1/2, then 1/5 (binomial
// SE). Stepping with the start region's D everywhere (the Itô convention)
// would give 10/11 ≈ 0.91 in the first row: the check guards the engine's
// Metropolis–Hastings treatment of D and α interfaces.
//
// Duration: the slowest mode of the slow half relaxes in (2L)²/(π²D) ≈
// 0.04 ms (L = 0.1 µm, D = 0.1 µm²/ms); 1 ms is ten times the
// conservative L²/D = 0.1 ms, so the start (0.5 in the slow half)
// leaves at most 0.3·e⁻¹⁰ ≈ 1.4·10⁻⁵ of the 1/5 row, 0.003 of its SE
// (0.004 with 10⁴ molecules). It was 2 ms, twice the cost for nothing
// the SE can see.
func checkInterface(seed uint64) []Result {
	const n = 10000
	var out []Result
	for _, c := range []struct {
		alpha float64
		want  float64
	}{{1, 0.5}, {0.25, 0.25 / 1.25}} {
		spec := montecarlo.Spec{
			Geometry: montecarlo.GeometrySpec{Kind: "box", Box: space.BoxSpec{Size: [3]float64{0.2, 0.06, 0.06}, Voxel: 0.02,
				Regions: []space.BoxRegion{{Name: "slow", Hi: [3]float64{0.1, 0.06, 0.06}}}}},
			Species: []montecarlo.SpeciesSpec{{Name: "x", D: 1, DRegion: map[string]float64{"slow": 0.1}}},
			Run:     montecarlo.RunSpec{Dt: 1e-4, Duration: 1, SampleInterval: 1},
		}
		if c.alpha != 1 {
			spec.Regions = []montecarlo.RegionSpec{{Name: "slow", Alpha: c.alpha}}
		}
		m, err := montecarlo.NewModel(spec)
		if err != nil {
			return modelError("interface", err)
		}
		e := montecarlo.NewEngine(m)
		e.Reset(seed, 0)
		r := montecarlo.NewStream(montecarlo.StreamKey(seed, 99))
		for i := 0; i < n; i++ {
			e.AddMolecule([3]float64{r.Float64() * 0.2, r.Float64() * 0.06, r.Float64() * 0.06}, 0)
		}
		runTo(e, m, 1) // 10 relaxation times of the slow half (L²/D = 0.1 ms)
		slow := int64(0)
		mol := e.Molecules()
		for i := 0; i < mol.Len(); i++ {
			if mol.X[i] < 0.1 {
				slow++
			}
		}
		out = append(out, binomial(fmt.Sprintf("fraction in the slow half, α_slow = %g", c.alpha), c.want, slow, n,
			"uniform extracellular concentration at equilibrium: α_slow/(α_slow + α_fast); the Itô step would give 0.91"))
	}
	return out
}
