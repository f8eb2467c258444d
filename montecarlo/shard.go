package montecarlo

import (
	"runtime"
	"sync/atomic"

	"github.com/reuptake/reuptake/agents"
)

// Spatial shards (RunSpec.Shards = k > 1).
//
// The grid is cut into k slabs of whole voxel slices along its longest
// axis. Each slab is a block owned by one shard: a sub-engine with its own
// free molecules, random stream (keyed by the shard index), event queue
// and counters, owning the sites whose tile (by the medium voxel next to
// it) or volume voxel lies in its block. A replicate's engine coordinates
// its shards; every step is three parallel phases separated by barriers:
//
//  1. diffusion: each shard moves its molecules. A step that ends in
//     another block puts the molecule in an outbox for that block (the new
//     owner applies volume reactions); a hit on a tile of another block is
//     decided with the tile's site state at the start of the step and, when
//     it would bind, becomes a claim sent to the owner;
//  2. arrivals and events: each shard takes the molecules handed to it
//     and then the claims on its sites, both in shard order, then fires
//     its site events due this step. A claim binds with probability
//     min(1, P_now/P_start), P the hit probability in the site's state now
//     and at the start of the step, so that overall the hit binds with
//     min(P_start, P_now); if refused, the molecule stays at the point
//     where it met the tile;
//  3. synchronisation: each shard copies, for the tiles whose sites
//     changed state in other blocks this step, whether they now stop
//     molecules, and records its own changed states as the snapshot the
//     other shards read next step.
//
// Each phase reads only what no shard writes in that phase, so no lock is
// needed; everything a shard does is a function of its own stream and of
// inputs merged in a fixed order, so a replicate's output depends on the
// model (with k), the seed and the replicate index, never on the number of
// goroutines stepping the shards (Engine.SetWorkers). Releases are drawn
// by the coordinating engine before the diffusion phase, and observables
// are computed by the coordinator from the shards gathered in order.

// compileShards checks RunSpec.Shards and maps voxels to blocks.
func (m *Model) compileShards() error {
	k := m.Spec.Run.Shards
	switch {
	case k < 0 || k > 4096:
		return fieldErr("run.shards", "must be a count from 1 to 4096, got %d", k)
	case k <= 1:
		m.shards = 1
		return nil
	}
	n := m.Grid.N
	axis := 2
	for a := 1; a >= 0; a-- {
		if n[a] > n[axis] {
			axis = a
		}
	}
	if n[axis] < k {
		return fieldErr("run.shards", "%d shards need at least %d voxel slices along the longest axis; the grid has %d", k, k, n[axis])
	}
	m.shards = k
	m.sliceDiv = 1
	for a := 0; a < axis; a++ {
		m.sliceDiv *= int32(n[a])
	}
	m.sliceBlock = make([]uint16, n[axis])
	for c := range m.sliceBlock {
		m.sliceBlock[c] = uint16(c * k / n[axis])
	}
	return nil
}

// Shards is the number of spatial blocks each replicate is split into.
func (m *Model) Shards() int { return m.shards }

// blockOf is the block of voxel v.
func (m *Model) blockOf(v int32) int {
	return int(m.sliceBlock[(v/m.sliceDiv)%int32(len(m.sliceBlock))])
}

// shardState is what a sub-engine holds as a shard of a replicate.
type shardState struct {
	// The shard's random stream and counters live here, away from other
	// shards' memory: 16-byte streams allocated one after another share
	// cache lines, and three normals per molecule-step written from
	// different cores made 16 workers barely 2.8× faster than one on the
	// lent 16-core machine (false sharing).
	_        [64]byte
	rng      Stream
	_        [64]byte
	counters []int64 // backing of the engine's counters, padded
	id       int
	out      []agents.Molecules // per destination block: molecules handed over this step
	claims   [][]claim          // per owner block: tile hits to resolve
	changed  []int32            // own sites that changed state this step
	// used lists the blocks this shard sent molecules or claims to this
	// step; from[b] is set by shard b when it sends to this one. Visiting
	// only those keeps the per-step cost linear in the shard count (with
	// all k² outboxes touched each step, 64 shards ran 1.5× slower than 16
	// on one core: the outbox headers pushed the grid out of the cache).
	used  []int
	from  []bool
	all   []*Engine // every shard of the replicate, in order
	owner []uint16  // shared, read-only while stepping: the block of each site
	snap  []uint16  // shared: each site's state at the start of the step
	_     [64]byte
}

// claim is a hit on a tile of another block that would bind.
type claim struct {
	site   int32
	sp     uint16
	v      int32
	id     uint32
	frac   float64 // u/P_start, u the uniform that decided the hit
	pStart float64 // hit probability in the site's state at the start of the step
	p      [3]float64
}

