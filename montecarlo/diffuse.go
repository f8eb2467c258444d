package montecarlo

import (
	"math"

	"github.com/reuptake/reuptake/space"
)

// diffuse moves every free molecule by one Brownian step, with reflection,
// binding on tile hits, escape into sinks and volume degradation. In a
// shard of a sharded replicate (e.sh != nil), a molecule whose step ends
// in another block is handed over to it before any volume reaction (the
// new owner applies them), and a hit on a tile of another block becomes a
// claim that block resolves (shard.go).
func (e *Engine) diffuse() {
	m := e.m
	g := e.g
	rng := e.rng
	nr := m.nRegions
	ox, oy, oz := g.Origin[0], g.Origin[1], g.Origin[2]
	inv := 1 / g.H
	nx, ny := g.N[0], g.N[1]
	mol := &e.mol
	sh := e.sh
	longOn := m.longK > 1
	long := longOn && e.step%m.longK == 0
	for i := 0; i < len(mol.X); {
		if longOn && mol.Skip[i] > 0 {
			mol.Skip[i]-- // inside a long step taken earlier
			i++
			continue
		}
		v := int(mol.Voxel[i])
		sp := int(mol.Species[i])
		ri := sp*nr + g.Region(v)
		if long && m.longNeed[ri] > 0 && g.Dist(v) >= m.longNeed[ri] {
			if !e.longStep(i, ri) {
				continue
			}
		} else {
			sd := m.sd[ri]
			d := [3]float64{sd * rng.Norm(), sd * rng.Norm(), sd * rng.Norm()}
			if b := m.fast.box[v]; b >= 0 {
				// Next to a wall: try the fold box before tracing.
				x, y, z, ok := m.fast.boxes[b].fold(mol.X[i], mol.Y[i], mol.Z[i], d)
				if !ok {
					// A membrane with sites in the way: fold across it
					// when the tile it meets stops nothing (fastpath.go).
					var q [3]float64
					q, ok = m.fast.foldTiles(b, g, e.stopAt, [3]float64{mol.X[i], mol.Y[i], mol.Z[i]}, d)
					x, y, z = q[0], q[1], q[2]
				}
				if ok {
					mol.X[i], mol.Y[i], mol.Z[i] = x, y, z
					ix, iy, iz := int((x-ox)*inv), int((y-oy)*inv), int((z-oz)*inv)
					mol.Voxel[i] = int32((iz*ny+iy)*nx + ix)
				} else if !e.trace(i, d) {
					continue // molecule i was removed; the last one took its place
				}
			} else if g.Safe(v, d) {
				x, y, z := mol.X[i]+d[0], mol.Y[i]+d[1], mol.Z[i]+d[2]
				mol.X[i], mol.Y[i], mol.Z[i] = x, y, z
				ix, iy, iz := int((x-ox)*inv), int((y-oy)*inv), int((z-oz)*inv)
				mol.Voxel[i] = int32((iz*ny+iy)*nx + ix)
			} else if !e.trace(i, d) {
				continue
			}
		}
		if sh != nil {
			if b := m.blockOf(mol.Voxel[i]); b != sh.id {
				sh.handOver(mol, i, b)
				continue
			}
		}
		if e.afterMove(i) {
			i++
		}
	}
}

// longStep moves molecule i, in species×region ri, by one long step (see
// longsteps.go) and marks it to sit out the next K − 1 steps. It returns
// false when the molecule was removed (only possible in the rare traced
// case).
func (e *Engine) longStep(i, ri int) bool {
	m, g, mol, rng := e.m, e.g, &e.mol, e.rng
	sd := m.longSD[ri]
	d := [3]float64{sd * rng.Norm(), sd * rng.Norm(), sd * rng.Norm()}
	if v := int(mol.Voxel[i]); g.Safe(v, d) {
		x, y, z := mol.X[i]+d[0], mol.Y[i]+d[1], mol.Z[i]+d[2]
		mol.X[i], mol.Y[i], mol.Z[i] = x, y, z
		inv := 1 / g.H
		ix, iy, iz := int((x-g.Origin[0])*inv), int((y-g.Origin[1])*inv), int((z-g.Origin[2])*inv)
		mol.Voxel[i] = int32((iz*g.N[1]+iy)*g.N[0] + ix)
	} else if !e.trace(i, d) {
		return false
	}
	mol.Skip[i] = uint8(m.longK - 1)
	return true
}

