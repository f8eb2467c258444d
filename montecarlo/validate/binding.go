package validate

import (
	"fmt"
	"math"

	"github.com/reuptake/reuptake/agents"
	"github.com/reuptake/reuptake/montecarlo"
)

// inert is a placeholder diffusing species for models that only exercise
// site kinetics (a model needs one); its tiny D allows long timesteps.
var inert = montecarlo.SpeciesSpec{Name: "inert", D: 1e-6}

// checkClampedBinding is docs/parameters.md §A7 T7 with the ligand clamped (a
// bath species): R + L ⇌ RL with k_on = 1e7 /M/s, k_off = 0.05 /ms and
// L = 15 µM, so Kd = 5 µM, p = L/(L+Kd) = 0.75 and k_obs = k_on·L + k_off
// = 0.2 /ms. 400 replicates of 100 sites start unbound.
func checkClampedBinding(seed uint64) []Result {
	const (
		nSites = 100
		reps   = 400
		koff   = 0.05 // 1/ms
		lMolar = 15e-6
	)
	kon := montecarlo.KOnFromMolar(1e7)
	l := montecarlo.ConcFromMolar(lMolar)
	kobs := kon*l + koff
	p := kon * l / kobs
	scheme := agents.Scheme{
		States: []string{"R", "RL"},
		Transitions: []agents.Transition{
			{From: "R", To: "RL", Kind: agents.Bind, Species: "L", Rate: kon},
			{From: "RL", To: "R", Kind: agents.Unbind, Species: "L", Rate: koff},
		},
	}
	times := []float64{1 / kobs, 2 / kobs, 12 / kobs, 13 / kobs} // 5, 10, 60, 65 ms
	spec := boxSpec([3]float64{1, 1, 0.01}, 0.01, 0.05, times[3], inert)
	spec.Baths = []montecarlo.BathSpec{{Name: "L", Conc: l}}
	spec.SiteTypes = []montecarlo.SiteTypeSpec{{Name: "r", Scheme: scheme}}
	spec.Placements = []montecarlo.PlacementSpec{{Site: "r", Region: "zmin", Count: nSites}}
	m, err := montecarlo.NewModel(spec)
	if err != nil {
		return modelError("clamped binding", err)
	}
	e := montecarlo.NewEngine(m)
	bound := make([][]float64, len(times))
	for rep := 0; rep < reps; rep++ {
		e.Reset(seed, rep)
		for k, t := range times {
			runTo(e, m, t)
			bound[k] = append(bound[k], float64(e.StateCounts(0)[1]))
		}
	}
	sum := func(xs []float64) int64 {
		s := 0.0
		for _, x := range xs {
			s += x
		}
		return int64(s)
	}
	const total = nSites * reps
	out := []Result{
		binomial("bound fraction at t = 1/k_obs (5 ms)", p*(1-math.Exp(-1)), sum(bound[0]), total,
			"§A7 T7: p(1 − e⁻¹), k_obs = k_on·L + k_off; binomial SE"),
		binomial("bound fraction at t = 2/k_obs (10 ms)", p*(1-math.Exp(-2)), sum(bound[1]), total,
			"§A7 T7: p(1 − e⁻²); binomial SE"),
		binomial("bound fraction at equilibrium (60 ms)", p, sum(bound[2]), total,
			"§A7 T7: L/(L + Kd) = 0.75; binomial SE"),
	}
	// Variance of the bound count across replicates: binomial N_R·p(1−p).
	// SE of the sample variance from the binomial fourth central moment:
	// Var(s²) = μ₄/n − σ⁴(n−3)/(n(n−1)).
	x := bound[2]
	mean, _ := meanSE(x)
	var ss float64
	for _, v := range x {
		ss += (v - mean) * (v - mean)
	}
	n := float64(len(x))
	s2 := ss / (n - 1)
	sig2 := nSites * p * (1 - p)
	mu4 := sig2 * (1 + 3*(nSites-2)*p*(1-p))
	seVar := math.Sqrt(mu4/n - sig2*sig2*(n-3)/(n*(n-1)))
	out = append(out, compare(fmt.Sprintf("Var(bound count) at equilibrium, N_R = %d", nSites), sig2, s2, seVar,
		"§A7 T7: N_R·p(1−p); SE from the binomial 4th moment"))
	// Autocorrelation of the bound count at lag 1/k_obs: e^{−1}; SE of a
	// sample correlation ≈ (1 − ρ²)/√n.
	y := bound[3]
	my, _ := meanSE(y)
	var sxy, syy float64
	for i := range x {
		sxy += (x[i] - mean) * (y[i] - my)
		syy += (y[i] - my) * (y[i] - my)
	}
	rho := math.Exp(-1)
	out = append(out, compare("autocorrelation of bound count at lag 1/k_obs", rho, sxy/math.Sqrt(ss*syy), (1-rho*rho)/math.Sqrt(n),
		"§A7 T7: e^{−k_obs·τ}; SE (1 − ρ²)/√n"))
	return out
}

