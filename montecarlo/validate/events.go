package validate

import (
	"fmt"
	"math"
	"sort"

	"github.com/reuptake/reuptake/agents"
	"github.com/reuptake/reuptake/montecarlo"
	"github.com/reuptake/reuptake/space"
)

// Checks of the events table against theory: first-passage times built
// from release and escape events (molecule ids joined across the two), and
// dwell times of site states built from the transition events.

// recordRun runs replicate 0 of m with every event recorded and returns
// the events.
func recordRun(m *montecarlo.Model, seed uint64) []montecarlo.Event {
	e := montecarlo.NewEngine(m)
	tape := &montecarlo.Tape{}
	defer tape.Release()
	e.Record(tape)
	e.Reset(seed, 0)
	e.Run(func(float64, []float64) {})
	var out []montecarlo.Event
	tape.Events.Each(func(ev *montecarlo.Event) error { out = append(out, *ev); return nil })
	return out
}

// exitTimes joins each escape event to the release event of the same
// molecule and returns the times from release to escape; molecules not
// escaped by tEnd count as tEnd (censored), and n is how many.
func exitTimes(events []montecarlo.Event, tEnd float64) (times []float64, censored int, err error) {
	start := map[int64]float64{}
	for _, ev := range events {
		switch ev.Kind {
		case montecarlo.EventRelease:
			start[ev.Molecule] = ev.T
		case montecarlo.EventEscape:
			t0, ok := start[ev.Molecule]
			if !ok {
				return nil, 0, fmt.Errorf("escape of molecule %d, never released", ev.Molecule)
			}
			times = append(times, ev.T-t0)
			delete(start, ev.Molecule)
		}
	}
	for _, t0 := range start {
		times = append(times, tEnd-t0)
		censored++
	}
	return times, censored, nil
}