// afterMove applies the volume reactions at the end of molecule i's step:
// first-order degradation (over K steps after a long step) and binding to
// volume sites. It returns false when the molecule was removed (the last
// one took its place).
func (e *Engine) afterMove(i int) bool {
	m, mol := e.m, &e.mol
	if m.anyDegrade {
		sp := int(mol.Species[i])
		ri := sp*m.nRegions + e.g.Region(int(mol.Voxel[i]))
		p := m.degradeP[ri]
		if mol.Skip[i] > 0 {
			p = m.longDegradeP[ri]
		}
		if p > 0 && e.rng.Float64() < p {
			e.degraded[sp]++
			if e.rec != nil {
				e.molEvent(EventDegrade, e.stepTime(), i, [3]float64{mol.X[i], mol.Y[i], mol.Z[i]}, mol.Voxel[i])
			}
			mol.Remove(i)
			return false
		}
	}
	if m.pharm.anyVolume && e.volumeReact(i) {
		return false // bound by a volume site (volume.go) and removed
	}
	return true
}

// trace moves molecule i along d through the geometry. It returns false
// when the molecule left the medium (bound or escaped) and was removed.
func (e *Engine) trace(i int, d [3]float64) bool {
	m, g, mol := e.m, e.g, &e.mol
	p := [3]float64{mol.X[i], mol.Y[i], mol.Z[i]}
	v := int(mol.Voxel[i])
	sp := int(mol.Species[i])
	r0, d0 := g.Region(v), d
	for {
		out, tile := g.Move(&p, &v, &d, e.stopAt)
		switch out {
		case space.Done:
			if r1 := g.Region(v); r1 != r0 && !e.acceptCrossing(sp, r0, r1, d0) {
				return true // rejected: the molecule stays where it was
			}
			mol.X[i], mol.Y[i], mol.Z[i] = p[0], p[1], p[2]
			mol.Voxel[i] = int32(v)
			return true
		case space.Escaped:
			e.escaped[sp]++
			if e.rec != nil {
				e.molEvent(EventEscape, e.stepTime(), i, p, int32(v))
			}
			mol.Remove(i)
			return false
		case space.HitTile:
			s := int(e.siteAt[tile])
			ty := e.sites.Type[s]
			if e.sh != nil && int(e.sh.owner[s]) != e.sh.id {
				// A site of another block: decide on its state at the start
				// of the step and leave the outcome to its owner.
				if e.sh.claim(e, i, s, sp, p, v) {
					return false
				}
				g.Reflect(&d, tile)
				continue
			}
			state := int(e.sites.State[s])
			c := m.schemes[ty]
			if c.BindsSpecies[state]&(1<<sp) != 0 {
				pr := m.bindP[ty][state][sp*m.nRegions+g.Region(v)]
				if u := e.rng.Float64(); u < pr {
					// Competing binds of this species split by k_on.
					to := c.PickBind(state, sp, u/pr*c.BindRate(state, sp))
					if e.rec != nil {
						e.boundMol(s, state, to, i, p, int32(v), e.stepTime())
					}
					e.setState(s, to, float64(e.step+1)*m.Dt)
					mol.Remove(i)
					return false
				}
			}
			g.Reflect(&d, tile)
		}
	}
}

// acceptCrossing decides whether a step d proposed with the rms step of
// region r0 may end in region r1, where the species diffuses with another
// coefficient or the extracellular volume fraction α differs. Taking the
// start region's step everywhere is the Itô convention, whose equilibrium
// density goes as 1/D: a slow cleft would hoard molecules. A
// Metropolis–Hastings test with the Gaussian proposal densities of the two
// regions and the target density ∝ α (a uniform extracellular
// concentration, amount/(α·volume)), accept with
// min(1, α1·q(y→x) / (α0·q(x→y))), restores detailed balance, so the
// equilibrium is exact; the interface only delays crossings by O(one step).
func (e *Engine) acceptCrossing(sp, r0, r1 int, d [3]float64) bool {
	nr := e.m.nRegions
	s0, s1 := e.m.sd[sp*nr+r0], e.m.sd[sp*nr+r1]
	a0, a1 := e.m.pharm.alpha[r0], e.m.pharm.alpha[r1]
	if s0 == s1 && a0 == a1 {
		return true
	}
	logA := math.Log(a1 / a0)
	if s0 != s1 {
		r2 := d[0]*d[0] + d[1]*d[1] + d[2]*d[2]
		logA += 3*math.Log(s0/s1) - r2/(2*s1*s1) + r2/(2*s0*s0)
	}
	return logA >= 0 || math.Log(e.rng.OpenFloat64()) < logA
}