// checkSurfaceFlux checks the surface binding probability (docs/design.md §3.3,
// docs/parameters.md §A8): a uniform explicit ligand (c₀ ≈ 1.3 mM) above a
// membrane covered with sites at σ = 10⁴ µm⁻² (one per 10 nm tile, MCell's
// default grid density), irreversible binding with k_on = 1.5e8 /M/s
// (κ' ≈ 0.01 at dt = 10 ns), counted over a window of T = 0.1 µs. In the
// initial-rate limit the expected count is k_on·[L]·N_sites·T. Over the
// window a depletion layer forms; its exact continuum correction for a
// uniformly reactive plane with κ = k_on·σ (Robin boundary) is
// M(T) = c₀(D/κ)[e^{x²}erfc(x) − 1 + 2x/√π], x = κ√(T/D) (≈ −3%), and the
// consumption of sites (about 2%) gives a bound fraction 1 − exp(−M·A). Both
// corrections are applied to the expected value and reported. div divides
// the base step.
func checkSurfaceFlux(seed uint64, div int) []Result {
	const (
		lx, lz = 2.0, 0.05 // µm; lz > 6·√(2DT)
		reps   = 10
	)
	dt := 1e-5 / float64(div)
	x, err := runSurfaceFlux(seed, [3]float64{lx, lx, lz}, dt, 1, reps)
	if err != nil {
		return modelError("surface flux", err)
	}
	area := fluxVoxel * fluxVoxel
	kon := montecarlo.KOnFromMolar(fluxKOnMolar)
	kappa := kon / area // κ = k_on·σ with σ = 1/A
	pBound, naive, xr := robinBound(x.c, area, fluxD, kon, fluxWindow)
	robin := -math.Log1p(-pBound)
	// κ' = κΔt/√(2DΔt), the per-hit parameter of Andrews' formula.
	kp := kappa * dt / math.Sqrt(2*fluxD*dt)
	r := binomial(fmt.Sprintf("sites bound in 0.1 µs / N_sites, dt = %g ns", dt*1e6), pBound, x.bound, int64(x.tiles*reps),
		fmt.Sprintf("§3/§A8: k_on[L]N_sites·T = %.5g per site, ×%.4f depletion (Robin plane, x = %.3g), site use 1−e^{−m}; κ' = %.3g; binomial SE",
			naive, robin/naive, xr, kp))
	// Show the flux in the units of the statement too.
	r.Detail += fmt.Sprintf("; flux %.4g vs k_on[L]N_sites %.4g /ms", float64(x.bound)/fluxWindow/float64(reps), naive*float64(x.tiles)/fluxWindow)
	return []Result{r}
}

// The surface-flux experiment (checkSurfaceFlux, checkShardBinding).
const (
	fluxD        = 0.33  // µm²/ms
	fluxVoxel    = 0.01  // µm; tile area 1e-4 µm²
	fluxWindow   = 1e-4  // ms
	fluxC0       = 8.0e5 // molecules/µm³ (1.33 mM)
	fluxKOnMolar = 1.5e8 // /M/s
)

// fluxResult is the outcome of runSurfaceFlux.
type fluxResult struct {
	m     *montecarlo.Model
	bound int64   // sites bound at the end of the window, over all replicates
	tiles int     // sites per replicate
	c     float64 // ligand concentration, molecules/µm³
}

