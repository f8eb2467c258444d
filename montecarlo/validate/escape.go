package validate

import (
	"fmt"
	"math"

	"github.com/reuptake/reuptake/montecarlo"
	"github.com/reuptake/reuptake/space"
)

// crossingShift is the Siegmund / Broadie–Glasserman continuity
// correction (docs/parameters.md §A7 T5): a boundary checked once per step acts
// as if moved away from the walker by β·√(2DΔt), β = −ζ(1/2)/√(2π).
const crossingShift = 0.5826

// besselJ0Zero is the n-th positive zero of J₀ (Newton from McMahon's
// estimate (n − 1/4)π; J₀′ = −J₁).
func besselJ0Zero(n int) float64 {
	x := (float64(n) - 0.25) * math.Pi
	for it := 0; it < 50; it++ {
		dx := math.J0(x) / math.J1(x)
		x += dx
		if math.Abs(dx) < 1e-15*x {
			break
		}
	}
	return x
}

// diskSurvival is docs/parameters.md §A7 T5: survival in a disk with an
// absorbing rim from the centre, S(τ) = Σₙ 2/(j₀,ₙ J₁(j₀,ₙ)) e^{−j₀,ₙ² τ},
// τ = Dt/R².
func diskSurvival(tau float64) float64 {
	s := 0.0
	for n := 1; n <= 200; n++ {
		j := besselJ0Zero(n)
		term := 2 / (j * math.J1(j)) * math.Exp(-j*j*tau)
		s += term
		if math.Abs(term) < 1e-17 && n > 5 {
			break
		}
	}
	return s
}

// diskSurvivalTable is §A7 T5's table of S(τ) for the disk.
var diskSurvivalTau = []float64{0.05, 0.1, 0.25, 0.5, 1}
var diskSurvivalTable = []float64{0.9871, 0.8484, 0.3768, 0.0889, 0.0049}

// maskSpec is a model of one species diffusing in a mask geometry.
func maskSpec(ms space.MaskSpec, shape [3]int, data []uint16, dt, duration float64, species montecarlo.SpeciesSpec) montecarlo.Spec {
	return montecarlo.Spec{
		Geometry: montecarlo.GeometrySpec{Kind: "mask", Mask: ms, MaskShape: shape, MaskData: data},
		Species:  []montecarlo.SpeciesSpec{species},
		Run:      montecarlo.RunSpec{Dt: dt, Duration: duration, SampleInterval: dt, Replicates: 1},
	}
}

