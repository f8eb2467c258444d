package montecarlo

import (
	"context"
	"math"
	"runtime"

	"github.com/reuptake/reuptake/agents"
	"github.com/reuptake/reuptake/space"
)

// Engine simulates one replicate of a model. It is not safe for concurrent
// use; run one Engine per goroutine. An Engine can be reused for several
// replicates with Reset.
type Engine struct {
	m     *Model
	g     *space.Grid
	rng   *Stream
	mol   agents.Molecules
	sites agents.Sites
	queue eventQueue

	siteAt     []int32 // per tile: site index or -1
	stopAt     []bool  // per tile: holds a site in a state that binds some species
	stateCount [][]int64

	t    float64
	step int

	released, transported, degraded, escaped, emitted []int64
	free                                              []int64 // scratch: free count per species×region

	values      []float64 // scratch sample vector
	nextRelease []int

	// Queued releases (see releasesites.go): the events of this replicate
	// sorted by time, the next one due, the sites of each release entry,
	// and scratch for fusion-pore binning.
	relq     []relEvent
	relNext  int
	relSites [][]relSite
	poreBins []int32
	probeN   []int64 // scratch: molecules per concentration probe

	baths *bathClock // nil unless a bath concentration changes in time
	rec   *recorder  // nil unless events or snapshots are recorded (events.go)

	vol volIndex   // volume sites by voxel (see volume.go)
	vc  volCatch   // volume sites: molecule counts and this step's catch-up (volume.go)
	pk  *stepPeaks // peaks and half-clearance at step resolution (summary.go); nil when none or sharded
	// Spatial shards (shard.go): a sharded replicate's engine coordinates
	// the sub-engines in sub, each of which has sh set. siteOwner and
	// snapState are shared with the shards; workers and pool step them in
	// parallel during Run.
	sub       []*Engine
	sh        *shardState
	siteOwner []uint16
	snapState []uint16
	workers   int
	pool      *workPool

	// charge is the elementary charge moved into the cell by site
	// transitions so far; qLast and tLast are its value and the time at the
	// previous sample (for the transporter current).
	charge, qLast, tLast float64

	// A cache line of slack: the engines of a sharded replicate's shards
	// are written from different cores (false sharing; see shardState).
	_ [64]byte
}

// bathClock holds the current site transition rates of a model whose bath
// concentrations change in time (BathSpec.Schedule).
type bathClock struct {
	sched [][]BathStep // per scheduled bath
	conc0 []float64    // concentration before the first step
	conc  []float64    // current concentration per scheduled bath
	next  []int        // next schedule entry per scheduled bath
	// which[ty][st][j] is the scheduled bath driving transition j of state
	// st of site type ty, or -1.
	which [][][]int
	rate  [][][]float64 // current rate of each transition
	kout  [][]float64   // current total rate out of each state
}

// NewEngine makes an engine for model m.
func NewEngine(m *Model) *Engine {
	e := newEngine(m)
	if m.shards > 1 {
		e.newShards()
	}
	return e
}

func newEngine(m *Model) *Engine {
	e := &Engine{m: m, g: m.Grid}
	nt := len(m.Grid.Tiles())
	e.siteAt = make([]int32, nt)
	e.stopAt = make([]bool, nt)
	e.stateCount = make([][]int64, len(m.schemes))
	for i, c := range m.schemes {
		e.stateCount[i] = make([]int64, len(c.States))
	}
	ns := len(m.species)
	e.released = make([]int64, ns)
	e.transported = make([]int64, ns)
	e.degraded = make([]int64, ns)
	e.escaped = make([]int64, ns)
	e.emitted = make([]int64, ns)
	e.free = make([]int64, ns*m.nRegions)
	e.values = make([]float64, len(m.obs.cols))
	e.nextRelease = make([]int, len(m.releases))
	e.relSites = make([][]relSite, len(m.releases))
	e.baths = newBathClock(m)
	return e
}

