package validate

import (
	"fmt"
	"math"

	"github.com/reuptake/reuptake/agents"
	"github.com/reuptake/reuptake/montecarlo"
)

// checkDecay is docs/parameters.md §A7 T9: first-order volume degradation
// (DegradationSpec) at k = 1 /ms with kΔt = 0.1 (div = 1) or 0.025 (div =
// 4): N(t)/N₀ = e^{−kt}. The per-step probability 1 − e^{−kΔt} is exact;
// the p = kΔt shortcut would bias the rate by +5% at kΔt = 0.1, which this
// check resolves by > 10 SE at t = 1 ms.
func checkDecay(seed uint64, div int) []Result {
	const k, n0 = 1.0, 100000
	dt := 0.1 / float64(div)
	times := []float64{0.5, 1, 2, 3}
	spec := boxSpec([3]float64{10, 10, 10}, 0.1, dt, times[len(times)-1], montecarlo.SpeciesSpec{Name: "x", D: 0.01})
	spec.Degradations = []montecarlo.DegradationSpec{{Species: "x", Rate: k}}
	m, err := montecarlo.NewModel(spec)
	if err != nil {
		return modelError("decay", err)
	}
	e := montecarlo.NewEngine(m)
	e.Reset(seed, 0)
	for i := 0; i < n0; i++ {
		e.AddMolecule([3]float64{5.01, 4.99, 5.02}, 0)
	}
	var out []Result
	for _, t := range times {
		runTo(e, m, t)
		left := int64(e.Molecules().Len())
		p := math.Exp(-k * t)
		biased := math.Pow(1-k*dt, t/dt)
		out = append(out, binomial(fmt.Sprintf("N(%s)/N₀, kΔt = %g", fmtTime(t), k*dt), p, left, n0,
			fmt.Sprintf("§A7 T9: e^{−kt}; binomial SE; p = kΔt would give %.4f", biased)))
	}
	c := e.Counts(0)
	out = append(out, exact("degraded + free − released", 0, float64(c.Degraded+c.Free-c.Released), "bookkeeping: every molecule is free or degraded"))
	return out
}

// checkBranching is docs/parameters.md §A7 T9 branching on a site scheme: a
// site holding a ligand leaves state S by transport (1 /ms), degradation
// (2 /ms), unbinding (3 /ms) or a conformational change (4 /ms). Branch
// fractions are k_i/Σk, the survival of S is e^{−Σk·t}, and the engine's
// counters must match the branch states exactly.
func checkBranching(seed uint64) []Result {
	const nSites, reps = 10000, 2
	rates := []float64{1, 2, 3, 4}
	ktot := 10.0
	scheme := agents.Scheme{
		States:  []string{"A", "S", "Tr", "Dg", "Ub", "Cf"},
		Initial: "A",
		Transitions: []agents.Transition{
			{From: "A", To: "S", Kind: agents.Bind, Species: "L", Rate: montecarlo.KOnFromMolar(1e3)}, // only defines the held ligand
			{From: "S", To: "Tr", Kind: agents.Transport, Species: "L", Rate: rates[0]},
			{From: "S", To: "Dg", Kind: agents.Degrade, Species: "L", Rate: rates[1]},
			{From: "S", To: "Ub", Kind: agents.Unbind, Species: "L", Rate: rates[2]},
			{From: "S", To: "Cf", Kind: agents.FirstOrder, Rate: rates[3]},
		},
	}
	times := []float64{0.1, 0.3, 3} // 1/Σk, 3/Σk, 30/Σk
	spec := boxSpec([3]float64{1, 1, 0.1}, 0.01, 0.01, times[2], montecarlo.SpeciesSpec{Name: "L", D: 1e-4})
	spec.SiteTypes = []montecarlo.SiteTypeSpec{{Name: "t", Scheme: scheme}}
	spec.Placements = []montecarlo.PlacementSpec{{Site: "t", Region: "zmin", Count: nSites, State: "S"}}
	m, err := montecarlo.NewModel(spec)
	if err != nil {
		return modelError("branching", err)
	}
	e := montecarlo.NewEngine(m)
	surv := make([]int64, 2)
	branch := make([]int64, 4)
	var mismatch int64
	for rep := 0; rep < reps; rep++ {
		e.Reset(seed, rep)
		for k, t := range times {
			runTo(e, m, t)
			sc := e.StateCounts(0)
			if k < 2 {
				surv[k] += sc[1]
				continue
			}
			for b := 0; b < 4; b++ {
				branch[b] += sc[2+b]
			}
			c := e.Counts(0)
			// Transported = sites in Tr, degraded = Dg, free = Ub.
			for _, d := range []int64{c.Transported - sc[2], c.Degraded - sc[3], c.Free - sc[4]} {
				if d != 0 {
					mismatch++
				}
			}
		}
	}
	const n = nSites * reps
	var out []Result
	for k, t := range times[:2] {
		out = append(out, binomial(fmt.Sprintf("P(still in S) at %s", fmtTime(t)), math.Exp(-ktot*t), surv[k], n, "§A7 T9: e^{−Σk·t}; binomial SE"))
	}
	for b, name := range []string{"transport", "degrade", "unbind", "first-order"} {
		out = append(out, binomial("branch fraction "+name, rates[b]/ktot, branch[b], n, "§A7 T9: k_i/Σk; binomial SE"))
	}
	out = append(out, exact("counter mismatches (transported, degraded, free vs branch states)", 0, float64(mismatch), "engine bookkeeping"))
	return out
}
