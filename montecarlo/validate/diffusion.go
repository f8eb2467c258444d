package validate

import (
	"fmt"
	"math"

	"github.com/reuptake/reuptake/montecarlo"
)

// freeDiffusionRun releases n molecules at the centre of a 10 µm box
// (walls ≥ 11 rms displacements away), diffuses them for t with step dt and
// returns their displacements. With long > 1 the run has RunSpec.LongSteps
// = long (t a multiple of long·dt) and also returns the number of long
// steps the molecules took.
func freeDiffusionRun(seed uint64, rep, n int, d, t, dt float64, long int) (dx, dy, dz []float64, nLong int64, err error) {
	const side, voxel = 10.0, 0.1
	spec := boxSpec([3]float64{side, side, side}, voxel, dt, t, montecarlo.SpeciesSpec{Name: "x", D: d})
	if long > 1 {
		spec.Run.LongSteps, spec.Run.SampleInterval = long, float64(long)*dt
	}
	m, err := montecarlo.NewModel(spec)
	if err != nil {
		return nil, nil, nil, 0, err
	}
	e := montecarlo.NewEngine(m)
	e.Reset(seed, rep)
	c := [3]float64{side/2 + 0.0123, side/2 - 0.0234, side/2 + 0.0345} // off the voxel faces
	for i := 0; i < n; i++ {
		e.AddMolecule(c, 0)
	}
	nLong = runToLong(e, m, t, long)
	mol := e.Molecules()
	if mol.Len() != n {
		return nil, nil, nil, 0, fmt.Errorf("%d of %d molecules left the closed box", n-mol.Len(), n)
	}
	dx, dy, dz = make([]float64, n), make([]float64, n), make([]float64, n)
	for i := 0; i < n; i++ {
		dx[i], dy[i], dz[i] = mol.X[i]-c[0], mol.Y[i]-c[1], mol.Z[i]-c[2]
	}
	return dx, dy, dz, nLong, nil
}

// checkFreeDiffusion is docs/parameters.md §A7 T1: free 3-D diffusion,
// D = 0.33 µm²/ms, t = 0.1 ms, at dt = 1 µs and 10 µs. With long > 1 the
// runs take long steps of long·dt (RunSpec.LongSteps): at long = 10 a long
// step needs at most 1.7 µm of clearance (dt = 10 µs) and the molecules
// stay within ~1.5 µm of the centre, 5 µm from the walls, so every
// molecule must take a long step at every multiple of long steps, which a
// row checks exactly.
func checkFreeDiffusion(seed uint64, long int) []Result {
	const d, t, n = 0.33, 0.1, 40000
	var out []Result
	msd := map[float64][2]float64{}
	for k, dt := range []float64{1e-3, 1e-2} {
		dx, dy, dz, nLong, err := freeDiffusionRun(seed, k, n, d, t, dt, long)
		if err != nil {
			return modelError("free diffusion", err)
		}
		label := fmt.Sprintf("dt = %s", fmtTime(dt))
		if long > 1 {
			out = append(out, longStepsRow(label, n*int64(stepsFor(t, dt)/long), nLong, long))
		}
		var s2, s4 float64
		inside := int64(0)
		// T1: P(|r| < R) = erf(u) − (2u/√π)e^{−u²}, u = R/√(4Dt); R = √(4Dt).
		r := math.Sqrt(4 * d * t)
		for i := range dx {
			r2 := dx[i]*dx[i] + dy[i]*dy[i] + dz[i]*dz[i]
			s2 += r2
			s4 += r2 * r2
			if r2 < r*r {
				inside++
			}
		}
		s2 /= n
		s4 /= n
		// T1: <r²> = 6Dt with relative SE √(2/3)/√N.
		want := 6 * d * t
		se := want * math.Sqrt(2.0/3.0) / math.Sqrt(n)
		out = append(out, compare("<r²>(0.1 ms) µm², "+label, want, s2, se, "§A7 T1: 6Dt; SE = 6Dt·√(2/3)/√N"))
		msd[dt] = [2]float64{s2, se}
		if k == 0 {
			// T1: <r⁴> = 60D²t²; r² = 2Dt·χ²₃ so Var(r⁴) = (2Dt)⁴(945 − 225).
			want4 := 60 * d * d * t * t
			se4 := math.Pow(2*d*t, 2) * math.Sqrt(720) / math.Sqrt(n)
			out = append(out, compare("<r⁴>(0.1 ms) µm⁴, "+label, want4, s4, se4, "§A7 T1: 60D²t²; SE from E[χ²₃⁴] = 945"))
			u := 1.0
			p := math.Erf(u) - 2*u/math.Sqrt(math.Pi)*math.Exp(-u*u)
			out = append(out, binomial("P(|r| < √(4Dt)), "+label, p, inside, n, "§A7 T1: erf(1) − (2/√π)e⁻¹; binomial SE"))
			// T1: each axis x/√(2Dt) ~ N(0,1); the three axes of a
			// molecule are independent, so the 3N values are pooled.
			sd := math.Sqrt(2 * d * t)
			xs := make([]float64, 0, 3*n)
			for i := range dx {
				xs = append(xs, dx[i]/sd, dy[i]/sd, dz[i]/sd)
			}
			dks, p2 := ksNormal(xs)
			out = append(out, ksResult("KS √N·D of x/√(2Dt) vs N(0,1), "+label, dks, p2, len(xs),
				fmt.Sprintf("§A7 T1; N = %d, D = %.4g, p = %.3g; z is the normal deviate of p", len(xs), dks, p2)))
		}
	}
	a, b := msd[1e-3], msd[1e-2]
	out = append(out, compare("<r²>(dt = 10 µs) − <r²>(dt = 1 µs) µm²", 0, b[0]-a[0], math.Hypot(a[1], b[1]),
		"§3: Gaussian steps are exact, so free MSD must not depend on dt"))
	return out
}