// handOver moves molecule i of mol to the outbox of block b.
func (sh *shardState) handOver(mol *agents.Molecules, i, b int) {
	sh.mark(b)
	sh.out[b].Append(mol, i)
	mol.Remove(i)
}

// mark records that this shard sends to block b this step.
func (sh *shardState) mark(b int) {
	if f := &sh.all[b].sh.from[sh.id]; !*f {
		*f = true
		sh.used = append(sh.used, b)
	}
}

// claim decides a hit of molecule i (species sp, at p in voxel v) on the
// tile of site s of another block, with the site's state at the start of
// the step. When it binds, the molecule leaves this shard as a claim and
// claim returns true; otherwise the caller reflects it.
func (sh *shardState) claim(e *Engine, i, s, sp int, p [3]float64, v int) bool {
	m := e.m
	ty := e.sites.Type[s]
	state := int(sh.snap[s])
	c := m.schemes[ty]
	if c.BindsSpecies[state]&(1<<sp) == 0 {
		return false
	}
	pr := m.bindP[ty][state][sp*m.nRegions+e.g.Region(v)]
	u := e.rng.Float64()
	if u >= pr {
		return false
	}
	o := sh.owner[s]
	sh.mark(int(o))
	sh.claims[o] = append(sh.claims[o], claim{site: int32(s), sp: uint16(sp), v: int32(v), id: e.mol.ID[i],
		frac: u / pr, pStart: pr, p: p})
	e.mol.Remove(i)
	return true
}

// resolve settles a claim on an own site at time t (see the phases above).
func (e *Engine) resolve(c claim, t float64) {
	m := e.m
	s, sp := int(c.site), int(c.sp)
	ty := e.sites.Type[s]
	state := int(e.sites.State[s])
	sc := m.schemes[ty]
	if sc.BindsSpecies[state]&(1<<sp) != 0 {
		pr := m.bindP[ty][state][sp*m.nRegions+e.g.Region(int(c.v))]
		if pr >= c.pStart || e.rng.Float64()*c.pStart < pr {
			to := sc.PickBind(state, sp, c.frac*sc.BindRate(state, sp))
			if e.rec != nil {
				e.bound(s, state, to, sp, int64(c.id), c.p, c.v, e.stepTime())
			}
			e.setState(s, to, t)
			return
		}
	}
	k := e.mol.Add(c.p[0], c.p[1], c.p[2], c.v, c.sp)
	e.mol.ID[k] = c.id
}

// newShards makes the sub-engines of a sharded model.
func (e *Engine) newShards() {
	m := e.m
	e.sub = make([]*Engine, m.shards)
	for id := range e.sub {
		s := newEngine(m)
		s.siteAt = nil // shared with the coordinator at Reset
		// The outbox headers are written at every hand-over: slack on
		// either side keeps them off other shards' cache lines.
		s.sh = &shardState{id: id, out: make([]agents.Molecules, m.shards+2)[1 : m.shards+1],
			claims: make([][]claim, m.shards+6)[3 : m.shards+3], all: e.sub, from: make([]bool, m.shards)}
		s.padCounters()
		e.sub[id] = s
	}
}

// resetShards hands the sites placed by the coordinator's Reset to their
// owners and seeds each shard's stream.
func (e *Engine) resetShards(seed uint64, rep int) {
	m := e.m
	n := len(e.sites.Type)
	e.siteOwner = resize(e.siteOwner, n)
	e.snapState = resize(e.snapState, n)
	tiles := e.g.Tiles()
	for s := 0; s < n; s++ {
		v := e.sites.Voxel[s]
		if t := e.sites.Tile[s]; t >= 0 {
			v = tiles[t].Voxel
		}
		e.siteOwner[s] = uint16(m.blockOf(v))
	}
	copy(e.snapState, e.sites.State)
	for id, s := range e.sub {
		s.mol.Reset()
		s.mol.SetNextID(uint32(id+1) << 26)
		s.queue = s.queue[:0]
		s.t, s.step = 0, 0
		for _, c := range s.stateCount {
			clear(c)
		}
		for _, c := range [][]int64{s.released, s.transported, s.degraded, s.escaped, s.emitted} {
			clear(c)
		}
		s.charge, s.qLast, s.tLast = 0, 0, 0
		if s.baths != nil {
			s.baths.reset(m)
		}
		s.sh.rng.src.Seed(StreamKey(seed, uint64(rep), uint64(id+1), purposeDynamics))
		s.rng = &s.sh.rng
		s.sites = e.sites
		s.siteAt = e.siteAt
		copy(s.stopAt, e.stopAt)
		s.vol = e.vol
		s.sh.owner, s.sh.snap = e.siteOwner, e.snapState
		s.sh.beginStep()
		clear(s.sh.from)
	}
	for i := 0; i < n; i++ {
		s := e.sub[e.siteOwner[i]]
		ty, st := e.sites.Type[i], int(e.sites.State[i])
		s.stateCount[ty][st]++
		s.enter(i, st, 0)
	}
	for _, s := range e.sub {
		s.sh.changed = s.sh.changed[:0]
	}
}

