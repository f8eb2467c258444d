package validate

import (
	"fmt"
	"math"

	"github.com/reuptake/reuptake/agents"
	"github.com/reuptake/reuptake/montecarlo"
)

// checkPorousPointSource is docs/parameters.md §A7 T10: N molecules released at
// t = 0 at the centre of a large porous box (α = 0.21, λ = 1.54,
// D_free = 0.763 µm²/ms, so D* = D/λ²) with first-order clearance k (a
// DegradationSpec) follow
//
//	C(r,t) = (N/α)(4πD*t)^{−3/2} exp(−r²/4D*t − kt)
//
// in the extracellular fraction. The engine measures it with
// concentration_at probes (ObservableSpec) of radius 0.25 µm, six at each
// distance r (±x, ±y, ±z); the expected value is C averaged over the probe
// ball by midpoint quadrature. Molecules do not interact, so the count in
// the probes is Poisson (binomial with a small p) and the SE follows from
// the expected count.
//
// Time step: in a homogeneous medium the Gaussian steps are exact and the
// per-step clearance 1 − e^{−kΔt} is exact, so the result does not depend
// on Δt (the dt/4 row checks it); the box (± 8 µm) is far enough that the
// reflecting walls change C at r ≤ 2 µm by < 1e-6 of itself up to 4 ms.
// In heterogeneous tissue the rms step √(2D*Δt) must stay well below the
// distances resolved.
//
// With long > 1 the run takes long steps of long·Δt (RunSpec.LongSteps):
// at Δt = 10 µs a long step of 10 needs 3 voxels of clearance, so every
// molecule less than about 6 µm from the source along each axis (all but
// ~5e-4 of them at 4 ms) takes long steps only; degradation over a long
// step is exact.
func checkPorousPointSource(seed uint64, k float64, div, long int) []Result {
	const (
		n      = 20000
		alpha  = 0.21
		lambda = 1.54
		dFree  = 0.763
		radius = 0.25
		half   = 8.0
		reps   = 4
	)
	dStar := dFree / (lambda * lambda)
	dt := 0.01 / float64(div)
	times := []float64{0.5, 1, 2, 4}
	dists := []float64{1, 2}
	spec := boxSpec([3]float64{2 * half, 2 * half, 2 * half}, 1, dt, times[len(times)-1], montecarlo.SpeciesSpec{Name: "da", D: dFree})
	spec.Run.SampleInterval = 0.5
	spec.Run.LongSteps = long
	spec.Regions = []montecarlo.RegionSpec{{Name: "box", Alpha: alpha, Tortuosity: lambda}}
	if k > 0 {
		spec.Degradations = []montecarlo.DegradationSpec{{Species: "da", Rate: k}}
	}
	c := [3]float64{half + 0.013, half - 0.007, half + 0.004} // off the voxel corners
	spec.Releases = []montecarlo.ReleaseSpec{{Release: agents.Release{Species: "da", At: c, Times: []float64{0}, N: n}}}
	dirs := [][3]float64{{1, 0, 0}, {-1, 0, 0}, {0, 1, 0}, {0, -1, 0}, {0, 0, 1}, {0, 0, -1}}
	for _, r := range dists {
		for j, d := range dirs {
			spec.Observables = append(spec.Observables, montecarlo.ObservableSpec{
				Kind: "concentration_at", Species: "da", Radius: radius,
				Name: fmt.Sprintf("c_%g_%d", r, j),
				At:   [3]float64{c[0] + r*d[0], c[1] + r*d[1], c[2] + r*d[2]},
			})
		}
	}
	m, err := montecarlo.NewModel(spec)
	if err != nil {
		return modelError("porous point source", err)
	}
	col := make([][]int, len(dists))
	for i, r := range dists {
		for j := range dirs {
			col[i] = append(col[i], m.Column(fmt.Sprintf("c_%g_%d", r, j)))
		}
	}
	// sum[i][ti] is the sum over probes and replicates of the µM reading.
	sum := make([][]float64, len(dists))
	for i := range sum {
		sum[i] = make([]float64, len(times))
	}
	e := montecarlo.NewEngine(m)
	for rep := 0; rep < reps; rep++ {
		e.Reset(seed, rep)
		e.Run(func(t float64, v []float64) {
			for ti, tt := range times {
				if math.Abs(t-tt) < 1e-9 {
					for i := range dists {
						for _, ci := range col[i] {
							sum[i][ti] += v[ci]
						}
					}
				}
			}
		})
	}
	vol := 4 * math.Pi / 3 * radius * radius * radius
	perMolecule := montecarlo.ConcToMicroMolar(1 / (alpha * vol)) // µM per molecule in a probe
	var out []Result
	for i, r := range dists {
		for ti, t := range times {
			cAvg := ballAverage(func(rr float64) float64 {
				return n / alpha * math.Pow(4*math.Pi*dStar*t, -1.5) * math.Exp(-rr*rr/(4*dStar*t)-k*t)
			}, r, radius)
			expected := montecarlo.ConcToMicroMolar(cAvg)
			samples := float64(len(dirs) * reps)
			mu := expected / perMolecule * samples // expected molecules counted in all
			out = append(out, compare(fmt.Sprintf("C(r = %g µm, %s), k = %g /ms, dt = %g µs", r, fmtTime(t), k, dt*1e3),
				expected, sum[i][ti]/samples, math.Sqrt(mu)*perMolecule/samples,
				fmt.Sprintf("§A7 T10: (N/α)(4πD*t)^{−3/2}e^{−r²/4D*t−kt} averaged over a %g µm probe; Poisson SE (%.0f molecules)", radius, mu)))
		}
	}
	return out
}

// ballAverage is the mean of f(|x|) over the ball of radius a centred at
// distance r from the origin, by midpoint quadrature on a 48³ grid.
func ballAverage(f func(float64) float64, r, a float64) float64 {
	const q = 48
	h := 2 * a / q
	var s, cnt float64
	for k := 0; k < q; k++ {
		z := -a + (float64(k)+0.5)*h
		for j := 0; j < q; j++ {
			y := -a + (float64(j)+0.5)*h
			for i := 0; i < q; i++ {
				x := -a + (float64(i)+0.5)*h
				if x*x+y*y+z*z > a*a {
					continue
				}
				s += f(math.Sqrt((r+x)*(r+x) + y*y + z*z))
				cnt++
			}
		}
	}
	return s / cnt
}
