package validate

import (
	"fmt"

	"github.com/reuptake/reuptake/agents"
	"github.com/reuptake/reuptake/montecarlo"
)

// jonasScheme is the Jonas–Sakmann AMPA scheme of docs/parameters.md §A2 as an
// engine scheme: glutamate binding steps are Bind transitions of the
// ligand, which the checks clamp as a bath species (pseudo-first-order);
// unbinding steps return it to the bath.
func jonasScheme(ligand string) agents.Scheme {
	k := montecarlo.KOnFromMolar
	return agents.Scheme{
		States:     []string{"C0", "C1", "C2", "O", "C3", "C4", "C5"},
		Conducting: []string{"O"},
		Transitions: []agents.Transition{
			{From: "C0", To: "C1", Kind: agents.Bind, Species: ligand, Rate: k(4.59e6)},
			{From: "C1", To: "C0", Kind: agents.Unbind, Species: ligand, Rate: 4.26},
			{From: "C1", To: "C2", Kind: agents.Bind, Species: ligand, Rate: k(28.4e6)},
			{From: "C2", To: "C1", Kind: agents.Unbind, Species: ligand, Rate: 3.26},
			{From: "C2", To: "O", Kind: agents.FirstOrder, Rate: 4.24},
			{From: "O", To: "C2", Kind: agents.FirstOrder, Rate: 0.90},
			{From: "C1", To: "C3", Kind: agents.FirstOrder, Rate: 2.89},
			{From: "C3", To: "C1", Kind: agents.FirstOrder, Rate: 0.0392},
			{From: "C2", To: "C4", Kind: agents.FirstOrder, Rate: 0.172},
			{From: "C4", To: "C2", Kind: agents.FirstOrder, Rate: 0.000727},
			{From: "O", To: "C5", Kind: agents.FirstOrder, Rate: 0.0177},
			{From: "C5", To: "O", Kind: agents.FirstOrder, Rate: 0.004},
			{From: "C3", To: "C4", Kind: agents.Bind, Species: ligand, Rate: k(1.27e6)},
			{From: "C4", To: "C3", Kind: agents.Unbind, Species: ligand, Rate: 0.0457},
			{From: "C4", To: "C5", Kind: agents.FirstOrder, Rate: 0.0168},
			{From: "C5", To: "C4", Kind: agents.FirstOrder, Rate: 0.1904},
		},
	}
}

// jonasSites is the number of receptors per replicate and jonasReps the
// number of replicates: 10⁵ receptors in all.
const (
	jonasSites = 10000
	jonasReps  = 10
)

// jonasRun simulates jonasReps replicates of jonasSites receptors starting
// in C0 under the clamped glutamate bath (molar concentration c0, changed
// by sched in molar units) and returns the summed state counts at each of
// times.
func jonasRun(seed uint64, dt, c0 float64, sched []montecarlo.BathStep, times []float64) ([][]int64, error) {
	spec := boxSpec([3]float64{1, 1, 0.01}, 0.01, dt, times[len(times)-1], inert)
	var steps []montecarlo.BathStep
	for _, s := range sched {
		steps = append(steps, montecarlo.BathStep{T: s.T, Conc: montecarlo.ConcFromMolar(s.Conc)})
	}
	spec.Baths = []montecarlo.BathSpec{{Name: "glu", Conc: montecarlo.ConcFromMolar(c0), Schedule: steps}}
	spec.SiteTypes = []montecarlo.SiteTypeSpec{{Name: "ampa", Scheme: jonasScheme("glu")}}
	spec.Placements = []montecarlo.PlacementSpec{{Site: "ampa", Region: "zmin", Count: jonasSites}}
	m, err := montecarlo.NewModel(spec)
	if err != nil {
		return nil, err
	}
	e := montecarlo.NewEngine(m)
	counts := make([][]int64, len(times))
	for k := range counts {
		counts[k] = make([]int64, 7)
	}
	for rep := 0; rep < jonasReps; rep++ {
		e.Reset(seed, rep)
		for k, t := range times {
			runTo(e, m, t)
			for s, c := range e.StateCounts(0) {
				counts[k][s] += c
			}
		}
	}
	return counts, nil
}

// jonasCompare compares the simulated occupancy of the states at times
// with the RK4 solution of the same scheme (Jonas, §A2) under lig.
func jonasCompare(counts [][]int64, times []float64, lig func(float64) float64, breaks []float64, states []string) []Result {
	k := Jonas()
	p0 := make([]float64, len(k.States))
	p0[0] = 1
	ode := k.Solve(p0, lig, breaks, times, 1e-4)
	const n = jonasSites * jonasReps
	var out []Result
	for ti, t := range times {
		for _, st := range states {
			i := k.Index(st)
			out = append(out, binomial(fmt.Sprintf("P(%s) at %s", st, fmtTime(t)), ode[ti][i], counts[ti][i], n,
				"RK4 solution of the §A2 scheme; binomial SE"))
		}
	}
	return out
}