// runSurfaceFlux runs the surface-flux experiment in a box of the given
// size (µm) cut into shards blocks: an irreversible site on every tile of
// the floor (zmin), a uniform explicit ligand at fluxC0 placed anew in
// each of reps replicates, binding for fluxWindow at step dt.
func runSurfaceFlux(seed uint64, size [3]float64, dt float64, shards, reps int) (fluxResult, error) {
	kon := montecarlo.KOnFromMolar(fluxKOnMolar)
	scheme := agents.Scheme{
		States:      []string{"A", "B"},
		Transitions: []agents.Transition{{From: "A", To: "B", Kind: agents.Bind, Species: "L", Rate: kon}},
	}
	r := fluxResult{tiles: int(math.Round(size[0]/fluxVoxel)) * int(math.Round(size[1]/fluxVoxel))}
	spec := boxSpec(size, fluxVoxel, dt, fluxWindow, montecarlo.SpeciesSpec{Name: "L", D: fluxD})
	spec.SiteTypes = []montecarlo.SiteTypeSpec{{Name: "s", Scheme: scheme}}
	spec.Placements = []montecarlo.PlacementSpec{{Site: "s", Region: "zmin", Count: r.tiles}}
	spec.Run.Shards = shards
	m, err := montecarlo.NewModel(spec)
	if err != nil {
		return r, err
	}
	r.m = m
	vol := size[0] * size[1] * size[2]
	nL := int(math.Round(fluxC0 * vol))
	r.c = float64(nL) / vol
	e := montecarlo.NewEngine(m)
	for rep := 0; rep < reps; rep++ {
		e.Reset(seed, rep)
		pos := montecarlo.NewStream(montecarlo.StreamKey(seed, uint64(rep), 0xf1a))
		for i := 0; i < nL; i++ {
			e.AddMolecule([3]float64{size[0] * pos.Float64(), size[1] * pos.Float64(), size[2] * pos.Float64()}, 0)
		}
		runTo(e, m, fluxWindow)
		r.bound += e.StateCounts(0)[1]
	}
	return r, nil
}

// closedBoxStationary is the exact stationary distribution of the number n
// of bound sites for R₀ independent sites and L₀ ligand molecules in a
// closed volume V with K = k_on/k_off (kv = K/V):
// π(n) ∝ C(R₀,n)·L₀!/(L₀−n)!·kvⁿ. It returns the mean and variance of n.
// Its large-number limit is the mass-action formula of §A7 T7.
func closedBoxStationary(r0, l0 int, kv float64) (mean, variance float64) {
	lg := func(x int) float64 { v, _ := math.Lgamma(float64(x + 1)); return v }
	var lw []float64
	mx := math.Inf(-1)
	for n := 0; n <= r0 && n <= l0; n++ {
		w := lg(r0) - lg(n) - lg(r0-n) + lg(l0) - lg(l0-n) + float64(n)*math.Log(kv)
		lw = append(lw, w)
		mx = math.Max(mx, w)
	}
	var z, m1, m2 float64
	for n, w := range lw {
		p := math.Exp(w - mx)
		z += p
		m1 += float64(n) * p
		m2 += float64(n*n) * p
	}
	mean = m1 / z
	return mean, m2/z - mean*mean
}

// checkClosedBox is docs/parameters.md §A7 T7, closed box with a finite,
// explicit (diffusing) ligand: 400 sites covering the floor of a
// 0.2 × 0.2 × 0.05 µm box and 400 ligand molecules, k_on = 2e7 /M/s
// (κ' ≈ 0.004), k_off = 2 /ms. The mean bound count at equilibrium is
// compared with the exact stationary mean of the closed system; samples are
// 0.5 ms apart, about four relaxation times. This exercises explicit
// binding and unbinding together: the hit probability, the unbinding
// placement and their detailed balance (exact at any κ' since unbinding
// places molecules as the time reverse of a crossing step; see
// checkReversibleMembrane for κ' = 0.1 and 0.2). div divides the step (and
// halves the replicates when > 1).
func checkClosedBox(seed uint64, div int) []Result {
	dt := 1e-4 / float64(div)
	b := closedBox{kon: montecarlo.KOnFromMolar(2e7), koff: 2.0, d: 0.33, dt: dt,
		equil: 1.0, every: 0.5, reps: 4, samples: 40, posKey: 0xb0c5}
	if div > 1 {
		b.reps = 2
	}
	xs, err := b.run(seed)
	if err != nil {
		return modelError("closed box", err)
	}
	kv := b.kv()
	want, variance := closedBoxStationary(closedBoxSites, closedBoxLigands, kv)
	// §A7 T7 mass action: B = [(L₀+R₀+Kd) − √((L₀+R₀+Kd)² − 4L₀R₀)]/2, in molecules.
	const nLig, nSites = closedBoxLigands, closedBoxSites
	kd := 1 / kv
	massAction := ((nLig + nSites + kd) - math.Sqrt((nLig+nSites+kd)*(nLig+nSites+kd)-4*nLig*nSites)) / 2
	mean, se := meanSE(xs)
	// Lag-1 autocorrelation of the samples, to show they are independent.
	var num, den float64
	for i := range xs {
		den += (xs[i] - mean) * (xs[i] - mean)
		if i%b.samples != 0 {
			num += (xs[i] - mean) * (xs[i-1] - mean)
		}
	}
	lag1 := num / den
	return []Result{compare(fmt.Sprintf("mean bound sites, explicit ligand, dt = %g ns", dt*1e6), want, mean, se,
		fmt.Sprintf("§A7 T7 closed box: exact stationary mean (mass action %.2f); SD %.2f (exact %.2f), lag-1 autocorrelation %.2f; κ' = %.3g; SE = SD/√n",
			massAction, math.Sqrt(den/float64(len(xs)-1)), math.Sqrt(variance), lag1, b.kappaPrime()))}
}