// padCounters moves the shard's counters and state counts into one
// allocation with a cache line of slack on either side (see shardState).
func (e *Engine) padCounters() {
	n := 0
	for _, c := range e.stateCount {
		n += len(c)
	}
	ns := len(e.released)
	e.sh.counters = make([]int64, 8+5*ns+n+8)
	buf := e.sh.counters[8:]
	take := func(k int) []int64 {
		c := buf[:k:k]
		buf = buf[k:]
		return c
	}
	e.released, e.transported, e.degraded, e.escaped, e.emitted = take(ns), take(ns), take(ns), take(ns), take(ns)
	for i, c := range e.stateCount {
		e.stateCount[i] = take(len(c))
	}
}

func resize(s []uint16, n int) []uint16 {
	if cap(s) < n {
		return make([]uint16, n)
	}
	return s[:n]
}

// beginStep empties the outboxes, claims and the list of changed sites.
func (sh *shardState) beginStep() {
	for _, b := range sh.used {
		sh.out[b].Reset()
		sh.claims[b] = sh.claims[b][:0]
	}
	sh.used = sh.used[:0]
	sh.changed = sh.changed[:0]
}

// stepShards is Step for a sharded replicate.
func (e *Engine) stepShards() {
	m := e.m
	t1 := float64(e.step+1) * m.Dt
	e.clearView()
	e.release(t1)
	for i := range e.mol.X {
		e.sub[m.blockOf(e.mol.Voxel[i])].mol.Append(&e.mol, i)
	}
	e.clearView()
	for _, s := range e.sub {
		s.step, s.t = e.step, e.t
	}
	e.parallel(phaseDiffuse)
	e.parallel(phaseArrivals)
	e.parallel(phaseSynchronise)
	e.step++
	e.t = t1
}

// The three phases of a step, as functions of one shard (no closures, so
// a step allocates nothing once the stores have grown).

func phaseDiffuse(s *Engine) {
	s.sh.beginStep()
	if s.m.pharm.anyVolume {
		s.countVolume()
	}
	s.diffuse()
}

func phaseArrivals(s *Engine) { s.arrivals(s.sh.all, float64(s.step+1)*s.m.Dt) }

func phaseSynchronise(s *Engine) { s.synchronise(s.sh.all) }

// arrivals takes the molecules handed to this shard and the claims on its
// sites, in shard order, then fires its site events due by t1.
func (e *Engine) arrivals(all []*Engine, t1 float64) {
	sh := e.sh
	me := sh.id
	for src, f := range sh.from {
		if !f {
			continue
		}
		box := &all[src].sh.out[me]
		for j := range box.X {
			e.mol.Append(box, j)
			e.afterMove(e.mol.Len() - 1)
		}
	}
	for src, f := range sh.from {
		if !f {
			continue
		}
		sh.from[src] = false
		for _, c := range all[src].sh.claims[me] {
			e.resolve(c, t1)
		}
	}
	e.siteEvents(t1)
}

// synchronise updates this shard's view of other blocks' tiles and
// publishes its own changed site states.
func (e *Engine) synchronise(all []*Engine) {
	tiles := e.sites.Tile
	for _, o := range all {
		if o == e {
			for _, s := range e.sh.changed {
				e.sh.snap[s] = e.sites.State[s]
			}
			continue
		}
		for _, s := range o.sh.changed {
			if t := tiles[s]; t >= 0 {
				e.stopAt[t] = o.stopAt[t]
			}
		}
	}
}

// clearView empties the coordinator's molecule store (a gathered view, or
// releases already handed out), keeping its serial numbers running.
func (e *Engine) clearView() {
	id := e.mol.NextID()
	e.mol.Reset()
	e.mol.SetNextID(id)
}

// gather makes the coordinator's molecules, counters and state counts those
// of all its shards, in shard order, for observables and Counts.
func (e *Engine) gather() {
	if e.sub == nil {
		return
	}
	e.clearView()
	for _, c := range e.stateCount {
		clear(c)
	}
	for _, c := range [][]int64{e.transported, e.degraded, e.escaped, e.emitted} {
		clear(c)
	}
	e.charge = 0
	for _, s := range e.sub {
		for i := range s.mol.X {
			e.mol.Append(&s.mol, i)
		}
		for ty, c := range s.stateCount {
			for st, n := range c {
				e.stateCount[ty][st] += n
			}
		}
		for sp := range e.transported {
			e.transported[sp] += s.transported[sp]
			e.degraded[sp] += s.degraded[sp]
			e.escaped[sp] += s.escaped[sp]
			e.emitted[sp] += s.emitted[sp]
		}
		e.charge += s.charge
	}
}