// desensitised sums the desensitised states C3, C4 and C5.
func desensitised(c []int64) int64 { return c[4] + c[5] + c[6] }

// checkJonasStep clamps glutamate at 1 mM from t = 0 (docs/parameters.md §A2,
// T7 multi-state schemes): peak P_open 0.610 at 1.37 ms and P_open 0.025 at
// 50 ms, and every state's occupancy against the RK4 solution.
func checkJonasStep(seed uint64) []Result {
	times := []float64{0.3, 1.37, 10, 50}
	counts, err := jonasRun(seed, 0.01, 1e-3, nil, times)
	if err != nil {
		return modelError("Jonas step", err)
	}
	const n = jonasSites * jonasReps
	out := []Result{
		binomial("P_open at 1.37 ms (peak)", 0.610, counts[1][3], n, "§A2 table: 1 mM step, peak 0.610 at 1.37 ms; binomial SE"),
		binomial("P_open at 50 ms", 0.025, counts[3][3], n, "§A2 table: 1 mM step, 0.025 at 50 ms; binomial SE"),
	}
	step := func(float64) float64 { return 1 }
	out = append(out, jonasCompare(counts[:3], times[:3], step, nil, Jonas().States)...)
	return out
}

// checkJonasPulse applies 1 mM glutamate for 1 ms (a bath with a
// schedule): §A2 peak P_open 0.595 at 1.05 ms, and the occupancies against
// the RK4 solution during and after the pulse.
func checkJonasPulse(seed uint64) []Result {
	times := []float64{0.5, 1, 1.05, 2, 5}
	counts, err := jonasRun(seed, 0.01, 1e-3, []montecarlo.BathStep{{T: 1, Conc: 0}}, times)
	if err != nil {
		return modelError("Jonas pulse", err)
	}
	const n = jonasSites * jonasReps
	out := []Result{
		binomial("P_open at 1.05 ms (peak)", 0.595, counts[2][3], n, "§A2 table: 1 mM for 1 ms, peak 0.595 at 1.05 ms; binomial SE"),
	}
	pulse := func(t float64) float64 {
		if t < 1 {
			return 1
		}
		return 0
	}
	k := Jonas()
	p0 := make([]float64, 7)
	p0[0] = 1
	ode := k.Solve(p0, pulse, []float64{1}, times, 1e-4)
	for ti, t := range times {
		if ti == 2 {
			continue
		}
		out = append(out, binomial(fmt.Sprintf("P_open at %s", fmtTime(t)), ode[ti][3], counts[ti][3], n, "RK4 solution of the §A2 scheme, 1 ms pulse; binomial SE"))
	}
	for _, ti := range []int{1, 4} {
		out = append(out, binomial(fmt.Sprintf("P(desensitised) at %s", fmtTime(times[ti])), ode[ti][4]+ode[ti][5]+ode[ti][6], desensitised(counts[ti]), n,
			"RK4 solution of the §A2 scheme, C3+C4+C5; binomial SE"))
	}
	out = append(out, jonasCompare(counts[3:4], times[3:4], pulse, []float64{1}, []string{"C0", "C1", "C2", "C3", "C4", "C5"})...)
	return out
}

// checkJonasSteady clamps glutamate at 10 µM for 600 ms (the slowest
// relaxation has settled to < 1e-5 by 400 ms): §A2 steady state P_open
// 0.0022 with 50% desensitised; the expected values are the exact
// stationary distribution of the scheme (Qᵀπ = 0), which the table rounds.
func checkJonasSteady(seed uint64) []Result {
	times := []float64{600}
	counts, err := jonasRun(seed, 0.1, 10e-6, nil, times)
	if err != nil {
		return modelError("Jonas steady state", err)
	}
	const n = jonasSites * jonasReps
	pi := Jonas().Steady(0.01)
	out := []Result{
		binomial("P_open, 10 µM steady state", pi[3], counts[0][3], n, fmt.Sprintf("§A2 stationary distribution (table: 0.0022); exact %.5f; binomial SE", pi[3])),
		binomial("P(desensitised), 10 µM steady state", pi[4]+pi[5]+pi[6], desensitised(counts[0]), n,
			fmt.Sprintf("§A2 stationary distribution (table: 50%%); exact %.4f; catches a wrong C3→C4 (T7); binomial SE", pi[4]+pi[5]+pi[6])),
	}
	for _, st := range []string{"C0", "C1", "C3", "C4"} {
		i := Jonas().Index(st)
		out = append(out, binomial(fmt.Sprintf("P(%s), 10 µM steady state", st), pi[i], counts[0][i], n, "§A2 stationary distribution; binomial SE"))
	}
	return out
}
