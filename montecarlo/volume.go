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

// rankOf is the rank of voxel v among the voxels holding sites, or −1 when
// it holds none.
func (x *volIndex) rankOf(v int32) int {
	w := x.bits[v>>6]
	b := uint64(1) << (uint(v) & 63)
	if w&b == 0 {
		return -1
	}
	return int(x.rank[v>>6]) + bits.OnesCount64(w&(b-1))
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
	if !e.volumeBind(e.mol.Voxel[i], int(e.mol.Species[i]), -1, i) {
		return false
	}
	e.mol.Remove(i)
	return true
}

// volumeBind decides whether a molecule of species sp in voxel v binds one
// of the voxel's volume sites in this step, and if so binds it (see
// volumeReact). born < 0 is a molecule that took part in this step's
// diffusion. born ≥ 0 is a molecule released at time born by a site event
// of this step (unbinding or emission, after the diffusion): it is exposed
// over [born, end of step] to the sites whose state dates from before this
// step (with the same windows as above, cut at their next transition), so
// that a released molecule does not wait for the next step to be able to
// rebind (that wait, about Δt/2 per unbinding, slowed uptake at first
// order in Δt). Sites that changed state within this step offer their
// window from the change to every molecule in the next step, the released
// one included.
//
// i is the free molecule that binds (born < 0), or -1 for a released one,
// whose id (when events are recorded) is e.rec.spawnID.
func (e *Engine) volumeBind(v int32, sp int, born float64, i int) bool {
	list := e.vol.sitesIn(v)
	if list == nil {
		return false
	}
	m := e.m
	ns := len(m.species)
	u := e.rng.Float64()
	dt := m.Dt
	end := float64(e.step+1) * dt
	win := func(s int32) (lo, hi float64) {
		if born < 0 {
			return e.window(s, end, dt)
		}
		if e.sites.Since[s] > end-dt*(1+1e-9) {
			return born, born // changed within this step: offered next step
		}
		return born, math.Max(born, math.Min(end, e.sites.Next[s]))
	}
	tot := 0.0
	for _, s := range list {
		if k := m.pharm.volKOn[e.sites.Type[s]][int(e.sites.State[s])*ns+sp]; k > 0 {
			lo, hi := win(s)
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
		l, h := win(s)
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
	t := lo + (hi-lo)*e.rng.Float64()
	if born < 0 {
		t = e.firstBindTime(int32(chosen), v, lo, hi)
	}
	if e.rec != nil {
		if i >= 0 {
			e.boundMol(chosen, st, to, i, [3]float64{e.mol.X[i], e.mol.Y[i], e.mol.Z[i]}, v, t)
		} else {
			p, _ := e.siteWhere(chosen)
			e.bound(chosen, st, to, sp, e.rec.spawnID, p, v, t)
		}
	}
	e.setState(chosen, to, t)
	if born >= 0 {
		e.volNote(chosen)
	}
	return true
}

// firstBindTime draws the time at which site s, known to be bound within
// its window [lo, hi], was bound. In continuous time that is the first of
// the binding times of all the molecules of the voxel, exponential with
// the site's total binding rate λ = Σ k_on·n/(α·V_voxel) (n the molecules
// of each species counted in the voxel at the start of the step, see
// countVolume) truncated to the window, not uniform in it. With several
// molecules per voxel the uniform time came too late by about λw²/12 per
// binding (w the window), lengthening the unbound dwell at first order in
// the site's hazard per step λΔt, e.g. 1.2 % less bound for one site among
// 20 molecules at λΔt = 0.8.
func (e *Engine) firstBindTime(s int32, v int32, lo, hi float64) float64 {
	m := e.m
	ns := len(m.species)
	u := e.rng.Float64()
	k := e.vol.rankOf(v) * ns
	tab := m.pharm.volKOn[e.sites.Type[s]][int(e.sites.State[s])*ns:]
	rate := 0.0
	for sp := 0; sp < ns; sp++ {
		rate += tab[sp] * float64(e.vc.n[k+sp])
	}
	rate *= m.pharm.volScale[e.g.Region(int(v))] / m.Dt
	w := hi - lo
	if rate*w < 1e-9 {
		return lo + u*w
	}
	return math.Min(hi, lo-math.Log1p(u*math.Expm1(-rate*w))/rate)
}

// countVolume counts the free molecules of each species in every voxel
// that holds volume sites (for firstBindTime), from their positions at the
// start of the step.
func (e *Engine) countVolume() {
	ns := len(e.m.species)
	n := (len(e.vol.first) - 1) * ns
	if cap(e.vc.n) < n {
		e.vc.n = make([]int32, n)
	}
	e.vc.n = e.vc.n[:n]
	clear(e.vc.n)
	for i, v := range e.mol.Voxel {
		if k := e.vol.rankOf(v); k >= 0 {
			e.vc.n[k*ns+int(e.mol.Species[i])]++
		}
	}
}

// window is the part of this step's diffusion (ending at end) in which
// site s is exposed to binding in its current state: from the start of
// the step, or from when it entered the state if that was during this
// step's diffusion (bound by a molecule moved earlier in the step); to
// the end of the step, or to its next scheduled transition if that comes
// first. A state entered in the site events of the previous step had its
// exposure up to that step's end in the catch-up (volumeCatchUp). See
// volumeReact.
func (e *Engine) window(s int32, end, dt float64) (lo, hi float64) {
	lo = math.Max(end-dt, e.sites.Since[s])
	hi = math.Min(end, e.sites.Next[s])
	return lo, math.Max(lo, hi)
}

// spawnInVoxel releases a molecule of species sp at time t (unbinding
// from, or emission by, a volume site, in this step's site events): it may
// rebind at once over the rest of the step (volumeBind); otherwise it is
// put at a uniform random point of voxel v.
//
// It reports whether it added a molecule (false when it rebound).
func (e *Engine) spawnInVoxel(v, sp int, t float64) bool {
	if e.volumeBind(int32(v), sp, t, -1) {
		return false
	}
	g := e.g
	i, j, k := g.Coords(v)
	lo := [3]float64{g.Origin[0] + float64(i)*g.H, g.Origin[1] + float64(j)*g.H, g.Origin[2] + float64(k)*g.H}
	var p [3]float64
	for a := 0; a < 3; a++ {
		p[a] = lo[a] + (1e-9+e.rng.Float64()*(1-2e-9))*g.H
	}
	e.mol.Add(p[0], p[1], p[2], int32(v), uint16(sp))
	return true
}

// volCatch is an engine's scratch for the volume sites: molecule counts
// per voxel holding sites and species (n), the sites whose state changed
// in this step's site events (changed, each once: stamp holds the step
// + 1 at which a site was listed), and the molecules each voxel and
// species owes to sites bound in the catch-up (debt).
type volCatch struct {
	n, debt []int32
	changed []int32
	stamp   []int32
	binds   []caughtBind // when events are recorded: the catch-up's bindings, in order
}

// caughtBind is a binding of the catch-up whose molecule (one of the
// voxel's free molecules of that species, key = rank·species + sp) is
// taken after the catch-up: its event is recorded then, with the
// molecule's id and position.
type caughtBind struct {
	site     int32
	from, to int16
	key      int32
	t        float64
}

// recordCaught records the binding of the catch-up that free molecule i
// (about to be removed, of voxel and species key) pays for.
func (e *Engine) recordCaught(i int, key int32) {
	for j, b := range e.vc.binds {
		if b.key == key {
			e.boundMol(int(b.site), int(b.from), int(b.to), i, [3]float64{e.mol.X[i], e.mol.Y[i], e.mol.Z[i]}, e.mol.Voxel[i], b.t)
			e.vc.binds = append(e.vc.binds[:j], e.vc.binds[j+1:]...)
			return
		}
	}
}

// volNote lists volume site s as changed in this step's site events.
func (e *Engine) volNote(s int) {
	if !e.m.pharm.anyVolume || e.sites.Voxel[s] < 0 {
		return
	}
	if len(e.vc.stamp) < len(e.sites.Voxel) {
		e.vc.stamp = append(e.vc.stamp, make([]int32, len(e.sites.Voxel)-len(e.vc.stamp))...)
	}
	if e.vc.stamp[s] == int32(e.step+1) {
		return
	}
	e.vc.stamp[s] = int32(e.step + 1)
	e.vc.changed = append(e.vc.changed, int32(s))
}

// volumeCatchUp gives the volume sites that entered a state in this
// step's site events (after the diffusion, at time σ) their exposure over
// [σ, end of step] to the free molecules of their voxel, before the step
// ends, so that the state of every site at the end of the step is final
// when it is sampled. (Giving it in the next step instead, back-dated,
// left samples reading sites as free that the next step then bound before
// the sample time: about 1 % too few bound, and too many free, for a site
// among 20 molecules at a hazard of 0.8 per step.) A site binds with
// probability 1 − exp(−λw), λ = Σ k_on·n/(α·V_voxel) with n the molecules
// of each species now in the voxel and w the window (cut at its next
// scheduled transition), at a time drawn from the truncated exponential;
// the molecule is taken from the voxel at the end (the molecules of a
// voxel are exchangeable). Transitions then due within the step fire, and
// the sites they change catch up in turn.
func (e *Engine) volumeCatchUp(t1 float64) {
	if len(e.vc.changed) == 0 {
		return
	}
	m := e.m
	ns := len(m.species)
	dt := m.Dt
	start := t1 - dt
	// Counts at the positions after this step's moves and site events.
	nk := (len(e.vol.first) - 1) * ns
	if cap(e.vc.debt) < nk {
		e.vc.debt = make([]int32, nk)
	}
	e.vc.debt = e.vc.debt[:nk]
	e.countVolume()
	owed := false
	for i := 0; ; i++ {
		if i == len(e.vc.changed) {
			// Transitions of the sites bound here that fall within the
			// step; the sites they change catch up in turn.
			e.fireUntil(t1, true)
			if i == len(e.vc.changed) {
				break
			}
		}
		s := e.vc.changed[i]
		e.vc.stamp[s] = 0
		since := e.sites.Since[s]
		if since <= start {
			continue
		}
		v := e.sites.Voxel[s]
		k := e.vol.rankOf(v) * ns
		ty, st := int(e.sites.Type[s]), int(e.sites.State[s])
		tab := m.pharm.volKOn[ty][st*ns:]
		raw := 0.0
		for sp := 0; sp < ns; sp++ {
			raw += tab[sp] * float64(e.vc.n[k+sp])
		}
		u := e.rng.Float64()
		w := math.Min(t1, e.sites.Next[s]) - since
		if raw == 0 || w <= 0 {
			continue
		}
		rate := raw * m.pharm.volScale[e.g.Region(int(v))] / dt
		p := -math.Expm1(-rate * w)
		if u >= p {
			continue
		}
		// Which species, in proportion to k_on·n; which transition, by k_on.
		x := u / p * raw
		sp := 0
		for ; sp < ns-1; sp++ {
			c := tab[sp] * float64(e.vc.n[k+sp])
			if x < c {
				break
			}
			x -= c
		}
		for e.vc.n[k+sp] == 0 || tab[sp] == 0 { // rounding at the end of the range
			sp--
		}
		to := m.schemes[ty].PickBind(st, sp, math.Min(x/float64(e.vc.n[k+sp]), tab[sp]*(1-1e-12)))
		t := since - math.Log1p(e.rng.Float64()*math.Expm1(-rate*w))/rate
		t = math.Min(t, since+w)
		if e.rec != nil { // recorded when the molecule is taken, below
			e.vc.binds = append(e.vc.binds, caughtBind{site: s, from: int16(st), to: int16(to), key: int32(k + sp), t: t})
		}
		e.setState(int(s), to, t)
		e.vc.n[k+sp]--
		e.vc.debt[k+sp]++
		owed = true
		e.volNote(int(s))
	}
	e.vc.changed = e.vc.changed[:0]
	if !owed {
		return
	}
	for i := 0; i < len(e.mol.X); {
		if k := e.vol.rankOf(e.mol.Voxel[i]); k >= 0 {
			if d := &e.vc.debt[k*ns+int(e.mol.Species[i])]; *d > 0 {
				*d--
				if e.rec != nil {
					e.recordCaught(i, int32(k*ns+int(e.mol.Species[i])))
				}
				e.mol.Remove(i)
				continue
			}
		}
		i++
	}
	e.vc.binds = e.vc.binds[:0]
}