// checkDiskEscape is docs/parameters.md §A7 T5: escape from a disk of radius
// R = 0.15 µm with an absorbing rim, in a cleft 20 nm high with reflecting
// faces (space.DiskSpec, 2.5 nm voxels; the faces fold the vertical motion
// exactly, so the radial motion is the 2-D problem), D = 0.3 µm²/ms, all
// molecules starting at the centre. The comparison radius is
// R' = R_eff + 0.5826·√(2DΔt): R_eff is the radius of the disk of the
// voxelised disk's area (staircase), and the second term is the
// discrete-time crossing correction of §A7 T5 (the rim is checked once per
// step, so it acts as if moved out). div divides the base step of 10 ns.
//
// With long > 1 the run takes long steps of long·Δt (RunSpec.LongSteps)
// in a cylinder 0.3 µm high instead of the 20 nm cleft (which is too thin
// for any: at long = 10 a long step needs 20 voxels of clearance): the
// radial problem is the same, and molecules more than 50 nm from the rim
// and the faces take long steps. Those never reach the rim, which is
// crossed only by ordinary steps, so R' is unchanged. The detail of the
// mean exit time says what share of the molecule-steps the long steps
// covered.
func checkDiskEscape(seed uint64, div, long int) []Result {
	const r, voxel, d = 0.15, 0.0025, 0.3
	h := 0.02
	if long > 1 {
		h = 0.3
	}
	n := 20000
	if div > 1 {
		n = 10000
	}
	dt := 1e-5 / float64(div)
	ds := space.DiskSpec{Radius: r, Height: h, Voxel: voxel}
	ms, shape, data, err := ds.Mask()
	if err != nil {
		return modelError("disk escape", err)
	}
	// Run to τ = 4 (S ≈ 2e-10): every molecule has left.
	tEnd := 4 * r * r / d
	spec := maskSpec(ms, shape, data, dt, tEnd, montecarlo.SpeciesSpec{Name: "x", D: d})
	if long > 1 {
		spec.Run.LongSteps, spec.Run.SampleInterval = long, float64(long)*dt
	}
	m, err := montecarlo.NewModel(spec)
	if err != nil {
		return modelError("disk escape", err)
	}
	e := montecarlo.NewEngine(m)
	e.Reset(seed, 0)
	start := [3]float64{0.00011, -0.00007, h/2 + 0.00013}
	for i := 0; i < n; i++ {
		if !e.AddMolecule(start, 0) {
			return modelError("disk escape", fmt.Errorf("start point %v is not in the medium", start))
		}
	}
	reff := ds.EffectiveRadius()
	s := math.Sqrt(2 * d * dt)
	rc := reff + crossingShift*s
	label := fmt.Sprintf(", dt = %g ns", dt*1e6)
	geo := fmt.Sprintf("R' = R_eff + 0.5826·√(2DΔt) = %.2f + %.2f nm (R_eff: equal-area radius of the voxelised disk, %g nm voxels)",
		reff*1e3, crossingShift*s*1e3, voxel*1e3)

	var out []Result
	exits := make([]float64, 0, n)
	var escaped, molSteps, nLong int64
	next := 0
	steps := stepsFor(tEnd, dt)
	for k := 1; k <= steps && e.Molecules().Len() > 0; k++ {
		molSteps += int64(e.Molecules().Len())
		e.Step()
		nLong += longStepsTaken(e, long)
		t := float64(k) * dt
		c := e.Counts(0)
		for ; escaped < c.Escaped; escaped++ {
			exits = append(exits, t)
		}
		if next < len(diskSurvivalTau) && k == stepsFor(diskSurvivalTau[next]*r*r/d, dt) {
			tau := diskSurvivalTau[next]
			left := int64(e.Molecules().Len())
			out = append(out, binomial(fmt.Sprintf("disk survival S(τ = %g)%s", tau, label), diskSurvival(d*t/(rc*rc)), left, int64(n),
				fmt.Sprintf("§A7 T5 Bessel series at τ = Dt/R'² = %.4f (table %.4f at τ = Dt/R² with R = 150 nm); %s; binomial SE",
					d*t/(rc*rc), diskSurvivalTable[next], geo)))
			next++
		}
	}
	left := e.Molecules().Len()
	for i := 0; i < left; i++ { // censored at tEnd (none expected)
		exits = append(exits, tEnd)
	}
	mean, se := meanSE(exits)
	longInfo := ""
	if long > 1 {
		longInfo = fmt.Sprintf("; cylinder %g nm high, long steps of %d·Δt cover %.0f%% of the molecule-steps", h*1e3, long, 100*float64(nLong)*float64(long)/float64(molSteps))
	}
	out = append(out, compare("disk mean exit time µs"+label, rc*rc/(4*d)*1e3, mean*1e3, se*1e3,
		fmt.Sprintf("§A7 T5: T(0) = R'²/(4D) (R = 150 nm: 18.75 µs); exit time = end of the step that crossed; %d censored at τ = 4; %s; SE = SD/√N%s", left, geo, longInfo)))
	return out
}

// smoluchowski is docs/parameters.md §A7 T6: the probability that a molecule
// starting at r₀ in free 3-D space has been absorbed by a sphere of
// radius R by time t, (R/r₀)·erfc((r₀ − R)/√(4Dt)).
func smoluchowski(r, r0, d, t float64) float64 {
	return r / r0 * math.Erfc((r0-r)/math.Sqrt(4*d*t))
}

// concentricAbsorbed is the probability that a molecule starting at r₀
// between two absorbing concentric spheres R < r₀ < R₂ has been absorbed
// by the inner one by time t. With u = r·p the radial problem is 1-D
// diffusion on [R, R₂] with absorbing ends, and the flux into the inner
// sphere is R/r₀ times the 1-D flux, so by the method of images
// P(t) = (R/r₀) Σ_{n≥0} [erfc((2nL + x₀)/√(4Dt)) − erfc((2(n+1)L − x₀)/√(4Dt))],
// x₀ = r₀ − R, L = R₂ − R. As R₂ → ∞ it is §A7 T6's
// (R/r₀)·erfc((r₀ − R)/√(4Dt)); as t → ∞ it is (R/r₀)(R₂ − r₀)/(R₂ − R).
func concentricAbsorbed(r, r2, r0, d, t float64) float64 {
	x0, l, a := r0-r, r2-r, math.Sqrt(4*d*t)
	s := 0.0
	for n := 0; ; n++ {
		hi := math.Erfc((2*float64(n)*l + x0) / a)
		s += hi - math.Erfc((2*float64(n+1)*l-x0)/a)
		if hi < 1e-17 {
			break
		}
	}
	return r / r0 * s
}