// slabMean is docs/parameters.md §A7 T3: <z>(t) in a reflecting slab of height
// h for a start on one wall, h/2 − (4h/π²) Σ_{n odd} n⁻² exp(−n²π²Dt/h²).
func slabMean(h, d, t float64) float64 {
	s := 0.0
	for n := 1; n < 2001; n += 2 {
		fn := float64(n)
		s += math.Exp(-fn*fn*math.Pi*math.Pi*d*t/(h*h)) / (fn * fn)
	}
	return h/2 - 4*h/(math.Pi*math.Pi)*s
}

// checkSlab is docs/parameters.md §A7 T3: a reflecting slab of h = 20 nm
// (a box with reflecting walls, laterally 0.4 µm, 8 rms lateral
// displacements from the start at the latest time), molecules starting on
// the wall z = 0. Specular reflection folds the Gaussian step exactly onto
// the slab (method of images), so the result must not depend on dt; div
// divides the base step of 1 ns.
func checkSlab(seed uint64, div int) []Result {
	const h, d, side, voxel = 0.02, 0.33, 0.4, 0.005
	n := 20000
	if div > 1 {
		n = 10000
	}
	dt := 1e-6 / float64(div)
	times := []float64{1e-5, 1e-4, 4e-4, 1e-3}  // §A7 T3 table: 0.01, 0.1, 0.4, 1 µs
	table := []float64{2.05, 6.41, 9.69, 10.00} // nm, §A7 T3 (rounded)
	m, err := montecarlo.NewModel(boxSpec([3]float64{side, side, h}, voxel, dt, times[len(times)-1], montecarlo.SpeciesSpec{Name: "x", D: d}))
	if err != nil {
		return modelError("slab", err)
	}
	e := montecarlo.NewEngine(m)
	e.Reset(seed, 0)
	start := [3]float64{side/2 + 0.00123, side/2 - 0.00234, 0}
	for i := 0; i < n; i++ {
		if !e.AddMolecule(start, 0) {
			return modelError("slab", fmt.Errorf("start point %v is not in the medium", start))
		}
	}
	var out []Result
	label := fmt.Sprintf(", dt = %g ns", dt*1e6)
	z := make([]float64, n)
	for k, t := range times {
		runTo(e, m, t)
		mol := e.Molecules()
		var lat float64
		for i := 0; i < n; i++ {
			z[i] = mol.Z[i] * 1e3 // nm
			dx, dy := mol.X[i]-start[0], mol.Y[i]-start[1]
			lat += dx*dx + dy*dy
		}
		mz, se := meanSE(z)
		out = append(out, compare(fmt.Sprintf("<z>(%s) nm%s", fmtTime(t), label), slabMean(h, d, t)*1e3, mz, se,
			fmt.Sprintf("§A7 T3 series (table: %.2f nm); SE = SD/√N", table[k])))
		// Lateral motion is free: x²+y² = 2Dt·χ²₂, mean 4Dt, SD 4Dt.
		want := 4 * d * t
		out = append(out, compare(fmt.Sprintf("<x²+y²>(%s) nm²%s", fmtTime(t), label), want*1e6, lat/float64(n)*1e6, want/math.Sqrt(float64(n))*1e6,
			"§A7 T3: 4Dt exactly inside the slab; SE = 4Dt/√N"))
	}
	return out
}

// checkPointSource is docs/parameters.md §A7 T4: a point source in a cleft of
// h = 20 nm (a box 5 µm wide, ≥ 4.9 lateral rms displacements from the
// source to the side walls at the last time); the fraction of molecules
// laterally within a = 0.11 µm of the source is 1 − exp(−a²/4Dt) at all t.
func checkPointSource(seed uint64) []Result {
	const h, d, side, a, dt = 0.02, 0.33, 5.0, 0.11, 1e-4
	const n = 10000
	times := []float64{0.01, 0.02, 0.05, 0.1, 0.2}
	table := []float64{3.93, 2.41, 1.10, 0.574, 0.294} // mM, §A7 T4 row N = 3000, D = 0.33
	m, err := montecarlo.NewModel(boxSpec([3]float64{side, side, h}, h, dt, times[len(times)-1], montecarlo.SpeciesSpec{Name: "x", D: d}))
	if err != nil {
		return modelError("point source", err)
	}
	e := montecarlo.NewEngine(m)
	e.Reset(seed, 0)
	src := [3]float64{side / 2, side / 2, h / 2}
	for i := 0; i < n; i++ {
		e.AddMolecule(src, 0)
	}
	var out []Result
	for k, t := range times {
		runTo(e, m, t)
		mol := e.Molecules()
		var in int64
		for i := 0; i < n; i++ {
			dx, dy := mol.X[i]-src[0], mol.Y[i]-src[1]
			if dx*dx+dy*dy < a*a {
				in++
			}
		}
		p := 1 - math.Exp(-a*a/(4*d*t))
		// Mean concentration over the PSD for N = 3000: C̄ = N·f/(πa²h).
		cbar := func(f float64) float64 {
			return montecarlo.ConcToMicroMolar(3000*f/(math.Pi*a*a*h)) / 1e3
		}
		out = append(out, binomial(fmt.Sprintf("fraction within 0.11 µm (%s)", fmtTime(t)), p, in, n,
			fmt.Sprintf("§A7 T4: 1 − exp(−a²/4Dt); binomial SE; C̄(N=3000) = %.3g mM (table %.3g, formula %.3g)",
				cbar(float64(in)/n), table[k], cbar(p))))
	}
	return out
}