func newBathClock(m *Model) *bathClock {
	idx := map[string]int{}
	b := &bathClock{}
	for _, bs := range m.full.Baths {
		if len(bs.Schedule) > 0 {
			idx[bs.Name] = len(b.sched)
			b.sched = append(b.sched, bs.Schedule)
			b.conc0 = append(b.conc0, bs.Conc)
		}
	}
	if len(b.sched) == 0 {
		return nil
	}
	b.conc = make([]float64, len(b.sched))
	b.next = make([]int, len(b.sched))
	for _, c := range m.schemes {
		w := make([][]int, len(c.States))
		r := make([][]float64, len(c.States))
		for st, out := range c.Out {
			w[st] = make([]int, len(out))
			r[st] = make([]float64, len(out))
			for j, u := range out {
				w[st][j] = -1
				if i, ok := idx[u.Bath]; ok && u.Kind == agents.Bath {
					w[st][j] = i
				}
			}
		}
		b.which = append(b.which, w)
		b.rate = append(b.rate, r)
		b.kout = append(b.kout, make([]float64, len(c.States)))
	}
	return b
}

// reset sets the concentrations to their values at t = 0 and the rates to
// match.
func (b *bathClock) reset(m *Model) {
	for i := range b.sched {
		b.conc[i], b.next[i] = b.conc0[i], 0
		for b.next[i] < len(b.sched[i]) && b.sched[i][b.next[i]].T <= 0 {
			b.conc[i] = b.sched[i][b.next[i]].Conc
			b.next[i]++
		}
	}
	b.update(m)
}

// update recomputes every rate from the current concentrations.
func (b *bathClock) update(m *Model) {
	for ty, c := range m.schemes {
		for st, out := range c.Out {
			k := 0.0
			for j, u := range out {
				r := u.Rate
				if i := b.which[ty][st][j]; i >= 0 {
					r = u.KOn * b.conc[i]
				}
				b.rate[ty][st][j] = r
				k += r
			}
			b.kout[ty][st] = k
		}
	}
}

// nextChange is the time of the next concentration change, or +Inf.
func (b *bathClock) nextChange() float64 {
	t := math.Inf(1)
	for i, s := range b.sched {
		if b.next[i] < len(s) && s[b.next[i]].T < t {
			t = s[b.next[i]].T
		}
	}
	return t
}

// kOut is the current total rate out of state st of site type ty.
func (e *Engine) kOut(ty, st int) float64 {
	if e.baths != nil {
		return e.baths.kout[ty][st]
	}
	return e.m.schemes[ty].KOut[st]
}

// applyBathChanges applies the concentration changes due at tc and redraws
// the waiting time, from tc, of every site in a state with a transition
// driven by a changed bath (exponential waiting times are memoryless, so
// this is exact).
func (e *Engine) applyBathChanges(tc float64) {
	b := e.baths
	changed := make([]bool, len(b.sched))
	for i, s := range b.sched {
		for b.next[i] < len(s) && s[b.next[i]].T <= tc {
			b.conc[i] = s[b.next[i]].Conc
			b.next[i]++
			changed[i] = true
		}
	}
	b.update(e.m)
	for s := range e.sites.Type {
		if e.sh != nil && int(e.sh.owner[s]) != e.sh.id {
			continue // another shard's site
		}
		ty, st := int(e.sites.Type[s]), int(e.sites.State[s])
		for _, i := range b.which[ty][st] {
			if i >= 0 && changed[i] {
				e.enter(s, st, tc)
				break
			}
		}
	}
}