// checkEventFirstPassage: the mean exit time of molecules released at r₀
// from a disk with an absorbing rim, (R'² − r₀²)/(4D), and from a ball,
// (R'² − r₀²)/(6D), and the survival curve of molecules released at the
// centre of the disk against the §A7 T5 series, all computed from the
// events table alone (release and escape times joined by molecule id). R' is the equal-area (disk) or
// equal-volume (ball) radius of the voxelised boundary moved out by the
// discrete-time crossing correction 0.5826·√(2DΔt) (§A7 T5, as in the T5
// check); the exit time is the end of the step that crossed, which biases
// the mean by about Δt/2 = 5 ns, 0.04% of the disk's and 0.12% of the
// ball's mean, a tenth of the SE or less. With 4000 molecules the SE is
// about 1.1% (disk) and 1.3% (ball) of the mean, so a 5% error in the
// join (a molecule id mixed up, a release time off) would be seen.
func checkEventFirstPassage(seed uint64) []Result {
	const d, voxel, dt, n = 0.3, 0.0025, 1e-5, 4000
	var out []Result
	// Disk: R = 0.15 µm in a 20 nm slab, start at r₀ = 0.075 µm.
	{
		const r, h, r0 = 0.15, 0.02, 0.075
		ds := space.DiskSpec{Radius: r, Height: h, Voxel: voxel}
		ms, shape, data, err := ds.Mask()
		if err != nil {
			return modelError("disk first passage", err)
		}
		tEnd := 2 * r * r / d
		spec := maskSpec(ms, shape, data, dt, tEnd, montecarlo.SpeciesSpec{Name: "x", D: d})
		spec.Run.SampleInterval = tEnd
		at := [3]float64{r0 * 0.6, r0 * 0.8, h/2 + 0.00013}
		spec.Releases = []montecarlo.ReleaseSpec{{Release: agents.Release{Species: "x", At: at, Times: []float64{0}, N: n, Probability: 1}}}
		spec.Output = montecarlo.OutputSpec{Events: []string{"release", "escape"}}
		m, err := montecarlo.NewModel(spec)
		if err != nil {
			return modelError("disk first passage", err)
		}
		times, left, err := exitTimes(recordRun(m, seed), tEnd)
		if err != nil {
			return modelError("disk first passage", err)
		}
		rc := ds.EffectiveRadius() + crossingShift*math.Sqrt(2*d*dt)
		mean, se := meanSE(times)
		out = append(out, compare("disk mean first passage from events µs", (rc*rc-r0*r0)/(4*d)*1e3, mean*1e3, se*1e3,
			fmt.Sprintf("(R'² − r₀²)/(4D), r₀ = %g µm, R' = %.2f nm (equal-area radius + 0.5826·√(2DΔt)); release → escape per molecule id from the events table; %d of %d censored at %g ms; SE = SD/√N",
				r0, rc*1e3, left, len(times), tEnd)))
	}
	// Disk, from the centre: the survival curve S(τ) from the events
	// against the §A7 T5 Bessel series (as the T5 check computes it from
	// the counts), binomial SE at each τ.
	{
		const r, h = 0.15, 0.02
		ds := space.DiskSpec{Radius: r, Height: h, Voxel: voxel}
		ms, shape, data, err := ds.Mask()
		if err != nil {
			return modelError("disk survival", err)
		}
		tEnd := 0.1
		spec := maskSpec(ms, shape, data, dt, tEnd, montecarlo.SpeciesSpec{Name: "x", D: d})
		spec.Run.SampleInterval = tEnd
		at := [3]float64{0.00011, -0.00007, h/2 + 0.00013}
		spec.Releases = []montecarlo.ReleaseSpec{{Release: agents.Release{Species: "x", At: at, Times: []float64{0}, N: n, Probability: 1}}}
		spec.Output = montecarlo.OutputSpec{Events: []string{"release", "escape"}}
		m, err := montecarlo.NewModel(spec)
		if err != nil {
			return modelError("disk survival", err)
		}
		times, _, err := exitTimes(recordRun(m, seed^0x5eed), tEnd)
		if err != nil {
			return modelError("disk survival", err)
		}
		rc := ds.EffectiveRadius() + crossingShift*math.Sqrt(2*d*dt)
		for _, tau := range diskSurvivalTau[:4] {
			t := tau * r * r / d
			var left int64
			for _, x := range times {
				if x > t*(1+1e-9) {
					left++
				}
			}
			out = append(out, binomial(fmt.Sprintf("disk survival from events S(τ = %g)", tau), diskSurvival(d*t/(rc*rc)), left, int64(len(times)),
				fmt.Sprintf("§A7 T5 Bessel series at τ' = Dt/R'² = %.4f, R' = %.2f nm; molecules released at the centre not yet escaped by the events table; binomial SE", d*t/(rc*rc), rc*1e3)))
		}
	}
	// Ball: free medium within R = 0.1 µm, sinks beyond; start at r₀ = 0.05 µm.
	{
		const r, r0 = 0.1, 0.05
		bs := space.BallSpec{Radius: 0.001, Outer: r, Voxel: voxel} // the inner sink holds no voxel centre
		ms, shape, data, err := bs.Mask()
		if err != nil {
			return modelError("ball first passage", err)
		}
		tEnd := 0.07 // τ = Dt/R² = 2.1: S ≈ 1e-9
		spec := maskSpec(ms, shape, data, dt, tEnd, montecarlo.SpeciesSpec{Name: "x", D: d})
		spec.Run.SampleInterval = tEnd
		at := [3]float64{r0 * 0.6, r0 * 0.8, 0.00011}
		spec.Releases = []montecarlo.ReleaseSpec{{Release: agents.Release{Species: "x", At: at, Times: []float64{0}, N: n, Probability: 1}}}
		spec.Output = montecarlo.OutputSpec{Events: []string{"release", "escape"}}
		m, err := montecarlo.NewModel(spec)
		if err != nil {
			return modelError("ball first passage", err)
		}
		times, left, err := exitTimes(recordRun(m, seed), tEnd)
		if err != nil {
			return modelError("ball first passage", err)
		}
		rc := bs.OuterEffectiveRadius() + crossingShift*math.Sqrt(2*d*dt)
		mean, se := meanSE(times)
		out = append(out, compare("ball mean first passage from events µs", (rc*rc-r0*r0)/(6*d)*1e3, mean*1e3, se*1e3,
			fmt.Sprintf("(R'² − r₀²)/(6D), r₀ = %g µm, R' = %.2f nm (equal-volume radius + 0.5826·√(2DΔt)); release → escape per molecule id from the events table; %d of %d censored at %g ms; SE = SD/√N",
				r0, rc*1e3, left, len(times), tEnd)))
	}
	return out
}

