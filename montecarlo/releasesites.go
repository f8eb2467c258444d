package montecarlo

import (
	"math"
	"slices"

	"github.com/reuptake/reuptake/agents"
	"github.com/reuptake/reuptake/space"
)

// Release sites and the release event queue (docs/design.md §3.9; issue
// #5). A release with Sites, Spontaneous or Pore is "queued": at Reset the
// engine draws, for each replicate, its site positions (random sites, from
// a placement stream of the release) and every release event of the run
// (evoked with the release probability, spontaneous Poisson events,
// molecule counts and fusion-pore time courses, from a release stream of
// the release), and merges them into one queue sorted by time. A step then
// costs O(1) while no event is due, whatever the number of sites.

// maxReleaseSites bounds the sites of one release entry.
const maxReleaseSites = 10_000_000

type relSite struct {
	at    [3]float64
	voxel int32
}

// relEvent puts n molecules of release rel at site site (an index into the
// release's sites of this replicate) in the step where t falls.
type relEvent struct {
	t    float64
	rel  int32
	site int32
	n    int32
}

// compileReleaseSites checks and compiles the Sites of release r (path p).
func (m *Model) compileReleaseSites(p string, r ReleaseSpec) (release, error) {
	g := m.Grid
	st := r.Sites
	c := release{queued: true, spontaneous: r.Spontaneous, pore: r.Pore}
	region := -1
	if st.Region != "" {
		for i, n := range g.RegionNames() {
			if n == st.Region {
				region = i
			}
		}
		if region < 0 {
			return c, fieldErr(p+".sites.region", "no volume region %q (regions: %v)", st.Region, g.RegionNames())
		}
	}
	lo, hi := g.Origin, g.Origin
	for a := 0; a < 3; a++ {
		hi[a] += float64(g.N[a]) * g.H
	}
	if st.Box {
		for a := 0; a < 3; a++ {
			if !(st.Max[a] > st.Min[a]) {
				return c, fieldErr(p+".sites.box", "max must exceed min on every axis, got min %v, max %v µm", st.Min, st.Max)
			}
			if st.Max[a] <= lo[a] || st.Min[a] >= hi[a] {
				return c, fieldErr(p+".sites.box", "box [%v, %v] µm lies outside the geometry [%v, %v] µm", st.Min, st.Max, lo, hi)
			}
		}
		lo, hi = st.Min, st.Max
	}
	c.boxLo = lo
	ok := func(v int) bool {
		return g.Kind(v) == space.Free && (region < 0 || g.Region(v) == region)
	}
	switch {
	case st.Lattice != 0 && st.Density != 0:
		return c, fieldErr(p+".sites", "give lattice or density, not both")
	case st.Lattice != 0:
		if err := positive(p+".sites.lattice", st.Lattice, "µm"); err != nil {
			return c, err
		}
		var n [3]int
		total := 1.0
		for a := 0; a < 3; a++ {
			n[a] = int(math.Floor((hi[a] - lo[a]) / st.Lattice))
			total *= float64(n[a])
		}
		if total > maxReleaseSites {
			return c, fieldErr(p+".sites.lattice", "a %g µm lattice has %.3g points, more than the %d supported", st.Lattice, total, maxReleaseSites)
		}
		for k := 0; k < n[2]; k++ {
			for j := 0; j < n[1]; j++ {
				for i := 0; i < n[0]; i++ {
					at := [3]float64{lo[0] + (float64(i)+0.5)*st.Lattice, lo[1] + (float64(j)+0.5)*st.Lattice, lo[2] + (float64(k)+0.5)*st.Lattice}
					if v, in := g.Locate(at); in && ok(v) {
						c.sites = append(c.sites, relSite{at: at, voxel: int32(v)})
					}
				}
			}
		}
		if len(c.sites) == 0 {
			return c, fieldErr(p+".sites.lattice", "no point of a %g µm lattice lies in the extracellular space of the region", st.Lattice)
		}
	case st.Density != 0:
		if err := positive(p+".sites.density", st.Density, "per µm³"); err != nil {
			return c, err
		}
		for v := 0; v < g.NumVoxels(); v++ {
			if !ok(v) {
				continue
			}
			if st.Box {
				i, j, k := g.Coords(v)
				x := g.Center(i, j, k)
				if x[0] < lo[0] || x[0] >= hi[0] || x[1] < lo[1] || x[1] >= hi[1] || x[2] < lo[2] || x[2] >= hi[2] {
					continue
				}
			}
			c.cand = append(c.cand, int32(v))
		}
		nf := math.Round(st.Density * float64(len(c.cand)) * g.VoxelVolume())
		if len(c.cand) == 0 || nf < 1 {
			return c, fieldErr(p+".sites.density", "%g per µm³ gives no release site in the extracellular space of the region", st.Density)
		}
		if nf > maxReleaseSites {
			return c, fieldErr(p+".sites.density", "%.3g sites is more than the %d supported", nf, maxReleaseSites)
		}
		c.nRandom = int(nf)
	default:
		return c, fieldErr(p+".sites", "give lattice (a spacing) or density (sites per µm³)")
	}
	return c, nil
}

