package montecarlo

import "math"

// Long steps (RunSpec.LongSteps = K > 1).
//
// At steps whose index is a multiple of K, a molecule in voxel v of region
// r takes one Gaussian step of variance K·2DΔt per axis instead of K
// steps of 2DΔt, and then sits out the next K − 1 steps, when
//
//	(Dist(v) − 1)·h ≥ z·σ_K,  σ_K = √(2DKΔt),  z = longStepZ = 6,
//
// and region r holds no volume sites. Dist(v) is the Chebyshev distance in
// voxels to the nearest voxel that is not free or belongs to another region
// (space.Grid.Dist), so every point of voxel v is at least (Dist(v) − 1)·h
// from any wall, tile, sink or region boundary along each axis. Over the
// long step the molecule therefore meets nothing unless its Brownian path
// strays z·σ_K along some axis, which by the reflection principle has
// probability at most 3·2·2·Q(z) = 1.2e-8 (Q the normal tail); the end
// point alone is checked, and a step whose end point lies beyond the
// clearance (probability ≤ 6e-9) is traced through the geometry like a
// short one. Free diffusion is exact for any step (Gaussian increments
// add), and first-order volume degradation over the long step is applied
// with 1 − exp(−kKΔt), the exact probability for the interval. Volume
// sites react per voxel and step, so regions holding them take short steps
// only. Because long steps start only at multiples of K and the sample
// interval is a multiple of K steps, every molecule's position is that of
// the sample time when observables are sampled.
const longStepZ = 6

// compileLongSteps checks RunSpec.LongSteps and builds the per
// species×region tables: the Chebyshev distance (voxels) a voxel needs for
// a long step (0: never), the long-step rms per axis, and the degradation
// probability of a long step.
func (m *Model) compileLongSteps() error {
	k := m.Spec.Run.LongSteps
	switch {
	case k < 0:
		return fieldErr("run.long_steps", "must be a whole number of steps ≥ 1, got %d", k)
	case k > 255:
		return fieldErr("run.long_steps", "must be at most 255 steps, got %d", k)
	case k <= 1:
		m.longK = 1
		return nil
	}
	if m.sampleEvery%k != 0 {
		return fieldErr("run.long_steps", "%d steps does not divide the sample interval (%d steps of %g ms): long steps must end at sample times",
			k, m.sampleEvery, m.Dt)
	}
	m.longK = k
	nr := m.nRegions
	hasVol := make([]bool, nr)
	for _, pl := range m.pharm.vol {
		hasVol[pl.region] = true
	}
	m.longNeed = make([]int, len(m.sd))
	m.longSD = make([]float64, len(m.sd))
	m.longDegradeP = make([]float64, len(m.sd))
	for i, sd := range m.sd {
		r := i % nr
		m.longSD[i] = sd * math.Sqrt(float64(k))
		// 1 − (1 − p)^K = 1 − exp(−k_deg·K·Δt) for p = 1 − exp(−k_deg·Δt).
		m.longDegradeP[i] = -math.Expm1(float64(k) * math.Log1p(-m.degradeP[i]))
		if hasVol[r] || sd == 0 {
			continue
		}
		need := int(math.Ceil(longStepZ*m.longSD[i]/m.Grid.H)) + 1
		if need <= 255 {
			m.longNeed[i] = need
		}
	}
	return nil
}