// The closed box of checkClosedBox and checkReversibleMembrane: a
// closedBoxSide × closedBoxSide × closedBoxHeight µm box of 10 nm voxels
// with closedBoxSites receptors on its floor and closedBoxLigands ligand
// molecules placed uniformly at the start.
const (
	closedBoxSide, closedBoxHeight   = 0.2, 0.05
	closedBoxSites, closedBoxLigands = 400, 400
)

// closedBox is one closed-box experiment: binding R + L ⇌ RL with k_on
// (engine units) and k_off (/ms), ligand D (µm²/ms) and timestep dt (ms);
// reps replicates, each sampled samples times every ms after equil ms.
// posKey is the stream purpose of the ligands' starting positions.
type closedBox struct {
	kon, koff, d, dt float64
	equil, every     float64
	reps, samples    int
	posKey           uint64
}

// kv is k_on/(k_off·V): the association constant in molecules⁻¹ of the box.
func (b closedBox) kv() float64 {
	return b.kon / b.koff / (closedBoxSide * closedBoxSide * closedBoxHeight)
}

// kappaPrime is κ' = κΔt/√(2DΔt) of the binding, with κ = k_on/A for the
// 10 nm tiles.
func (b closedBox) kappaPrime() float64 {
	return b.kon / 1e-4 * b.dt / math.Sqrt(2*b.d*b.dt)
}

// run simulates the box and returns the bound counts sampled in every
// replicate, replicate by replicate.
func (b closedBox) run(seed uint64) ([]float64, error) {
	scheme := agents.Scheme{States: []string{"R", "RL"}, Transitions: []agents.Transition{
		{From: "R", To: "RL", Kind: agents.Bind, Species: "L", Rate: b.kon},
		{From: "RL", To: "R", Kind: agents.Unbind, Species: "L", Rate: b.koff},
	}}
	lx, lz := closedBoxSide, closedBoxHeight
	spec := boxSpec([3]float64{lx, lx, lz}, 0.01, b.dt, b.equil+b.every*float64(b.samples), montecarlo.SpeciesSpec{Name: "L", D: b.d})
	spec.SiteTypes = []montecarlo.SiteTypeSpec{{Name: "r", Scheme: scheme}}
	spec.Placements = []montecarlo.PlacementSpec{{Site: "r", Region: "zmin", Count: closedBoxSites}}
	m, err := montecarlo.NewModel(spec)
	if err != nil {
		return nil, err
	}
	e := montecarlo.NewEngine(m)
	var xs []float64
	for rep := 0; rep < b.reps; rep++ {
		e.Reset(seed, rep)
		pos := montecarlo.NewStream(montecarlo.StreamKey(seed, uint64(rep), b.posKey))
		for i := 0; i < closedBoxLigands; i++ {
			e.AddMolecule([3]float64{lx * pos.Float64(), lx * pos.Float64(), lz * pos.Float64()}, 0)
		}
		runTo(e, m, b.equil)
		for k := 1; k <= b.samples; k++ {
			runTo(e, m, b.equil+b.every*float64(k))
			xs = append(xs, float64(e.StateCounts(0)[1]))
		}
	}
	return xs, nil
}