// checkDwellTimes: 2000 sites cycle A → B (3 /ms), A → C (1 /ms), B → A
// (5 /ms), C → A (2 /ms) for 15 ms; the dwell times in A and B are
// measured from the transition events (entry to exit, per site) and
// compared by KS tests with exponentials of mean 1/k_out (1/4 and 1/5 ms),
// with the share of A's exits that go to B against k_AB/k_out = 3/4. Only
// dwells that start at least 5 ms before the end are kept (P(dwell > 5
// ms) < e^{−20}), so that none is censored and the sample is not biased
// toward short dwells. About 38000 A dwells: the KS test sees a CDF error
// of about 1%, and the mean's SE is 0.5%.
func checkDwellTimes(seed uint64) []Result {
	const nSites, tEnd, cut = 2000, 15.0, 5.0
	rates := map[[2]string]float64{{"A", "B"}: 3, {"A", "C"}: 1, {"B", "A"}: 5, {"C", "A"}: 2}
	scheme := agents.Scheme{States: []string{"A", "B", "C"}, Initial: "A"}
	for _, k := range [][2]string{{"A", "B"}, {"A", "C"}, {"B", "A"}, {"C", "A"}} {
		scheme.Transitions = append(scheme.Transitions, agents.Transition{From: k[0], To: k[1], Kind: agents.FirstOrder, Rate: rates[k]})
	}
	spec := boxSpec([3]float64{1, 1, 0.1}, 0.01, 0.01, tEnd, montecarlo.SpeciesSpec{Name: "L", D: 1e-4})
	spec.Run.SampleInterval = tEnd
	spec.SiteTypes = []montecarlo.SiteTypeSpec{{Name: "s", Scheme: scheme}}
	spec.Placements = []montecarlo.PlacementSpec{{Site: "s", Region: "zmin", Count: nSites}}
	spec.Output = montecarlo.OutputSpec{Events: []string{"transition"}}
	m, err := montecarlo.NewModel(spec)
	if err != nil {
		return modelError("dwell times", err)
	}
	since := make([]float64, nSites) // all start in A at t = 0
	dwell := map[int16][]float64{}
	var toB, exitsA int64
	for _, ev := range recordRun(m, seed) {
		if ev.Kind != montecarlo.EventTransition {
			continue
		}
		if t0 := since[ev.Site]; t0 <= tEnd-cut {
			dwell[ev.From] = append(dwell[ev.From], ev.T-t0)
			if ev.From == 0 {
				exitsA++
				if ev.To == 1 {
					toB++
				}
			}
		}
		since[ev.Site] = ev.T
	}
	var out []Result
	for _, c := range []struct {
		st   int16
		kout float64
	}{{0, 4}, {1, 5}} {
		st, kout := c.st, c.kout
		name := scheme.States[st]
		xs := dwell[st]
		if len(xs) < 1000 {
			return append(out, Result{Quantity: "dwell in " + name, Z: math.NaN(), Detail: fmt.Sprintf("only %d dwells", len(xs))})
		}
		d, p := ksAgainst(xs, func(t float64) float64 { return -math.Expm1(-kout * t) })
		out = append(out, ksResult(fmt.Sprintf("dwell in %s vs exponential, mean 1/%g ms (KS √n·D)", name, kout), d, p, len(xs),
			fmt.Sprintf("%d dwells from transition events, starting at least %g ms before the end; Kolmogorov distribution", len(xs), cut)))
		mean, se := meanSE(xs)
		out = append(out, compare(fmt.Sprintf("mean dwell in %s ms", name), 1/kout, mean, se, "1/k_out; SE = SD/√N"))
	}
	out = append(out, binomial("share of A's exits to B", 3.0/4, toB, exitsA, "k_AB/k_out = 3/4; binomial SE"))
	return out
}

// ksAgainst returns the one-sample KS statistic of xs against the CDF cdf
// and its p-value (as ksNormal). xs is sorted in place.
func ksAgainst(xs []float64, cdf func(float64) float64) (d, p float64) {
	sort.Float64s(xs)
	n := float64(len(xs))
	for i, x := range xs {
		f := cdf(x)
		d = math.Max(d, math.Max(float64(i+1)/n-f, f-float64(i)/n))
	}
	sn := math.Sqrt(n)
	return d, kolmogorovQ((sn + 0.12 + 0.11/sn) * d)
}
