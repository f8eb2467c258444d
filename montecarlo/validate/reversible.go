package validate

import (
	"fmt"

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
	b := closedBox{kon: montecarlo.KOnFromMolar(1e9), koff: 166.0, d: 0.33, dt: dt,
		equil: 1.0, every: 0.1, reps: reps, samples: samples, posKey: 0x5eb}
	xs, err := b.run(seed)
	if err != nil {
		return modelError("reversible membrane binding", err)
	}
	kv := b.kv()
	want, _ := closedBoxStationary(closedBoxSites, closedBoxLigands, kv)
	mean, se := meanSE(xs)
	return []Result{compare(fmt.Sprintf("mean bound sites, reversible membrane binding, κ' = %.2f (dt = %g ns)", b.kappaPrime(), dt*1e6), want, mean, se,
		fmt.Sprintf("exact stationary mean of the closed box (%d sites, %d ligands, Kd = %.0f molecules in the box); %d samples 0.1 ms apart; relative SE %.2f%%, so a %.1f%% bias shows at z = 4",
			closedBoxSites, closedBoxLigands, 1/kv, len(xs), 100*se/want, 400*se/want))}
}
