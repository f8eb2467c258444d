package montecarlo

import (
	"slices"
	"strconv"

	"github.com/reuptake/reuptake/agents"
)

// recorder records the events and snapshots of a replicate (output.go).
// An engine without one (the default) records nothing: the hooks in the
// engine test e.rec != nil, on paths taken only when something happens to
// a molecule or a site. In a sharded replicate every shard has its own
// recorder (its own event buffer), sharing held with the coordinator; the
// coordinator moves the shards' events to the tape after every step, in
// shard order, so that the rows do not depend on the number of workers.
type recorder struct {
	mask uint16  // EventKinds recorded
	buf  []Event // this engine's events since the last flush
	// held[s] lists the molecules site s holds, latest last: a bound
	// molecule keeps its id when it unbinds, and its transport or
	// degradation names it. Each site's list is touched only by the shard
	// that owns the site.
	held *[][]heldMol
	// spawnID is the id of the molecule that the site event being fired
	// releases into the medium (-1 when unknown or new): a volume site
	// that binds it at once (volumeBind) records it under that id.
	spawnID int64
	tape    *Tape // the coordinator's; nil in shards
	snap    *Stream
	pick    []int32 // scratch: molecules chosen in a crowded snapshot
	// tDec is the end time of step tStep on the decimal grid (stepTime).
	tStep int
	tDec  float64
}

type heldMol struct {
	id int64
	sp int16
}

// Record makes the engine record the events and snapshots its model asks
// for (Model.Output) into tape, from the next Reset on; nil stops
// recording.
func (e *Engine) Record(tape *Tape) {
	if tape == nil || !e.m.out.on() {
		e.rec = nil
		for _, s := range e.sub {
			s.rec = nil
		}
		return
	}
	held := new([][]heldMol)
	e.rec = &recorder{mask: e.m.out.events, held: held, tape: tape}
	for _, s := range e.sub {
		s.rec = &recorder{mask: e.m.out.events, held: held}
	}
}

// resetRecorder empties the recorder at Reset, once the sites are placed.
func (e *Engine) resetRecorder(seed uint64, rep int) {
	r := e.rec
	h := *r.held
	for i := range h {
		h[i] = h[i][:0]
	}
	for len(h) < len(e.sites.Type) {
		h = append(h, nil)
	}
	*r.held = h[:len(e.sites.Type)]
	r.buf = r.buf[:0]
	r.snap = NewStream(StreamKey(seed, uint64(rep), 0, purposeSnapshot))
	for _, s := range e.sub {
		s.rec.buf = s.rec.buf[:0]
	}
}

// stepTime is the time at the end of the current step, on the decimal
// grid like the sample times (DecimalTime), so that events at the step
// time join the samples exactly.
func (e *Engine) stepTime() float64 {
	r := e.rec
	if r.tStep != e.step+1 {
		r.tStep, r.tDec = e.step+1, DecimalTime(float64(e.step+1)*e.m.Dt)
	}
	return r.tDec
}

// wants reports whether events of kind k are recorded.
func (r *recorder) wants(k EventKind) bool { return r.mask&(1<<k) != 0 }

// molEvent records an event of free molecule i at position p in voxel v
// (no site).
func (e *Engine) molEvent(k EventKind, t float64, i int, p [3]float64, v int32) {
	if !e.rec.wants(k) {
		return
	}
	e.rec.buf = append(e.rec.buf, Event{T: t, Kind: k, Molecule: int64(e.mol.ID[i]), X: p[0], Y: p[1], Z: p[2],
		Species: int16(e.mol.Species[i]), Site: -1, SiteType: -1, From: -1, To: -1, Region: int16(e.g.Region(int(v)))})
}

// recReleased records the molecules [from, e.mol.Len()) just released at t.
func (e *Engine) recReleased(t float64, from int) {
	if !e.rec.wants(EventRelease) {
		return
	}
	mol := &e.mol
	for i := from; i < mol.Len(); i++ {
		e.molEvent(EventRelease, t, i, [3]float64{mol.X[i], mol.Y[i], mol.Z[i]}, mol.Voxel[i])
	}
}

// siteWhere is the position and medium voxel of site s.
func (e *Engine) siteWhere(s int) ([3]float64, int32) {
	if t := e.sites.Tile[s]; t >= 0 {
		tl := e.g.Tiles()[t]
		return tl.Centre, tl.Voxel
	}
	v := e.sites.Voxel[s]
	i, j, k := e.g.Coords(int(v))
	return e.g.Center(i, j, k), v
}

// bound records that site s, in state from, bound molecule id of species
// sp at p (voxel v) at time t, going to state to.
func (e *Engine) bound(s, from, to, sp int, id int64, p [3]float64, v int32, t float64) {
	h := &(*e.rec.held)[s]
	*h = append(*h, heldMol{id, int16(sp)})
	if !e.rec.wants(EventBind) {
		return
	}
	e.rec.buf = append(e.rec.buf, Event{T: t, Kind: EventBind, Molecule: id, X: p[0], Y: p[1], Z: p[2],
		Species: int16(sp), Site: int32(s), SiteType: int16(e.sites.Type[s]), From: int16(from), To: int16(to),
		Region: int16(e.g.Region(int(v)))})
}