// Reset prepares the engine for replicate rep of a run with the given
// seed: empties the cleft, places sites and seeds the streams. The result
// depends only on (model, seed, rep).
func (e *Engine) Reset(seed uint64, rep int) {
	m := e.m
	e.mol.Reset()
	e.sites.Reset()
	e.queue = e.queue[:0]
	e.t, e.step = 0, 0
	for i := range e.siteAt {
		e.siteAt[i] = -1
		e.stopAt[i] = false
	}
	for _, c := range e.stateCount {
		clear(c)
	}
	for _, s := range [][]int64{e.released, e.transported, e.degraded, e.escaped, e.emitted} {
		clear(s)
	}
	clear(e.nextRelease)
	e.charge, e.qLast, e.tLast = 0, 0, 0
	if e.baths != nil {
		e.baths.reset(m)
	}
	place := NewStream(StreamKey(seed, uint64(rep), 0, purposePlacement))
	// Initial states drawn from an equilibrium (drug-targeted sites) use
	// their own stream, so that site positions and dynamics do not depend
	// on the drugs of a condition.
	init := NewStream(StreamKey(seed, uint64(rep), 0, purposeInitState))
	e.rng = NewStream(StreamKey(seed, uint64(rep), 0, purposeDynamics))
	for _, pl := range m.placements {
		// Choose count distinct free tiles by a partial Fisher–Yates
		// shuffle of the candidates (tiles already taken are skipped).
		cand := make([]int32, 0, len(pl.tiles))
		for _, t := range pl.tiles {
			if e.siteAt[t] < 0 {
				cand = append(cand, t)
			}
		}
		for k := 0; k < pl.count; k++ {
			j := k + place.Intn(len(cand)-k)
			cand[k], cand[j] = cand[j], cand[k]
			tile := cand[k]
			state := pl.state
			if pl.equil != nil {
				state = pick(pl.equil, init.Float64())
			}
			s := e.sites.Add(uint16(pl.siteType), uint16(state), tile)
			e.siteAt[tile] = int32(s)
			e.stateCount[pl.siteType][state]++
			e.preloaded(pl.siteType, state)
			e.enter(s, state, 0)
		}
	}
	if m.pharm.anyVolume {
		e.placeVolumeSites(place, init)
	}
	e.resetReleaseQueue(seed, rep)
	if e.sub != nil {
		e.resetShards(seed, rep)
	}
	if e.rec != nil {
		e.resetRecorder(seed, rep)
	}
}

// preloaded counts the molecules a site holds when it starts in a bound
// state as released at t = 0, so that released = free + bound + taken up
// + degraded + escaped holds from the start.
func (e *Engine) preloaded(ty, state int) {
	for sp, n := range e.m.schemes[ty].Held[state] {
		e.released[sp] += int64(n)
	}
}

// enter puts site s into state at time t: updates the hit mask (surface
// sites) and schedules its next unimolecular event. The exponential is
// drawn even for a state with no way out, so that conditions that differ
// only in rates (a drug at zero or finite concentration) consume the
// dynamics stream alike (common random numbers).
func (e *Engine) enter(s, state int, t float64) {
	e.sites.State[s] = uint16(state)
	e.sites.Gen[s]++
	e.sites.Since[s] = t
	c := e.m.schemes[e.sites.Type[s]]
	if tile := e.sites.Tile[s]; tile >= 0 {
		e.stopAt[tile] = c.BindsSpecies[state] != 0
	}
	if e.sub != nil {
		return // a sharded replicate: the owning shard schedules (resetShards)
	}
	if e.sh != nil {
		e.sh.changed = append(e.sh.changed, int32(s))
	}
	x := e.rng.Exp()
	e.sites.Next[s] = math.Inf(1)
	if k := e.kOut(int(e.sites.Type[s]), state); k > 0 {
		e.sites.Next[s] = t + x/k
		e.queue.push(event{t: t + x/k, site: int32(s), gen: e.sites.Gen[s]})
	}
}

func (e *Engine) setState(s, to int, t float64) {
	ty := e.sites.Type[s]
	e.stateCount[ty][e.sites.State[s]]--
	e.stateCount[ty][to]++
	e.enter(s, to, t)
}

// Run simulates the replicate to the end, calling observe at t = 0 and at
// every sample time with the observable values in the order of
// Model.Columns. The slice is reused between calls.
func (e *Engine) Run(observe func(t float64, values []float64)) {
	e.RunContext(context.Background(), observe)
}

// cancelEvery is the number of steps between two looks at the context in
// RunContext: a look is a non-blocking receive (a few ns), a step of the
// smallest models about a microsecond, so the cost is below 0.01 %, and a
// cancelled replicate stops within 256 steps (well under a second even
// for models of millions of molecules).
const cancelEvery = 256

