package validate

import (
	"fmt"
	"math"

	"github.com/reuptake/reuptake/agents"
	"github.com/reuptake/reuptake/montecarlo"
)

// checkOccupancy checks the observables "occupancy" and "above_threshold"
// (montecarlo/occupancy.go) at equilibrium with a clamped ligand: sites
// binding a bath species at concentration c with k_on (pseudo-first-order
// k_on·c) and unbinding at k_off are occupied with probability
// p = c/(c + K_d), K_d = k_off/k_on; a two-site receptor with independent
// sites (R →2k_on·c→ RL →k_on·c→ RLL, RLL →2k_off→ RL →k_off→ R) holds
// Binomial(2, p) molecules, so its mean occupancy is p, the number of
// receptors at least half occupied N(1 − (1 − p)²) and fully occupied Np².
// Each replicate's columns are averaged over time after an equilibration
// of 10 relaxation times; the SE is the SD of the replicates' averages
// over √replicates (independent replicates), which includes the time
// correlation of the samples.
func checkOccupancy(seed uint64) []Result {
	const (
		koff  = 1.0 // 1/ms
		per   = 200 // sites of each type per replicate
		reps  = 32
		skip  = 4.0 // ms; relaxation rate k_on·c + k_off = 3 /ms
		dur   = 44.0
		every = 0.1
	)
	kon := montecarlo.KOnFromMolar(1e6)
	kd := koff / kon
	c := 2 * kd // p = 2/3
	one := agents.Scheme{States: []string{"R", "RL"}, Transitions: []agents.Transition{
		{From: "R", To: "RL", Kind: agents.Bind, Species: "lig", Rate: kon},
		{From: "RL", To: "R", Kind: agents.Unbind, Species: "lig", Rate: koff},
	}}
	two := agents.Scheme{States: []string{"R", "RL", "RLL"}, Transitions: []agents.Transition{
		{From: "R", To: "RL", Kind: agents.Bind, Species: "lig", Rate: 2 * kon},
		{From: "RL", To: "RLL", Kind: agents.Bind, Species: "lig", Rate: kon},
		{From: "RLL", To: "RL", Kind: agents.Unbind, Species: "lig", Rate: 2 * koff},
		{From: "RL", To: "R", Kind: agents.Unbind, Species: "lig", Rate: koff},
	}}
	spec := boxSpec([3]float64{1, 1, 0.05}, 0.05, 0.01, dur, inert)
	spec.Run.SampleInterval = every
	spec.Baths = []montecarlo.BathSpec{{Name: "lig", Conc: c}}
	spec.SiteTypes = []montecarlo.SiteTypeSpec{{Name: "one", Scheme: one}, {Name: "two", Scheme: two}}
	spec.Placements = []montecarlo.PlacementSpec{
		{Site: "one", Region: "zmin", Count: per},
		{Site: "two", Region: "zmax", Count: per / 2},
		{Site: "two", Region: "zmin", Count: per / 2},
	}
	spec.Observables = []montecarlo.ObservableSpec{
		{Kind: "occupancy", Site: "one", Species: "lig", Name: "occ_one"},
		{Kind: "occupancy", Site: "two", Species: "lig", Name: "occ_two"},
		{Kind: "above_threshold", Site: "two", Species: "lig", Threshold: 0.5, Name: "half_two"},
		{Kind: "above_threshold", Site: "two", Species: "lig", Threshold: 1, Name: "full_two"},
		// By region: the scan path (the type is placed in two regions).
		{Kind: "above_threshold", Site: "two", Species: "lig", Region: "zmax", Threshold: 1, Name: "full_two_zmax"},
	}
	m, err := montecarlo.NewModel(spec)
	if err != nil {
		return modelError("occupancy", err)
	}
	p := c / (c + kd)
	cases := []struct {
		col, quantity, detail string
		want                  float64
	}{
		{"occ_one", "time-averaged occupancy, one site, [L] = 2K_d", "c/(c + K_d)", p},
		{"occ_two", "time-averaged occupancy, two-site receptor", "c/(c + K_d) (Binomial(2, p)/2)", p},
		{"half_two", fmt.Sprintf("above_threshold 0.5 count, %d two-site receptors", per), "N(1 − (1 − p)²), p = c/(c + K_d)", per * (1 - (1-p)*(1-p))},
		{"full_two", fmt.Sprintf("above_threshold 1 count, %d two-site receptors", per), "N·p²", per * p * p},
		{"full_two_zmax", fmt.Sprintf("above_threshold 1 count, %d two-site receptors in zmax", per/2), "N·p², by region (site scan)", per / 2 * p * p},
	}
	cols := make([]int, len(cases))
	for j, cs := range cases {
		if cols[j] = m.Column(cs.col); cols[j] < 0 {
			return modelError("occupancy", fmt.Errorf("no column %q", cs.col))
		}
	}
	avg := make([][]float64, len(cases))
	e := montecarlo.NewEngine(m)
	for rep := 0; rep < reps; rep++ {
		e.Reset(seed, rep)
		sums := make([]float64, len(cases))
		n := 0
		e.Run(func(t float64, v []float64) {
			if t < skip-1e-9 {
				return
			}
			n++
			for j, k := range cols {
				sums[j] += v[k]
			}
		})
		for j := range cases {
			avg[j] = append(avg[j], sums[j]/float64(n))
		}
	}
	// One-site occupancy sampled every δ over T has variance
	// p(1−p)/n·(1+r)/(1−r) per site, r = e^{−λδ}, λ = k_on·c + k_off.
	ns := (dur - skip) / every
	r := math.Exp(-(kon*c + koff) * every)
	an := math.Sqrt(p * (1 - p) / ns * (1 + r) / (1 - r) / float64(per*reps))
	var out []Result
	for j, cs := range cases {
		mean, se := meanSE(avg[j])
		detail := fmt.Sprintf("%s = %.4g; SE from %d replicates' time averages over %g–%g ms", cs.detail, cs.want, reps, skip, dur)
		if j == 0 {
			detail += fmt.Sprintf(" (analytic SE %.3g)", an)
		}
		out = append(out, compare(cs.quantity, cs.want, mean, se, detail))
	}
	return out
}