// boundMol records the binding of free molecule i (before its removal).
func (e *Engine) boundMol(s, from, to, i int, p [3]float64, v int32, t float64) {
	e.bound(s, from, to, int(e.mol.Species[i]), int64(e.mol.ID[i]), p, v, t)
}

// release takes the latest molecule of species sp that site s holds; -1
// when it holds none known (a site that started bound).
func (r *recorder) release(s, sp int) int64 {
	h := &(*r.held)[s]
	for j := len(*h) - 1; j >= 0; j-- {
		if int((*h)[j].sp) == sp {
			id := (*h)[j].id
			*h = slices.Delete(*h, j, j+1)
			return id
		}
	}
	return -1
}

// releasing names the molecule that unbinding u of site s is about to put
// into the medium (recorder.spawnID), taking it from the site's list.
func (e *Engine) releasing(s int, u agents.Uni) {
	e.rec.spawnID = -1
	if u.Kind == agents.Unbind && u.Species >= 0 {
		e.rec.spawnID = e.rec.release(s, u.Species)
	}
}

// siteFired records the first-order transition u of site s from state
// from at time t; spawned says that it put a molecule into the medium (the
// last one of e.mol). It returns the id of the molecule the transition
// released or took (-1 if none or unknown).
func (e *Engine) siteFired(s, from int, u agents.Uni, t float64, spawned bool) int64 {
	r := e.rec
	k := EventTransition
	sp := u.Species
	id := int64(-1)
	switch u.Kind {
	case agents.Unbind:
		if sp >= 0 {
			k = EventUnbind
			id = r.spawnID // taken from the site's list before the molecule was placed
		}
	case agents.Emit:
		if sp >= 0 {
			k = EventEmit
		}
	case agents.Transport:
		if sp >= 0 {
			k, id = EventTransport, r.release(s, sp)
		}
	case agents.Degrade:
		if sp >= 0 {
			k, id = EventDegrade, r.release(s, sp)
		}
	}
	if k == EventTransition {
		sp = -1
	}
	p, v := e.siteWhere(s)
	if spawned {
		i := e.mol.Len() - 1
		if id >= 0 {
			e.mol.ID[i] = uint32(id) // the molecule that was bound returns
		}
		id = int64(e.mol.ID[i])
		p, v = [3]float64{e.mol.X[i], e.mol.Y[i], e.mol.Z[i]}, e.mol.Voxel[i]
	}
	if !r.wants(k) {
		return id
	}
	r.buf = append(r.buf, Event{T: t, Kind: k, Molecule: id, X: p[0], Y: p[1], Z: p[2],
		Species: int16(sp), Site: int32(s), SiteType: int16(e.sites.Type[s]), From: int16(from), To: int16(u.To),
		Region: int16(e.g.Region(int(v)))})
	return id
}

// flushEvents moves the events of the step to the tape: the
// coordinator's, then each shard's in shard order.
func (e *Engine) flushEvents() {
	r := e.rec
	for i := range r.buf {
		r.tape.Events.add(r.buf[i])
	}
	r.buf = r.buf[:0]
	for _, s := range e.sub {
		for i := range s.rec.buf {
			r.tape.Events.add(s.rec.buf[i])
		}
		s.rec.buf = s.rec.buf[:0]
	}
}

// snapshot writes the free molecules (at most the cap, chosen uniformly
// without replacement) and the sites at time t to the tape.
func (e *Engine) snapshot(t float64) {
	e.gather()
	r, mol, g := e.rec, &e.mol, e.g
	n := mol.Len()
	emit := func(i int) {
		r.tape.Molecules.add(MoleculeRow{T: t, Molecule: int64(mol.ID[i]), X: mol.X[i], Y: mol.Y[i], Z: mol.Z[i],
			Species: int16(mol.Species[i]), Region: int16(g.Region(int(mol.Voxel[i])))})
	}
	if c := e.m.out.snapCap; n > c {
		r.tape.Subsampled = true
		r.pick = r.pick[:0]
		for i := 0; i < n; i++ {
			r.pick = append(r.pick, int32(i))
		}
		for k := 0; k < c; k++ {
			j := k + r.snap.Intn(n-k)
			r.pick[k], r.pick[j] = r.pick[j], r.pick[k]
		}
		chosen := r.pick[:c]
		slices.Sort(chosen)
		for _, i := range chosen {
			emit(int(i))
		}
	} else {
		for i := 0; i < n; i++ {
			emit(i)
		}
	}
	for s := range e.sites.Type {
		p, _ := e.siteWhere(s)
		r.tape.Sites.add(SiteRow{T: t, Site: int64(s), X: p[0], Y: p[1], Z: p[2],
			SiteType: int16(e.sites.Type[s]), State: int16(e.sites.State[s])})
	}
}

// DecimalTime rounds a time computed as k·dt (ms) to 12 significant
// digits: the double nearest the decimal value (0.03, not
// 0.030000000000000002), so that written times compare equal to the
// numbers people type (WHERE t_ms = 0.03).
func DecimalTime(t float64) float64 {
	d, _ := strconv.ParseFloat(strconv.FormatFloat(t, 'g', 12, 64), 64)
	return d
}

// recordStep flushes the step's events and takes the snapshot due now.
func (e *Engine) recordStep() {
	e.flushEvents()
	if k := e.m.out.snapEvery; k > 0 && e.step%k == 0 {
		e.snapshot(DecimalTime(e.t))
	}
}