// checkSmoluchowski is docs/parameters.md §A7 T6: an absorbing sphere of
// R = 0.05 µm (sink voxels, space.BallSpec with 2.5 nm voxels),
// D = 0.3 µm²/ms, molecules starting at r₀ = 0.1 µm, Δt = 10 ns. A
// free-space domain that the molecules do not reach by 1 ms would need
// ~10⁹ voxels this fine, so the medium ends at a concentric absorbing
// sphere of R₂ = 0.3 µm and the expected value is the exact two-sphere
// solution (concentricAbsorbed), which tends to §A7 T6's
// (R/r₀)·erfc((r₀ − R)/√(4Dt)) as R₂ → ∞. The outer sphere lowers P_abs
// from 0.419 to about 0.39 at 0.1 ms; by 1 ms every molecule is absorbed
// by one of the two spheres, so that point is the splitting probability
// (R/r₀)(R₂ − r₀)/(R₂ − R) rather than §A7's 0.474. Molecules absorbed by
// the outer sphere are told apart by position: one that vanishes in a step
// it began beyond (R + R₂)/2 went outward.
//
// The comparison radii are R' = R_eff − 0.5826·√(2DΔt) and
// R₂' = R₂,eff + 0.5826·√(2DΔt): R_eff and R₂,eff are the radii of equal
// volume to the voxelised spheres (staircase), and the second term is §A7
// T5's discrete-time crossing correction (the surface acts as if moved
// away from the walker). Over seeds 1-4 the simulated P_abs lies +0.8 to
// +2.3 SE above: the staircase sphere absorbs like a slightly larger
// smooth one (≈0.1 voxel beyond the equal-volume radius; ≈0.2 voxel at
// 5 nm voxels), which this comparison does not model.
func checkSmoluchowski(seed uint64) []Result {
	const r, r0, d, outer, voxel, dt, n = 0.05, 0.1, 0.3, 0.3, 0.0025, 1e-5, 20000
	bs := space.BallSpec{Radius: r, Outer: outer, Voxel: voxel}
	ms, shape, data, err := bs.Mask()
	if err != nil {
		return modelError("Smoluchowski sphere", err)
	}
	reff, r2eff := bs.EffectiveRadius(), bs.OuterEffectiveRadius()
	mid2 := (r + outer) * (r + outer) / 4
	m, err := montecarlo.NewModel(maskSpec(ms, shape, data, dt, 1, montecarlo.SpeciesSpec{Name: "x", D: d}))
	if err != nil {
		return modelError("Smoluchowski sphere", err)
	}
	e := montecarlo.NewEngine(m)
	e.Reset(seed, 0)
	start := [3]float64{r0 * 0.6, r0 * 0.8, 0} // |start| = r₀, off the voxel faces
	for i := 0; i < n; i++ {
		if !e.AddMolecule(start, 0) {
			return modelError("Smoluchowski sphere", fmt.Errorf("start point %v is not in the medium", start))
		}
	}
	mol := e.Molecules()
	maxID := uint32(0)
	for _, id := range mol.ID {
		maxID = max(maxID, id)
	}
	far := make([]bool, maxID+1)
	s := math.Sqrt(2 * d * dt)
	rc, r2c := reff-crossingShift*s, r2eff+crossingShift*s
	var out []Result
	var outward int64
	k := 0
	for _, t := range []float64{0.1, 1} {
		for steps := stepsFor(t, dt); k < steps; k++ {
			if mol.Len() == 0 {
				continue // nothing left to move
			}
			nFar := int64(0)
			for i := range mol.X {
				if mol.X[i]*mol.X[i]+mol.Y[i]*mol.Y[i]+mol.Z[i]*mol.Z[i] > mid2 {
					far[mol.ID[i]] = true
					nFar++
				}
			}
			e.Step()
			if nFar == 0 {
				continue
			}
			for i := range mol.X {
				if far[mol.ID[i]] {
					far[mol.ID[i]] = false
					nFar--
				}
			}
			outward += nFar
			clear(far)
		}
		p := concentricAbsorbed(rc, r2c, r0, d, t)
		inner := e.Counts(0).Escaped - outward
		out = append(out, binomial(fmt.Sprintf("P_abs(%s), dt = %g ns", fmtTime(t), dt*1e6), p, inner, n,
			fmt.Sprintf("§A7 T6: (R/r₀)·erfc((r₀ − R)/√(4Dt)) = %.4f for R = 50 nm in free space (%.4f at R'); two-sphere series with R' = R_eff − 0.5826·√(2DΔt) = %.2f − %.2f nm, R₂' = %.1f + %.2f nm (equal-volume radii, %g nm voxels); %d absorbed outside; binomial SE",
				smoluchowski(r, r0, d, t), smoluchowski(rc, r0, d, t), reff*1e3, crossingShift*s*1e3, r2eff*1e3, crossingShift*s*1e3, voxel*1e3, outward)))
	}
	return out
}
