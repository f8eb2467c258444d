// Package validate is the physics validation suite of the engine: each
// Check simulates a situation with a known analytic (or independently
// integrated) answer and compares the simulated statistic with it.
//
// Every comparison is a Result with z = (simulated − expected)/SE, where
// the standard error SE comes from the statistics of the simulation itself
// (an analytic binomial, Poisson or χ² formula, or the sample SD across
// independent molecules or replicates), never from a hand-set tolerance. A
// result passes when |z| < 4 (docs/design.md §8, docs/parameters.md §A7: "accept at
// ±4 SE"). Invariants that must hold exactly (conservation, determinism)
// have SE = 0 and pass only on equality.
//
// The same checks run from Go tests (montecarlo/validate) and from the
// command `mc validate`.
package validate

import (
	"fmt"
	"io"
	"math"
	"sync"
	"text/tabwriter"

	"github.com/reuptake/reuptake/montecarlo"
)

// ZLimit is the pass threshold on |z| (docs/parameters.md §A7: "accept at ±4 SE").
const ZLimit = 4

// Result is one compared quantity of a check.
type Result struct {
	Name     string  // the check that produced it
	Quantity string  // what was compared, e.g. "<r²>(0.1 ms), dt = 1 µs"
	Expected float64 // analytic or reference value (its source is in the code)
	// Simulated is the Monte Carlo estimate and SE its standard error. SE
	// is 0 for exact invariants.
	Simulated, SE float64
	// Z is (Simulated − Expected)/SE. For a Kolmogorov–Smirnov row it is
	// the standard-normal deviate with the same upper-tail probability as
	// the KS statistic (so |z| < 4 means p > 3.2e-5).
	Z      float64
	Pass   bool
	Detail string // source of the expected value and other context
}

// Check is one validation check.
type Check struct {
	Name string
	// Quick marks the checks of the fast subset (mc validate --quick,
	// go test -short).
	Quick bool
	// Run simulates the check with the given seed and returns its results.
	Run func(seed uint64) []Result
}