// RunContext is Run, stopping early with ctx's error when ctx is cancelled
// (checked every cancelEvery steps); the replicate is then incomplete and
// its samples must be discarded.
func (e *Engine) RunContext(ctx context.Context, observe func(t float64, values []float64)) error {
	m := e.m
	// More goroutines than processors would only spin against each other
	// at the phase barriers (results do not depend on the count).
	if w := min(e.workers, len(e.sub), runtime.GOMAXPROCS(0)); w > 1 {
		e.pool = newWorkPool(w)
		defer func() { e.pool.close(); e.pool = nil }()
	}
	done := ctx.Done()
	if e.rec != nil {
		e.recordStep()
	}
	v0 := e.sample()
	if e.sub == nil && e.pk == nil {
		e.pk = m.newStepPeaks()
	}
	if e.pk != nil {
		e.pk.reset(v0)
	}
	observe(0, v0)
	for e.step < m.steps {
		if done != nil && e.step%cancelEvery == 0 {
			select {
			case <-done:
				return ctx.Err()
			default:
			}
		}
		e.Step()
		if e.rec != nil {
			e.recordStep()
		}
		if e.pk != nil {
			e.trackPeaks()
		}
		if e.step%m.sampleEvery == 0 {
			observe(e.t, e.sample())
		}
	}
	return nil
}

// Step advances the replicate by one timestep.
func (e *Engine) Step() {
	if e.sub != nil {
		e.stepShards()
		return
	}
	m := e.m
	t1 := float64(e.step+1) * m.Dt
	e.release(t1)
	if m.pharm.anyVolume {
		e.countVolume()
	}
	e.diffuse()
	e.siteEvents(t1)
	e.step++
	e.t = t1
}

func (e *Engine) release(t1 float64) {
	m := e.m
	for ri := range m.releases {
		r := &m.releases[ri]
		if r.queued {
			continue
		}
		for e.nextRelease[ri] < len(r.rel.Times) && r.rel.Times[e.nextRelease[ri]] < t1 {
			e.nextRelease[ri]++
			if r.rel.Probability < 1 && e.rng.Float64() >= r.rel.Probability {
				continue
			}
			var n int
			switch r.rel.Dist {
			case agents.Poisson:
				n = e.rng.Poisson(r.rel.N)
			case agents.Gaussian:
				n = int(math.Round(r.rel.N + r.rel.CV*r.rel.N*e.rng.Norm()))
				if n < 0 {
					n = 0
				}
			default:
				n = int(math.Round(r.rel.N))
			}
			e.mol.Grow(n)
			for k := 0; k < n; k++ {
				e.mol.Add(r.at[0], r.at[1], r.at[2], r.voxel, uint16(r.species))
			}
			e.released[r.species] += int64(n)
			if e.rec != nil {
				e.recReleased(r.rel.Times[e.nextRelease[ri]-1], e.mol.Len()-n)
			}
		}
	}
	e.releaseQueued(t1)
}

// siteEvents fires the unimolecular site transitions due by t1, in time
// order, interleaved with the bath concentration changes due by t1.
func (e *Engine) siteEvents(t1 float64) {
	if e.baths != nil {
		for tc := e.baths.nextChange(); tc <= t1; tc = e.baths.nextChange() {
			e.fireUntil(tc, false)
			e.applyBathChanges(tc)
		}
	}
	e.fireUntil(t1, true)
	if e.m.pharm.anyVolume {
		e.volumeCatchUp(t1)
	}
}

