package validate

import (
	"fmt"
	"math"

	"github.com/reuptake/reuptake/agents"
	"github.com/reuptake/reuptake/montecarlo"
)

// checkReversibleMembrane is the equilibrium of reversible binding to
// membrane sites at a large κ': 400 sites on the floor of a closed
// 0.2 × 0.2 × 0.05 µm box of 10 nm voxels and 400 diffusing ligand
// molecules (D = 0.33 µm²/ms), k_on = 1e9 /M/s (κ' = 0.20 at Δt = 0.1 µs,
// 0.10 at 25 ns) and k_off = 166 /ms, so that about half the sites are
// bound. The mean bound count, sampled every 0.1 ms (many relaxation
// times) after 1 ms, is compared with the exact stationary mean of the
// closed system (closedBoxStationary, whose large-number limit is
// L/(L + Kd) per site). With the hit probability of Andrews' irreversible
// form the bound count came out low by about 1.33κ'·(1 − b) (b the bound
// fraction); the check's SE is about 0.25 % of the mean, so a 1 % bias
// shows at z = 4 with 2 replicates of 100 samples.
func checkReversibleMembrane(seed uint64, dt float64, reps, samples int) []Result {
	const (
		lx, lz       = 0.2, 0.05
		nSites, nLig = 400, 400
		koff, d      = 166.0, 0.33
		equil, every = 1.0, 0.1
	)
	kon := montecarlo.KOnFromMolar(1e9)
	scheme := agents.Scheme{States: []string{"R", "RL"}, Transitions: []agents.Transition{
		{From: "R", To: "RL", Kind: agents.Bind, Species: "L", Rate: kon},
		{From: "RL", To: "R", Kind: agents.Unbind, Species: "L", Rate: koff},
	}}
	spec := boxSpec([3]float64{lx, lx, lz}, 0.01, dt, equil+every*float64(samples), montecarlo.SpeciesSpec{Name: "L", D: d})
	spec.SiteTypes = []montecarlo.SiteTypeSpec{{Name: "r", Scheme: scheme}}
	spec.Placements = []montecarlo.PlacementSpec{{Site: "r", Region: "zmin", Count: nSites}}
	m, err := montecarlo.NewModel(spec)
	if err != nil {
		return modelError("reversible membrane binding", err)
	}
	vol := lx * lx * lz
	kv := kon / koff / vol
	want, _ := closedBoxStationary(nSites, nLig, kv)
	e := montecarlo.NewEngine(m)
	var xs []float64
	for rep := 0; rep < reps; rep++ {
		e.Reset(seed, rep)
		pos := montecarlo.NewStream(montecarlo.StreamKey(seed, uint64(rep), 0x5eb))
		for i := 0; i < nLig; i++ {
			e.AddMolecule([3]float64{lx * pos.Float64(), lx * pos.Float64(), lz * pos.Float64()}, 0)
		}
		runTo(e, m, equil)
		for k := 1; k <= samples; k++ {
			runTo(e, m, equil+every*float64(k))
			xs = append(xs, float64(e.StateCounts(0)[1]))
		}
	}
	mean, se := meanSE(xs)
	kp := kon / 1e-4 * dt / math.Sqrt(2*d*dt)
	return []Result{compare(fmt.Sprintf("mean bound sites, reversible membrane binding, κ' = %.2f (dt = %g ns)", kp, dt*1e6), want, mean, se,
		fmt.Sprintf("exact stationary mean of the closed box (%d sites, %d ligands, Kd = %.0f molecules in the box); %d samples 0.1 ms apart; relative SE %.2f%%, so a %.1f%% bias shows at z = 4",
			nSites, nLig, 1/kv, len(xs), 100*se/want, 400*se/want))}
}