// Checks lists all checks in a fixed order.
func Checks() []Check {
	return []Check{
		{Name: "T1 free diffusion", Quick: true, Run: func(s uint64) []Result { return checkFreeDiffusion(s, 1) }},
		{Name: "T3 reflecting slab", Quick: true, Run: func(s uint64) []Result { return checkSlab(s, 1) }},
		{Name: "T3 reflecting slab dt/4", Quick: false, Run: func(s uint64) []Result { return checkSlab(s, 4) }},
		{Name: "T4 point source in a cleft", Quick: true, Run: checkPointSource},
		{Name: "T5 escape from a disk", Quick: true, Run: func(s uint64) []Result { return checkDiskEscape(s, 1, 1) }},
		{Name: "T5 escape from a disk dt/4", Quick: false, Run: func(s uint64) []Result { return checkDiskEscape(s, 4, 1) }},
		{Name: "T6 Smoluchowski absorbing sphere", Quick: false, Run: checkSmoluchowski},
		{Name: "T7 clamped-ligand binding", Quick: true, Run: checkClampedBinding},
		{Name: "T7 closed box, explicit ligand", Quick: false, Run: func(s uint64) []Result { return checkClosedBox(s, 1) }},
		{Name: "T7 closed box, explicit ligand dt/4", Quick: false, Run: func(s uint64) []Result { return checkClosedBox(s, 4) }},
		{Name: "surface binding flux", Quick: true, Run: func(s uint64) []Result { return checkSurfaceFlux(s, 1) }},
		{Name: "surface binding flux dt/4", Quick: false, Run: func(s uint64) []Result { return checkSurfaceFlux(s, 4) }},
		{Name: "Jonas AMPA 1 mM step", Quick: true, Run: checkJonasStep},
		{Name: "Jonas AMPA 1 ms pulse", Quick: true, Run: checkJonasPulse},
		{Name: "Jonas AMPA 10 uM steady state", Quick: true, Run: checkJonasSteady},
		{Name: "T9 first-order decay", Quick: true, Run: func(s uint64) []Result { return checkDecay(s, 1) }},
		{Name: "T9 first-order decay dt/4", Quick: false, Run: func(s uint64) []Result { return checkDecay(s, 4) }},
		{Name: "T9 branching", Quick: true, Run: checkBranching},
		{Name: "D and alpha interfaces", Quick: false, Run: checkInterface},
		{Name: "conservation", Quick: true, Run: checkConservation},
		{Name: "determinism", Quick: true, Run: checkDeterminism},
		{Name: "T8 Michaelis-Menten uptake", Quick: true, Run: func(s uint64) []Result { return checkMichaelisMenten(s, false, 1, 8) }},
		{Name: "T8 Michaelis-Menten uptake dt/4", Quick: false, Run: func(s uint64) []Result { return checkMichaelisMenten(s, false, 4, 8) }},
		{Name: "T8 competitive blocker", Quick: false, Run: func(s uint64) []Result { return checkMichaelisMenten(s, true, 1, 8) }},
		{Name: "blocker occupancy", Quick: true, Run: checkBlockerOccupancy},
		{Name: "SSRI selectivity", Quick: false, Run: checkSelectivity},
		{Name: "amphetamine efflux", Quick: true, Run: checkAmphetamine},
		{Name: "NMJ acetylcholinesterase", Quick: false, Run: checkNMJ},
		{Name: "T10 porous point source", Quick: true, Run: func(s uint64) []Result { return checkPorousPointSource(s, 0.5, 1, 1) }},
		{Name: "T10 porous point source k = 19.5 /s dt/4", Quick: false, Run: func(s uint64) []Result { return checkPorousPointSource(s, 0.0195, 4, 1) }},
		{Name: "voxel mask vs cleft builder", Quick: true, Run: checkMaskCleft},
		{Name: "T1 free diffusion long steps ×10", Quick: true, Run: func(s uint64) []Result { return checkFreeDiffusion(s, 10) }},
		{Name: "T5 escape from a disk long steps ×10", Quick: true, Run: func(s uint64) []Result { return checkDiskEscape(s, 1, 10) }},
		{Name: "T10 porous point source long steps ×10", Quick: true, Run: func(s uint64) []Result { return checkPorousPointSource(s, 0.5, 1, 10) }},
		{Name: "T1 free diffusion across shard boundaries", Quick: true, Run: checkShardDiffusion},
		{Name: "surface binding flux across shard boundaries", Quick: true, Run: checkShardBinding},
		{Name: "shard determinism across workers", Quick: true, Run: checkShardDeterminism},
		{Name: "CA1 synapse: 4 shards vs 1", Quick: false, Run: checkShardsMatchUnsharded},
		{Name: "occupancy and above_threshold at equilibrium", Quick: true, Run: checkOccupancy},
		{Name: "transporter library: uptake and cocaine Km_app vs exact", Quick: false, Run: checkLibraryUptake},
		{Name: "transporter library: pulse vs master equation", Quick: false, Run: checkLibraryPulse},
		{Name: "events: first passage from a disk and a ball", Quick: false, Run: checkEventFirstPassage},
		{Name: "events: dwell times of site states", Quick: true, Run: checkDwellTimes},
		{Name: "volume sites vs exact SSA, crowded site", Quick: true, Run: func(s uint64) []Result { return checkWellMixedCrowded(s, 0.05, 1000) }},
		{Name: "reversible membrane binding at equilibrium", Quick: false, Run: func(s uint64) []Result { return checkReversibleMembrane(s, 1e-4, 2, 100) }},
		{Name: "reversible membrane binding at equilibrium dt/4", Quick: false, Run: func(s uint64) []Result { return checkReversibleMembrane(s, 2.5e-5, 2, 100) }},
		{Name: "volume MM carriers vs exact SSA", Quick: false, Run: func(s uint64) []Result { return checkWellMixedUptake(s, 0.05, 1000) }},
		{Name: "volume MM carriers vs exact SSA dt/4", Quick: false, Run: func(s uint64) []Result { return checkWellMixedUptake(s, 0.0125, 1000) }},
	}
}