// fireUntil fires the site events with time before t (or at t, when
// inclusive).
func (e *Engine) fireUntil(t float64, inclusive bool) {
	m := e.m
	for len(e.queue) > 0 && (e.queue[0].t < t || inclusive && e.queue[0].t == t) {
		ev := e.queue.pop()
		s := int(ev.site)
		if e.sites.Gen[s] != ev.gen {
			continue // the site changed state since this was scheduled
		}
		ty := int(e.sites.Type[s])
		c := m.schemes[ty]
		state := int(e.sites.State[s])
		x := e.rng.Float64() * e.kOut(ty, state)
		out := c.Out[state]
		var rates []float64
		if e.baths != nil {
			rates = e.baths.rate[ty][state]
		}
		// Branch by k_i/k_total. Transitions of rate 0 (a bath at zero
		// concentration) are never chosen, even when rounding leaves x at
		// the total.
		var u agents.Uni
		for j, o := range out {
			r := o.Rate
			if rates != nil {
				r = rates[j]
			}
			if r <= 0 {
				continue
			}
			u = o
			if x < r {
				break
			}
			x -= r
		}
		spawned, rebound := false, false
		to := u.To
		if e.rec != nil {
			e.releasing(s, u)
		}
		switch u.Kind {
		case agents.Unbind:
			// A clamped (bath) ligand returns to the bath: nothing to spawn.
			if u.Species >= 0 {
				if r, ok := e.rebind(s, u); ok {
					to, rebound = r, true
				} else {
					spawned = e.spawnNear(s, u.Species, ev.t)
				}
			}
		case agents.Emit:
			if u.Species >= 0 {
				spawned = e.spawnNear(s, u.Species, ev.t)
				e.emitted[u.Species]++
			}
		case agents.Transport:
			if u.Species >= 0 {
				e.transported[u.Species]++
			}
		case agents.Degrade:
			if u.Species >= 0 {
				e.degraded[u.Species]++
			}
		}
		if e.rec != nil {
			id := e.siteFired(s, state, u, ev.t, spawned)
			if rebound { // the released molecule binds again at once
				p, v := e.siteWhere(s)
				e.bound(s, u.To, to, u.Species, id, p, v, ev.t)
			}
		}
		e.charge += u.Charge
		e.setState(s, to, ev.t)
		e.volNote(s)
	}
}

// rebind decides whether the molecule that surface site s releases by
// unbinding u rebinds at once (see reversibleHitProbability), and if so
// returns the state it binds into, chosen among the bindings of u.To by
// k_on. One uniform is drawn for every unbinding from a membrane site.
func (e *Engine) rebind(s int, u agents.Uni) (int, bool) {
	tile := e.sites.Tile[s]
	if tile < 0 {
		return 0, false
	}
	m := e.m
	ty := int(e.sites.Type[s])
	region := e.g.Region(int(e.g.Tiles()[tile].Voxel))
	q := m.rebindP[ty][u.To][u.Species*m.nRegions+region]
	x := e.rng.Float64()
	if x >= q {
		return 0, false
	}
	c := m.schemes[ty]
	return c.PickBind(u.To, u.Species, x/q*c.BindRate(u.To, u.Species)), true
}

// spawnNear puts a molecule of species sp, released at time t, next to
// site s: on the medium side of its tile, or anywhere in its voxel for a
// volume site. It reports whether it added a molecule: a volume site's
// molecule may bind again at once instead (spawnInVoxel).
func (e *Engine) spawnNear(s, sp int, t float64) bool {
	if t := e.sites.Tile[s]; t >= 0 {
		e.spawnAt(int(t), sp)
		return true
	}
	return e.spawnInVoxel(int(e.sites.Voxel[s]), sp, t)
}

// spawnAt puts a molecule of species sp, unbound from (or emitted by) the
// site on tile t, into the medium. The position is drawn as the time
// reverse of a step that crosses the tile: a crossing point uniform on the
// face, a step d with its normal part Rayleigh-distributed (the normal
// Gaussian weighted by |d_n|) and tangential parts Gaussian, all of rms
// √(2DΔt), and the molecule put back a uniform fraction of d from the
// crossing point (reflecting at any wall on the way). That is the density
// of starting points of the steps that cross the tile, so binding and
// unbinding (with rebind) satisfy detailed balance and the bound fraction
// at equilibrium is exact at any Δt (see reversibleHitProbability).
func (e *Engine) spawnAt(t, sp int) {
	g := e.g
	tl := g.Tiles()[t]
	v := int(tl.Voxel)
	a := int(tl.Dir) / 2
	sign := -1.0 // the tile's normal points into the wall; the medium is behind it
	if tl.Dir%2 == 0 {
		sign = 1
	}
	p := tl.Centre
	s := e.m.sd[sp*e.m.nRegions+g.Region(v)]
	f := e.rng.Float64()
	var d [3]float64
	for b := 0; b < 3; b++ {
		if b == a {
			p[b] += sign * 1e-9 * g.H
			d[b] = sign * f * s * math.Sqrt(2*e.rng.Exp())
		} else {
			p[b] += (e.rng.Float64() - 0.5) * g.H * (1 - 1e-9)
			d[b] = f * s * e.rng.Norm()
		}
	}
	q, w := p, v
	if out, _ := g.Move(&q, &w, &d, nil); out == space.Done {
		p, v = q, w
	}
	e.mol.Add(p[0], p[1], p[2], int32(v), uint16(sp))
}