// drawRelease fills the sites of queued release ri for this replicate and
// appends its events to e.relq.
func (e *Engine) drawRelease(seed uint64, rep, ri int) {
	m := e.m
	r := &m.releases[ri]
	g := e.g
	key := uint64(ri) + 1
	sites := r.sites
	if r.nRandom > 0 {
		place := NewStream(StreamKey(seed, uint64(rep), key, purposePlacement))
		sites = e.relSites[ri][:0]
		for k := 0; k < r.nRandom; k++ {
			v := int(r.cand[place.Intn(len(r.cand))])
			i, j, kk := g.Coords(v)
			x := g.Center(i, j, kk)
			for a := 0; a < 3; a++ {
				x[a] += (place.Float64() - 0.5) * g.H * (1 - 1e-9)
			}
			sites = append(sites, relSite{at: x, voxel: int32(v)})
		}
	}
	e.relSites[ri] = sites
	rng := NewStream(StreamKey(seed, uint64(rep), key, purposeRelease))
	end := float64(m.steps) * m.Dt
	for s := range sites {
		for _, t := range r.rel.Times {
			if r.rel.Probability < 1 && rng.Float64() >= r.rel.Probability {
				continue
			}
			e.pushRelease(rng, ri, s, t)
		}
		if r.spontaneous > 0 {
			for t := rng.Exp() / r.spontaneous; t < end; t += rng.Exp() / r.spontaneous {
				e.pushRelease(rng, ri, s, t)
			}
		}
	}
}

// pushRelease draws the molecule count of one event at time t and queues
// it, spread over the steps of the fusion pore when the release has one.
func (e *Engine) pushRelease(rng *Stream, ri, s int, t float64) {
	r := &e.m.releases[ri]
	n := drawCount(rng, &r.rel)
	if n == 0 {
		return
	}
	if r.pore <= 0 {
		e.relq = append(e.relq, relEvent{t: t, rel: int32(ri), site: int32(s), n: int32(n)})
		return
	}
	// Molecule i leaves at t + U_i·pore; bin the times by step.
	dt := e.m.Dt
	first := int(math.Floor(t / dt))
	bins := e.poreBins[:0]
	for k := 0; k < n; k++ {
		b := int(math.Floor((t+rng.Float64()*r.pore)/dt)) - first
		for len(bins) <= b {
			bins = append(bins, 0)
		}
		bins[b]++
	}
	for b, c := range bins {
		if c > 0 {
			tb := math.Max(t, float64(first+b)*dt)
			e.relq = append(e.relq, relEvent{t: tb, rel: int32(ri), site: int32(s), n: c})
		}
	}
	e.poreBins = bins
}

// drawCount draws the number of molecules of one release event.
func drawCount(rng *Stream, r *agents.Release) int {
	switch r.Dist {
	case agents.Poisson:
		return rng.Poisson(r.N)
	case agents.Gaussian:
		return max(0, int(math.Round(r.N+r.CV*r.N*rng.Norm())))
	default:
		return int(math.Round(r.N))
	}
}

// resetReleaseQueue draws the queued releases of replicate rep.
func (e *Engine) resetReleaseQueue(seed uint64, rep int) {
	e.relq = e.relq[:0]
	e.relNext = 0
	any := false
	for ri := range e.m.releases {
		if e.m.releases[ri].queued {
			e.drawRelease(seed, rep, ri)
			any = true
		}
	}
	if any {
		// Stable: simultaneous events keep the order release, site, draw.
		slices.SortStableFunc(e.relq, func(a, b relEvent) int {
			switch {
			case a.t < b.t:
				return -1
			case a.t > b.t:
				return 1
			}
			return 0
		})
	}
}

// releaseQueued puts the molecules of the queued events due before t1.
func (e *Engine) releaseQueued(t1 float64) {
	for e.relNext < len(e.relq) && e.relq[e.relNext].t < t1 {
		ev := e.relq[e.relNext]
		e.relNext++
		r := &e.m.releases[ev.rel]
		s := e.relSites[ev.rel][ev.site]
		e.mol.Grow(int(ev.n))
		for k := int32(0); k < ev.n; k++ {
			e.mol.Add(s.at[0], s.at[1], s.at[2], s.voxel, uint16(r.species))
		}
		e.released[r.species] += int64(ev.n)
		if e.rec != nil {
			e.recReleased(ev.t, e.mol.Len()-int(ev.n))
		}
	}
}

// ReleaseSites returns the release sites of release entry ri in the
// current replicate (nil for a single-point release that is not queued).
func (e *Engine) ReleaseSites(ri int) [][3]float64 {
	if ri < 0 || ri >= len(e.relSites) {
		return nil
	}
	out := make([][3]float64, len(e.relSites[ri]))
	for i, s := range e.relSites[ri] {
		out[i] = s.at
	}
	return out
}

// ReleaseEvents is the number of release events (fusion-pore events count
// once per step they span) queued for the current replicate.
func (e *Engine) ReleaseEvents() int { return len(e.relq) }
