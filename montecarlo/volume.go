package montecarlo

import (
	"math"
	"math/bits"
	"sort"
)

// volIndex finds the volume sites of a voxel. Voxels holding sites are
// marked in a bitmap; a voxel's rank among the marked ones (a popcount
// over the bitmap, with a running count per 64-bit word) indexes first,
// the offsets of its run of sites in list. Memory is about 0.2 bytes per
// voxel plus 8 bytes per site, whatever the size of the grid.
type volIndex struct {
	bits  []uint64
	rank  []int32 // marked voxels before each word
	first []int32 // per marked voxel (in voxel order): start of its sites in list; one extra entry at the end
	list  []int32 // site indices, grouped by voxel
	pairs []voxSite
}

type voxSite struct{ voxel, site int32 }

// build indexes the volume sites of the engine (sites with Voxel ≥ 0).
func (x *volIndex) build(e *Engine) {
	nv := e.g.NumVoxels()
	words := nv/64 + 1
	if len(x.bits) != words {
		x.bits = make([]uint64, words)
		x.rank = make([]int32, words)
	} else {
		clear(x.bits)
	}
	x.pairs = x.pairs[:0]
	for s, v := range e.sites.Voxel {
		if v >= 0 {
			x.pairs = append(x.pairs, voxSite{v, int32(s)})
		}
	}
	sort.Slice(x.pairs, func(i, j int) bool {
		a, b := x.pairs[i], x.pairs[j]
		return a.voxel < b.voxel || a.voxel == b.voxel && a.site < b.site
	})
	x.list = x.list[:0]
	x.first = x.first[:0]
	for i, p := range x.pairs {
		if i == 0 || p.voxel != x.pairs[i-1].voxel {
			x.bits[p.voxel>>6] |= 1 << (uint(p.voxel) & 63)
			x.first = append(x.first, int32(len(x.list)))
		}
		x.list = append(x.list, p.site)
	}
	x.first = append(x.first, int32(len(x.list)))
	n := int32(0)
	for w, b := range x.bits {
		x.rank[w] = n
		n += int32(bits.OnesCount64(b))
	}
}

// sitesIn returns the volume sites of voxel v (nil when it has none).
func (x *volIndex) sitesIn(v int32) []int32 {
	w := x.bits[v>>6]
	b := uint64(1) << (uint(v) & 63)
	if w&b == 0 {
		return nil
	}
	k := x.rank[v>>6] + int32(bits.OnesCount64(w&(b-1)))
	return x.list[x.first[k]:x.first[k+1]]
}

// placeVolumeSites adds the volume sites of every volume placement, each
// in a voxel of its region drawn uniformly with the placement stream, and
// indexes them.
func (e *Engine) placeVolumeSites(place, init *Stream) {
	m := e.m
	for _, pl := range m.pharm.vol {
		total := pl.runs.total()
		for k := 0; k < pl.count; k++ {
			v := pl.runs.at(int64(place.Intn(int(total))))
			state := pl.state
			if pl.equil != nil {
				state = pick(pl.equil, init.Float64())
			}
			s := e.sites.AddVolume(uint16(pl.siteType), uint16(state), v)
			e.stateCount[pl.siteType][state]++
			e.preloaded(pl.siteType, state)
			e.enter(s, state, 0)
		}
	}
	e.vol.build(e)
}

// volumeReact lets free molecule i react with the volume sites of its
// voxel. Over this step, site s offers the hazard k_s·E_s/(α·V_voxel),
// with k_s the total k_on of its current state for the molecule's species
// and E_s its exposure, the length of the window in which the site is in
// that state (see window): normally the step; for a site that entered its
// state during the previous step's site events (after that step's
// diffusion) the window starts then, which gives back the part of the
// previous step it missed; and it ends at the site's next scheduled
// transition when that falls within the step (exponential waiting times
// are drawn on entering a state, so it is known). The molecule binds with
// probability 1 − exp(−Σ hazards), to a site chosen in proportion to its
// hazard (and, within the site's state, to one of its binding transitions
// in proportion to k_on), at a time uniform in that site's window. Binding
// thus competes with the sites' own transitions as in continuous time, and
// carries no first-order Δt bias. volumeReact returns true when the
// molecule was bound and removed (the last molecule took its place).
//
// One uniform is drawn for every molecule in a voxel that holds sites,
// whether or not they can bind now, so that conditions differing only in
// site states (e.g. a drug) consume the dynamics stream alike.
func (e *Engine) volumeReact(i int) bool {
	v := e.mol.Voxel[i]
	list := e.vol.sitesIn(v)
	if list == nil {
		return false
	}
	m := e.m
	ns := len(m.species)
	sp := int(e.mol.Species[i])
	u := e.rng.Float64()
	dt := m.Dt
	end := float64(e.step+1) * dt
	tot := 0.0
	for _, s := range list {
		if k := m.pharm.volKOn[e.sites.Type[s]][int(e.sites.State[s])*ns+sp]; k > 0 {
			lo, hi := e.window(s, end, dt)
			tot += k * (hi - lo)
		}
	}
	if tot == 0 {
		return false
	}
	h := tot * m.pharm.volScale[e.g.Region(int(v))] / dt
	if u >= h { // 1 − e^{−h} ≤ h: most molecules stop here, without the exponential
		return false
	}
	p := -math.Expm1(-h)
	if u >= p {
		return false
	}
	x := u / p * tot
	chosen := -1
	var lo, hi float64
	for _, s := range list {
		k := m.pharm.volKOn[e.sites.Type[s]][int(e.sites.State[s])*ns+sp]
		if k == 0 {
			continue
		}
		l, h := e.window(s, end, dt)
		if h <= l {
			continue
		}
		chosen, lo, hi = int(s), l, h
		if x < k*(h-l) {
			x /= h - l
			break
		}
		x -= k * (h - l)
	}
	ty, st := int(e.sites.Type[chosen]), int(e.sites.State[chosen])
	to := m.schemes[ty].PickBind(st, sp, x)
	tb := lo + (hi-lo)*e.rng.Float64()
	if e.rec != nil {
		e.boundMol(chosen, st, to, i, [3]float64{e.mol.X[i], e.mol.Y[i], e.mol.Z[i]}, v, tb)
	}
	e.setState(chosen, to, tb)
	e.mol.Remove(i)
	return true
}

// window is the part of this step's diffusion (ending at end) in which
// site s is exposed to binding in its current state: from the start of
// the step, or from when it entered the state if that was after the
// previous step's diffusion (up to 2Δt back); to the end of the step, or
// to its next scheduled transition if that comes first. See volumeReact.
func (e *Engine) window(s int32, end, dt float64) (lo, hi float64) {
	lo = end - dt
	if since := e.sites.Since[s]; since > end-2*dt*(1-1e-9) {
		lo = since
	}
	hi = math.Min(end, e.sites.Next[s])
	return lo, math.Max(lo, hi)
}

// spawnInVoxel puts a molecule of species sp at a uniform random point of
// voxel v (unbinding from, or emission by, a volume site).
func (e *Engine) spawnInVoxel(v, sp int) {
	g := e.g
	i, j, k := g.Coords(v)
	lo := [3]float64{g.Origin[0] + float64(i)*g.H, g.Origin[1] + float64(j)*g.H, g.Origin[2] + float64(k)*g.H}
	var p [3]float64
	for a := 0; a < 3; a++ {
		p[a] = lo[a] + (1e-9+e.rng.Float64()*(1-2e-9))*g.H
	}
	e.mol.Add(p[0], p[1], p[2], int32(v), uint16(sp))
}