// sample fills the observable vector.
func (e *Engine) sample() []float64 {
	e.gather()
	m := e.m
	g := e.g
	clear(e.free)
	nr := m.nRegions
	for i := range e.mol.X {
		e.free[int(e.mol.Species[i])*nr+g.Region(int(e.mol.Voxel[i]))]++
	}
	m.obs.fill(e, e.values)
	e.qLast, e.tLast = e.charge, e.t
	return e.values
}

// Counts is a snapshot of the conserved quantities of one species.
type Counts struct {
	Released, Emitted, Free, Bound, Transported, Degraded, Escaped int64
}

// Counts returns the bookkeeping of species sp now. Released + Emitted
// always equals Free + Bound + Transported + Degraded + Escaped.
func (e *Engine) Counts(sp int) Counts {
	e.gather()
	c := Counts{Released: e.released[sp], Emitted: e.emitted[sp], Transported: e.transported[sp],
		Degraded: e.degraded[sp], Escaped: e.escaped[sp]}
	for i := range e.mol.X {
		if int(e.mol.Species[i]) == sp {
			c.Free++
		}
	}
	for ty, counts := range e.stateCount {
		for st, n := range counts {
			c.Bound += n * int64(e.m.schemes[ty].Held[st][sp])
		}
	}
	return c
}

// Molecules exposes the free molecules (read-only use; for a sharded
// replicate a copy gathered from the shards in order).
func (e *Engine) Molecules() *agents.Molecules {
	e.gather()
	return &e.mol
}

// StateCounts returns the number of sites of site type ty in each state.
func (e *Engine) StateCounts(ty int) []int64 {
	e.gather()
	return e.stateCount[ty]
}

// Time is the simulated time, ms.
func (e *Engine) Time() float64 { return e.t }

// AddMolecule puts a molecule of species sp at p (for tests and custom
// initial conditions). It reports false when p is not in the medium.
func (e *Engine) AddMolecule(p [3]float64, sp int) bool {
	v, ok := e.g.Locate(p)
	if !ok || e.g.Kind(v) != space.Free {
		return false
	}
	if e.sub != nil {
		e.sub[e.m.blockOf(int32(v))].mol.Add(p[0], p[1], p[2], int32(v), uint16(sp))
	} else {
		e.mol.Add(p[0], p[1], p[2], int32(v), uint16(sp))
	}
	e.released[sp]++
	return true
}

type event struct {
	t    float64
	site int32
	gen  uint32
}

// eventQueue is a binary min-heap of site events ordered by time (ties by
// site index, for determinism).
type eventQueue []event

func (q eventQueue) less(i, j int) bool {
	if q[i].t != q[j].t {
		return q[i].t < q[j].t
	}
	return q[i].site < q[j].site
}

func (q *eventQueue) push(ev event) {
	*q = append(*q, ev)
	h := *q
	i := len(h) - 1
	for i > 0 {
		p := (i - 1) / 2
		if !h.less(i, p) {
			break
		}
		h[i], h[p] = h[p], h[i]
		i = p
	}
}

func (q *eventQueue) pop() event {
	h := *q
	top := h[0]
	last := len(h) - 1
	h[0] = h[last]
	h = h[:last]
	i := 0
	for {
		l := 2*i + 1
		if l >= len(h) {
			break
		}
		c := l
		if r := l + 1; r < len(h) && h.less(r, l) {
			c = r
		}
		if !h.less(c, i) {
			break
		}
		h[i], h[c] = h[c], h[i]
		i = c
	}
	*q = h
	return top
}