// SetWorkers sets how many goroutines step the shards of a sharded
// replicate in Run (default 1; at most the shard count and GOMAXPROCS are
// used). It changes speed only, never results.
func (e *Engine) SetWorkers(n int) { e.workers = n }

// parallel runs f on every shard, on the engine's worker pool when Run
// has one, else in order on this goroutine.
func (e *Engine) parallel(f func(*Engine)) {
	if e.pool == nil {
		for _, s := range e.sub {
			f(s)
		}
		return
	}
	e.pool.run(e.sub, f)
}

// workPool is a fixed set of goroutines that run a function on every shard
// of a replicate, in batches; the caller takes part. Tasks are handed out by an atomic counter, so a
// batch needs no lock. A step has three short batches, so waking parked
// goroutines through the scheduler for each would dominate small steps:
// idle workers first spin on the batch generation for a while and only
// then park on their channel; the caller likewise spins until every worker
// has reported the batch done. The spin is a plain load loop, yielding
// only rarely (every poolYield polls, so that an oversubscribed machine
// still makes progress): runtime.Gosched takes the scheduler's global run
// queue lock, which 15 pollers yielding every few microseconds would fight
// over (benchmarks/README.md has the measurements of both).
type workPool struct {
	workers []poolWorker
	gen     atomic.Uint64 // batch generation, polled by idle workers
	_       [56]byte      // keep the pollers' line apart from the counters
	pending atomic.Int64  // workers still busy with the current batch
	next    atomic.Int64
	subs    []*Engine
	fn      func(*Engine)
	spin    int // polls before an idle worker parks
}

type poolWorker struct {
	wake   chan struct{}
	parked atomic.Bool
	_      [48]byte // keep workers' flags on separate cache lines
}

// poolSpin is how many polls an idle worker makes before parking (some
// hundreds of microseconds, longer than a phase of a step), and poolYield
// how often a spinning goroutine yields.
const (
	poolSpin  = 1 << 17
	poolYield = 1 << 12
)

func newWorkPool(workers int) *workPool { return newWorkPoolSpin(workers, poolSpin) }

// newWorkPoolSpin is newWorkPool with idle workers parking after spin
// polls (tests park them at once to exercise the hand-shake).
func newWorkPoolSpin(workers, spin int) *workPool {
	p := &workPool{workers: make([]poolWorker, workers-1), spin: spin}
	for i := range p.workers {
		w := &p.workers[i]
		w.wake = make(chan struct{}, 1)
		go p.loop(w, 0) // generation 0: a goroutine that starts late still sees batch 1
	}
	return p
}

func (p *workPool) loop(w *poolWorker, seen uint64) {
	for {
		g := p.gen.Load()
		for i := 0; g == seen && i < p.spin; i++ {
			if i&(poolYield-1) == poolYield-1 {
				runtime.Gosched()
			}
			g = p.gen.Load()
		}
		if g == seen {
			w.parked.Store(true)
			if g = p.gen.Load(); g == seen {
				if _, ok := <-w.wake; !ok {
					return
				}
				g = p.gen.Load()
			} else if !w.parked.CompareAndSwap(true, false) {
				<-w.wake // the caller saw us parked and sent a wake-up
			}
		}
		if g == 0 {
			return // closed
		}
		if g == seen {
			// A wake-up sent for the batch this worker has already done:
			// it finished, spun and parked before the caller's wake-up
			// loop reached it. Working and counting the batch again would
			// let the caller go on while another worker is still busy.
			continue
		}
		seen = g
		p.work()
		p.pending.Add(-1)
	}
}

func (p *workPool) run(subs []*Engine, fn func(*Engine)) {
	p.fn, p.subs = fn, subs
	p.next.Store(0)
	p.pending.Store(int64(len(p.workers)))
	p.gen.Add(1)
	for i := range p.workers {
		if w := &p.workers[i]; w.parked.CompareAndSwap(true, false) {
			w.wake <- struct{}{}
		}
	}
	p.work()
	for i := 0; p.pending.Load() > 0; i++ {
		if i&(poolYield-1) == poolYield-1 {
			runtime.Gosched()
		}
	}
}

func (p *workPool) work() {
	for {
		i := p.next.Add(1) - 1
		if i >= int64(len(p.subs)) {
			return
		}
		p.fn(p.subs[i])
	}
}

// close stops the workers.
func (p *workPool) close() {
	p.gen.Store(0)
	for i := range p.workers {
		close(p.workers[i].wake)
	}
}