// RunAll runs the checks (only the Quick ones when quick is set) on up to
// workers goroutines and returns their results in the fixed order of
// Checks. Each check's seed is derived from seed and the check's name, so a
// check's results do not depend on which other checks run or on workers.
func RunAll(quick bool, seed uint64, workers int) []Result {
	return runChecks(selectChecks(quick), seed, workers)
}

// selectChecks is Checks, only the Quick ones when quick is set, in the
// fixed order.
func selectChecks(quick bool) []Check {
	var cs []Check
	for _, c := range Checks() {
		if !quick || c.Quick {
			cs = append(cs, c)
		}
	}
	return cs
}

// runChecks runs cs on up to workers goroutines and returns their results
// in the order of cs.
func runChecks(cs []Check, seed uint64, workers int) []Result {
	if workers < 1 {
		workers = 1
	}
	out := make([][]Result, len(cs))
	jobs := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < workers && w < len(cs); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				out[i] = RunCheck(cs[i], seed)
			}
		}()
	}
	for i := range cs {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	var all []Result
	for _, rs := range out {
		all = append(all, rs...)
	}
	return all
}

// RunCheck runs one check with the seed derived from seed and its name, and
// stamps the check's name on its results.
func RunCheck(c Check, seed uint64) []Result {
	rs := c.Run(CheckSeed(seed, c.Name))
	for i := range rs {
		rs[i].Name = c.Name
	}
	return rs
}

// CheckSeed is the seed a check runs with under the master seed.
func CheckSeed(seed uint64, name string) uint64 {
	// FNV-1a of the name, mixed with the master seed.
	h := uint64(14695981039346656037)
	for i := 0; i < len(name); i++ {
		h = (h ^ uint64(name[i])) * 1099511628211
	}
	return montecarlo.StreamKey(seed, h)
}

// WriteTable prints results as an aligned table: check, quantity,
// expected, simulated ± SE, z and PASS/FAIL, with the detail last.
func WriteTable(w io.Writer, rs []Result) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "check\tquantity\texpected\tsimulated ± SE\tz\tresult\tdetail")
	for _, r := range rs {
		sim := fmt.Sprintf("%s ± %s", num(r.Simulated), num(r.SE))
		z := fmt.Sprintf("%+.2f", r.Z)
		if r.SE == 0 {
			sim = num(r.Simulated) + " (exact)"
			z = "-"
		}
		verdict := "PASS"
		if !r.Pass {
			verdict = "FAIL"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r.Name, r.Quantity, num(r.Expected), sim, z, verdict, r.Detail)
	}
	tw.Flush()
}

// num formats a value with 4 significant digits.
func num(x float64) string {
	if x == math.Trunc(x) && math.Abs(x) < 1e7 {
		return fmt.Sprintf("%.0f", x)
	}
	return fmt.Sprintf("%.4g", x)
}

// compare makes a Result from an expected value and a simulated estimate
// with its standard error.
func compare(quantity string, expected, simulated, se float64, detail string) Result {
	r := Result{Quantity: quantity, Expected: expected, Simulated: simulated, SE: se, Detail: detail}
	switch {
	case se > 0 && !math.IsInf(se, 0):
		r.Z = (simulated - expected) / se
		r.Pass = math.Abs(r.Z) < ZLimit
	default:
		r.Z = math.NaN()
	}
	return r
}

// exact makes a Result for an invariant that must hold exactly: it passes
// only when simulated equals expected.
func exact(quantity string, expected, simulated float64, detail string) Result {
	r := Result{Quantity: quantity, Expected: expected, Simulated: simulated, Detail: detail, Pass: simulated == expected}
	if !r.Pass {
		r.Z = math.Copysign(math.Inf(1), simulated-expected)
	}
	return r
}

// binomial compares a count k of n Bernoulli trials with the expected
// probability p; SE = √(p(1−p)/n) under the expected p.
func binomial(quantity string, p float64, k, n int64, detail string) Result {
	q := float64(k) / float64(n)
	return compare(quantity, p, q, math.Sqrt(p*(1-p)/float64(n)), detail)
}
