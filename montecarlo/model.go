package montecarlo

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"

	"github.com/reuptake/reuptake/agents"
	"github.com/reuptake/reuptake/space"
)

// FieldError is a validation error tied to a field of the Spec, named by
// its path (for example "sites[1].scheme.transitions[3].rate"). The model
// file parser maps paths back to file:line:column.
type FieldError struct {
	Path string
	Msg  string
	// Name and Known are set for a name that refers to nothing (an
	// unknown site type, state, species, region, drug): the name as given
	// and the names it could have been, for a caller that suggests the
	// nearest. Msg already names and lists them.
	Name  string
	Known []string
}

func (e *FieldError) Error() string { return e.Path + ": " + e.Msg }

func fieldErr(path, format string, args ...any) error {
	return &FieldError{Path: path, Msg: fmt.Sprintf(format, args...)}
}

// Model is a validated, compiled, immutable model. It is safe to share
// between goroutines; each replicate builds its own Engine from it.
type Model struct {
	Spec Spec // the model as given
	Grid *space.Grid
	Dt   float64 // ms

	// Warnings name the known Δt biases above BiasTolerance at Dt, each
	// with the Δt that removes it (docs/accuracy.md); the model runs
	// regardless.
	Warnings []string

	// full is Spec with its drugs expanded into baths and scheme
	// transitions and region tortuosity into D_region (see pharmacology.go);
	// the model is compiled from it.
	full  Spec
	pharm pharmacology

	species     []string
	sd          []float64 // rms step per axis, µm, indexed [species*nRegions + region]
	diff        []float64 // D, indexed like sd
	degradeP    []float64 // per-step degradation probability, indexed like sd
	anyDegrade  bool
	nRegions    int
	schemes     []*agents.Compiled
	siteTypes   []SiteTypeSpec
	placements  []placement
	releases    []release
	bindP       [][][]float64 // [type][state][species*nRegions+region] total hit probability
	rebindP     [][][]float64 // like bindP: probability that a molecule unbound into that state rebinds at once (Engine.rebind)
	tileRegions map[string]int

	steps       int
	sampleEvery int

	obs    observables
	probes probeIndex // concentration probes (see probes.go)

	fast fastPath // fold boxes next to walls (see fastpath.go)

	// Long steps (longsteps.go): the step multiple K (1: off) and, per
	// species×region, the Chebyshev distance a voxel needs for a long step
	// (0: never), the rms step per axis and the degradation probability of
	// a long step.
	longK        int
	longNeed     []int
	longSD       []float64
	longDegradeP []float64

	// Spatial shards (shard.go): their number, and the block of each voxel
	// as sliceBlock[(v/sliceDiv)%len(sliceBlock)].
	shards     int
	sliceDiv   int32
	sliceBlock []uint16

	out outputPlan // events and snapshots (output.go)
}

type placement struct {
	siteType int
	tiles    []int32 // candidate tiles
	count    int
	state    int
	region   string
	index    int // in Spec.Placements
	// equil, when not nil, is the cumulative distribution of the initial
	// state of each site (drug-targeted types, see DrugSpec).
	equil []float64
}

type release struct {
	species int
	voxel   int32
	at      [3]float64
	rel     agents.Release
	// queued releases (Sites, Spontaneous or Pore) draw their events at
	// Reset; see releasesites.go.
	queued      bool
	sites       []relSite // fixed sites (a lattice, or the point At)
	cand        []int32   // candidate voxels of random sites
	nRandom     int       // random sites per replicate
	boxLo       [3]float64
	spontaneous float64
	pore        float64
}

// Species lists the diffusing species.
func (m *Model) Species() []string { return m.species }

// Steps is the number of timesteps of one replicate.
func (m *Model) Steps() int { return m.steps }

// Limits used by the timestep policy.
const (
	maxStepFraction = 0.5 // rms step per axis at most this fraction of the smallest feature (see chooseDt)
	maxHitKappa     = 0.9 // Andrews' quadratic form is valid for κ' < 0.9
)

// NewModel validates s and compiles it. Errors are *FieldError (or wrap
// one) naming the field and the expected value; where s has several
// independent mistakes (unknown names; species and baths; degradation,
// site types, placements, releases and run times), the error joins them
// all (errors.Join), one *FieldError each, in the order of the Spec's
// fields.
func NewModel(s Spec) (*Model, error) {
	m := &Model{Spec: s, full: s}
	// The geometry first: the names checked next refer to its regions.
	if err := m.buildGeometry(); err != nil {
		return nil, err
	}
	if errs := checkRefs(s); len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	if err := m.expand(); err != nil {
		return nil, err
	}
	if err := m.compileSpecies(); err != nil {
		return nil, err
	}
	if err := m.chooseDt(); err != nil {
		return nil, err
	}
	// Diffusion, sites, releases and the run's times need only the
	// species and Δt: check them all, so that their mistakes are reported
	// together.
	var errs []error
	for _, stage := range []func() error{m.compileDiffusion, m.compileSites, m.compileReleases, m.compileRun} {
		errs = appendFlat(errs, stage())
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	if err := m.compileProbes(); err != nil {
		return nil, err
	}
	m.buildObservables()
	if err := m.checkColumnNames(); err != nil {
		return nil, err
	}
	m.buildFast()
	if err := m.compileLongSteps(); err != nil {
		return nil, err
	}
	if err := m.compileShards(); err != nil {
		return nil, err
	}
	if err := m.compileOutput(); err != nil {
		return nil, err
	}
	return m, nil
}

// appendFlat appends err to errs, or the errors it joins (errors.Join),
// recursively, so that a joined error of NewModel lists every FieldError
// at its first level.
func appendFlat(errs []error, err error) []error {
	j, ok := err.(interface{ Unwrap() []error })
	if !ok {
		if err != nil {
			errs = append(errs, err)
		}
		return errs
	}
	for _, e := range j.Unwrap() {
		errs = appendFlat(errs, e)
	}
	return errs
}

func positive(path string, v float64, unit string) error {
	if math.IsNaN(v) || math.IsInf(v, 0) || v <= 0 {
		return fieldErr(path, "must be a positive number in %s, got %v", unit, v)
	}
	return nil
}

func nonNegative(path string, v float64, unit string) error {
	if math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
		return fieldErr(path, "must be a non-negative number in %s, got %v", unit, v)
	}
	return nil
}

// Regions are the names of the volume and membrane regions the geometry
// builds (see the VolumeRegions and MembraneRegions methods of the space
// specs), known without building the grid; both are nil for an unknown
// kind.
func (g GeometrySpec) Regions() (volume, membrane []string) {
	switch g.Kind {
	case "cleft":
		return g.Cleft.VolumeRegions(), g.Cleft.MembraneRegions()
	case "box":
		return g.Box.VolumeRegions(), g.Box.MembraneRegions()
	case "mask":
		return g.Mask.VolumeRegions(), g.Mask.MembraneRegions()
	}
	return nil, nil
}

func (m *Model) buildGeometry() error {
	g := m.Spec.Geometry
	var err error
	switch g.Kind {
	case "cleft":
		if err := g.Cleft.Validate(); err != nil {
			return fieldErr("geometry", "%v", err)
		}
		if err := checkGridMemory("geometry.voxel", g.Cleft.Dims(), g.Cleft.Voxel); err != nil {
			return err
		}
		m.Grid, err = space.Cleft(g.Cleft)
	case "box":
		if n, ok := g.Box.Dims(); ok {
			if err := checkGridMemory("geometry.voxel", n, g.Box.Voxel); err != nil {
				return err
			}
		}
		m.Grid, err = space.Box(g.Box)
	case "mask":
		shape, data := g.MaskShape, g.MaskData
		if data == nil {
			if shape, data, err = space.ReadNPYFile(g.Mask.Path); err != nil {
				return fieldErr("geometry.file", "%v", err)
			}
		}
		if err := checkGridMemory("geometry.file", shape, g.Mask.Voxel); err != nil {
			return err
		}
		m.Grid, err = space.Mask(g.Mask, shape, data)
	default:
		return fieldErr("geometry.kind", "must be \"cleft\", \"box\" or \"mask\", got %q", g.Kind)
	}
	if err != nil {
		return fieldErr("geometry", "%v", err)
	}
	m.nRegions = len(m.Grid.RegionNames())
	m.tileRegions = map[string]int{}
	for i, n := range m.Grid.TileRegions() {
		m.tileRegions[n] = i
	}
	return nil
}

func (m *Model) compileSpecies() error {
	seen := map[string]string{}
	if len(m.full.Species) == 0 {
		return fieldErr("species", "the model needs at least one diffusing species")
	}
	if len(m.full.Species) > agents.MaxSpecies {
		return fieldErr("species", "at most %d diffusing species are supported, got %d", agents.MaxSpecies, len(m.full.Species))
	}
	// Every species and bath is checked: their mistakes are reported
	// together.
	var errs []error
	check := func(err error) {
		if err != nil {
			errs = append(errs, err)
		}
	}
	for i, sp := range m.full.Species {
		p := fmt.Sprintf("species[%d]", i)
		if !validName(sp.Name) {
			check(fieldErr(p+".name", "must be a name of letters, digits and underscores, got %q", sp.Name))
		} else if prev, dup := seen[sp.Name]; dup {
			check(fieldErr(p+".name", "%q is already defined at %s", sp.Name, prev))
		} else {
			seen[sp.Name] = p
		}
		check(positive(p+".D", sp.D, "µm²/ms"))
		for _, r := range keys(sp.DRegion) { // names checked by checkRefs
			check(positive(p+".D_region."+r, sp.DRegion[r], "µm²/ms"))
		}
		m.species = append(m.species, sp.Name)
	}
	for i, b := range m.full.Baths {
		p := fmt.Sprintf("baths[%d]", i)
		if !validName(b.Name) {
			check(fieldErr(p+".name", "must be a name of letters, digits and underscores, got %q", b.Name))
		} else if prev, dup := seen[b.Name]; dup {
			check(fieldErr(p+".name", "%q is already defined at %s", b.Name, prev))
		} else {
			seen[b.Name] = p
		}
		check(nonNegative(p+".concentration", b.Conc, "a concentration (e.g. 1 uM)"))
		for k, st := range b.Schedule {
			q := fmt.Sprintf("%s.schedule[%d]", p, k)
			check(nonNegative(q+".t", st.T, "ms"))
			if k > 0 && !(st.T > b.Schedule[k-1].T) {
				check(fieldErr(q+".t", "schedule times must be strictly ascending, got %g ms after %g ms", st.T, b.Schedule[k-1].T))
			}
			check(nonNegative(q+".concentration", st.Conc, "a concentration (e.g. 1 uM)"))
		}
	}
	return errors.Join(errs...)
}

func validName(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !(r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}

func (m *Model) regionIndex(name string) int {
	for i, n := range m.Grid.RegionNames() {
		if n == name {
			return i
		}
	}
	return -1
}

func (m *Model) speciesIndex(name string) int {
	for i, n := range m.species {
		if n == name {
			return i
		}
	}
	return -1
}

func (m *Model) dIn(sp, region int) float64 {
	s := m.full.Species[sp]
	if d, ok := s.DRegion[m.Grid.RegionNames()[region]]; ok {
		return d
	}
	return s.D
}

// smallestFeature is the length the rms step must stay well below: the
// cleft width for a cleft, the smallest box side otherwise, and never
// below the voxel size.
func (m *Model) smallestFeature() float64 {
	g := m.Spec.Geometry
	if g.Kind == "cleft" {
		return g.Cleft.Width
	}
	if g.Kind == "mask" { // a mask's thinnest gap is unknown: two voxels
		return 2 * g.Mask.Voxel
	}
	l := math.Min(g.Box.Size[0], math.Min(g.Box.Size[1], g.Box.Size[2]))
	return l
}

func (m *Model) maxD() float64 {
	dmax := 0.0
	vol := m.Grid.RegionVolume()
	for sp := range m.species {
		for r := 0; r < m.nRegions; r++ {
			if vol[r] > 0 { // regions without voxels (e.g. "default" of a cleft) do not count
				dmax = math.Max(dmax, m.dIn(sp, r))
			}
		}
	}
	return dmax
}

// maxAutoKappa is the largest κ' an automatic Δt allows: Andrews' hit
// probability is 0.49 there (docs/design.md §3.10: P ≤ 0.5 per hit).
const maxAutoKappa = 0.27

// maxKappaPrime is the largest κ' = (k_on/A_tile)·Δt/√(2DΔt) of any
// membrane binding in the model at timestep dt, over the regions where the
// ligand diffuses (the slowest region gives the largest κ').
func (m *Model) maxKappaPrime(dt float64) float64 {
	area := m.Grid.TileArea()
	vol := m.Grid.RegionVolume()
	worst := 0.0
	for _, st := range m.full.SiteTypes {
		kon := map[[2]string]float64{}
		for _, t := range st.Scheme.Transitions {
			if t.Kind == agents.Bind && m.speciesIndex(t.Species) >= 0 {
				kon[[2]string{t.From, t.Species}] += t.Rate
			}
		}
		for key, k := range kon {
			sp := m.speciesIndex(key[1])
			for r := 0; r < m.nRegions; r++ {
				if vol[r] == 0 {
					continue
				}
				if _, kp := hitProbability(k, area, m.dIn(sp, r), dt); kp > worst {
					worst = kp
				}
			}
		}
	}
	return worst
}

// chooseDt validates a given Δt against the geometry or picks one: the rms
// step per axis √(2DΔt) at most half the smallest feature (so that a step
// rarely crosses the cleft) and no longer than a voxel.
func (m *Model) chooseDt() error {
	r := m.Spec.Run
	L := m.smallestFeature()
	dmax := m.maxD()
	limit := maxStepFraction * math.Min(L, 2*m.Grid.H)
	dtMax := limit * limit / (2 * dmax)
	if r.Dt == 0 {
		// Keep every membrane hit probability at most about 0.5 (κ' ≤
		// maxAutoKappa): κ' grows as √Δt.
		// A rate that would need a far smaller step than the geometry is
		// left to the hit-probability check, which names it.
		geom := dtMax
		if kp := m.maxKappaPrime(dtMax); kp > maxAutoKappa {
			dtMax *= math.Max((maxAutoKappa/kp)*(maxAutoKappa/kp), 1e-2)
		}
		// Every known bias below BiasTolerance (accuracy.go), within the
		// same factor of 100 below the geometric choice; beyond it the
		// warnings say what is left.
		dtMax = math.Max(math.Min(dtMax, m.accuracyDt(dtMax)), 1e-2*geom)
		// Round down to a 1-2-5 sequence for readable sample times.
		m.Dt = niceFloor(dtMax)
		m.Warnings = m.accuracyWarnings()
		return nil
	}
	if err := positive("run.dt", r.Dt, "ms"); err != nil {
		return err
	}
	s := math.Sqrt(2 * dmax * r.Dt)
	if s > limit*(1+1e-9) {
		return fieldErr("run.dt", "%g ms gives an rms step of %.3g nm for D = %g µm²/ms, more than %.3g nm (half the smallest feature, %.3g nm, or one voxel): use dt ≤ %.3g ms",
			r.Dt, s*1e3, dmax, limit*1e3, L*1e3, dtMax)
	}
	m.Dt = r.Dt
	m.Warnings = m.accuracyWarnings()
	return nil
}

func niceFloor(x float64) float64 {
	e := math.Pow(10, math.Floor(math.Log10(x)))
	for _, f := range []float64{5, 2, 1} {
		if f*e <= x {
			return f * e
		}
	}
	return e
}

func (m *Model) compileDiffusion() error {
	ns, nr := len(m.species), m.nRegions
	m.sd = make([]float64, ns*nr)
	m.diff = make([]float64, ns*nr)
	m.degradeP = make([]float64, ns*nr)
	for sp := 0; sp < ns; sp++ {
		for r := 0; r < nr; r++ {
			d := m.dIn(sp, r)
			m.diff[sp*nr+r] = d
			m.sd[sp*nr+r] = math.Sqrt(2 * d * m.Dt)
		}
	}
	var errs []error // every degradation's mistake, reported together
	for i, dg := range m.full.Degradations {
		p := fmt.Sprintf("degradation[%d]", i)
		sp := m.speciesIndex(dg.Species) // species and region checked by checkRefs
		if err := positive(p+".rate", dg.Rate, "1/ms"); err != nil {
			errs = append(errs, err)
			continue
		}
		for r := 0; r < nr; r++ {
			if dg.Region != "" && m.Grid.RegionNames()[r] != dg.Region {
				continue
			}
			// Combine with any earlier degradation of the same place:
			// survival probabilities multiply.
			q := 1 - m.degradeP[sp*nr+r]
			m.degradeP[sp*nr+r] = 1 - q*math.Exp(-dg.Rate*m.Dt)
			m.anyDegrade = true
		}
	}
	return errors.Join(errs...)
}

// hitProbability is the probability that a molecule crossing a tile with
// one site (surface density 1/A) binds, for total k_on (µm³/ms), diffusion
// coefficient D and step Δt: Andrews' form of the Erban–Chapman
// adsorption probability, with κ = k_on/A and κ' = κΔt/√(2DΔt).
func hitProbability(kon, area, d, dt float64) (p, kappaPrime float64) {
	kappa := kon / area
	kp := kappa * dt / math.Sqrt(2*d*dt)
	p = kp * (math.Sqrt(2*math.Pi) - 3.3332146*kp + 3.356688*kp*kp - 1.5209235*kp*kp*kp)
	return p, kp
}

// hitKappaError explains a membrane binding whose κ' = κΔt/√(2DΔt), with
// κ = k_on/A and A = h² the tile area, is beyond the range of the
// hit-probability formula, and gives each change that alone brings κ' to
// target (0.45, hit probability ≈ 0.5; 0.2 for a binding the site can
// undo): κ' ∝ √Δt, ∝ k_on and ∝ 1/h², so a shorter step, a slower binding
// or a coarser voxel (never a finer one) lower it.
func hitKappaError(path, species, state string, kon, d, dt, h, kp, target float64) error {
	r := target / kp
	return fieldErr(path, "binding of %s in state %s has κ' = k_on·√Δt/(h²·√(2D)) = %.3g (k_on = %.3g /M/s, h = %g nm, D = %g µm²/ms, dt = %g ms), "+
		"above %.1g, beyond which the membrane hit probability formula (Andrews 2009) does not hold; any one of these brings κ' to %.2g: dt ≤ %.3g ms, "+
		"or a voxel of at least %.3g nm (a coarser voxel: tiles are larger), or a total k_on of at most %.3g /M/s",
		species, state, kp, kon*Avogadro/1e12, h*1e3, d, dt, maxHitKappa, target, dt*r*r, h*1e3/math.Sqrt(r), kon*Avogadro/1e12*r)
}

// reversibleHitProbability is κ'·√(2π), the ratio of the binding flux
// κ·c·Δt per unit area to the mean number of steps crossing it at a
// uniform concentration c, c·√(2DΔt)/√(2π): the hit probability with which
// binding would balance unbinding (placed as the time reverse of a
// crossing step, Engine.spawnAt) in detailed balance at a uniform
// concentration. Andrews' form (hitProbability), lower by about 1.33κ'
// relative, is calibrated on the depleted profile next to a membrane that
// takes up molecules, which is right while there is a net flux onto the
// sites but makes the bound fraction at equilibrium low by that much. The
// engine keeps Andrews' form for hits and makes up the difference at
// unbinding: the molecule rebinds at once with probability
// 1 − P_Andrews/(κ'·√(2π)) (Engine.rebind), which restores detailed
// balance, so the equilibrium is exact at any Δt and the flux under
// depletion stays Andrews'.
func reversibleHitProbability(kappaPrime float64) float64 {
	return kappaPrime * math.Sqrt(2*math.Pi)
}

// unbindsAfterBinding reports whether a binding of species sp from state
// st of scheme c leads to a state that can unbind sp again.
func unbindsAfterBinding(c *agents.Compiled, st, sp int) bool {
	for _, b := range c.Binds[st] {
		if b.Species != sp {
			continue
		}
		for _, u := range c.Out[b.To] {
			if u.Kind == agents.Unbind && u.Species == sp {
				return true
			}
		}
	}
	return false
}

func (m *Model) compileSites() error {
	bath := map[string]float64{}
	for _, b := range m.full.Baths {
		bath[b.Name] = b.Conc
	}
	names := map[string]int{}
	// Every site type's mistakes are reported together; placements need
	// the compiled schemes, so they are checked only when all compiled.
	var errs []error
	for i, st := range m.full.SiteTypes {
		errs = appendFlat(errs, m.compileSiteType(i, st, bath, names))
	}
	if len(errs) > 0 {
		return errors.Join(errs...)
	}
	for i, pl := range m.full.Placements {
		errs = appendFlat(errs, m.compilePlacement(i, pl, names))
	}
	if len(errs) > 0 {
		return errors.Join(errs...)
	}
	// Tiles may hold one site: placements into the same region share tiles.
	used := map[string]int{}
	for _, pl := range m.placements {
		r := pl.region
		used[r] += pl.count
		if used[r] > len(pl.tiles) {
			return fieldErr(fmt.Sprintf("placement[%d]", pl.index), "region %q has %d tiles, fewer than the %d sites placed on it", r, len(pl.tiles), used[r])
		}
	}
	return nil
}

// compileSiteType compiles site type i: its scheme and hit probabilities.
func (m *Model) compileSiteType(i int, st SiteTypeSpec, bath map[string]float64, names map[string]int) error {
	ns, nr := len(m.species), m.nRegions
	area := m.Grid.TileArea()
	p := fmt.Sprintf("sites[%d]", i)
	if !validName(st.Name) {
		return fieldErr(p+".name", "must be a name of letters, digits and underscores, got %q", st.Name)
	}
	if _, dup := names[st.Name]; dup {
		return fieldErr(p+".name", "site type %q is defined twice", st.Name)
	}
	names[st.Name] = i
	if err := nonNegative(p+".conductance", st.Conductance, "pS"); err != nil {
		return err
	}
	c, err := st.Scheme.Compile(m.species, bath)
	if err != nil {
		return fieldErr(p+".scheme", "%v", err)
	}
	m.schemes = append(m.schemes, c)
	m.siteTypes = append(m.siteTypes, st)
	tab := make([][]float64, len(c.States))
	rebind := make([][]float64, len(c.States))
	for s := range c.States {
		tab[s] = make([]float64, ns*nr)
		rebind[s] = make([]float64, ns*nr)
		for sp := 0; sp < ns; sp++ {
			kon := 0.0
			for _, b := range c.Binds[s] {
				if b.Species == sp {
					kon += b.KOn
				}
			}
			if kon == 0 {
				continue
			}
			for r := 0; r < nr; r++ {
				d := m.diff[sp*nr+r]
				pr, kp := hitProbability(kon, area, d, m.Dt)
				if unbindsAfterBinding(c, s, sp) && pr <= 1 {
					rebind[s][sp*nr+r] = 1 - pr/reversibleHitProbability(kp)
				}
				if (kp >= maxHitKappa || pr > 1) && !m.surfacePlaced(st.Name) {
					continue // volume sites only: no membrane hits (see compileVolumePlacement)
				}
				if kp >= maxHitKappa || pr > 1 {
					target := 0.45
					if unbindsAfterBinding(c, s, sp) {
						target = 0.2
					}
					return hitKappaError(p+".scheme", m.species[sp], c.States[s], kon, d, m.Dt, m.Grid.H, kp, target)
				}
				tab[s][sp*nr+r] = pr
			}
		}
	}
	m.bindP = append(m.bindP, tab)
	m.rebindP = append(m.rebindP, rebind)
	return nil
}

// compilePlacement compiles placement i of sites on membrane tiles or in a
// volume region.
func (m *Model) compilePlacement(i int, pl PlacementSpec, names map[string]int) error {
	area := m.Grid.TileArea()
	p := fmt.Sprintf("placement[%d]", i)
	st := names[pl.Site] // site type and state checked by checkRefs
	if m.isVolumePlacement(pl) {
		return m.compileVolumePlacement(p, pl, st)
	}
	reg, ok := m.tileRegions[pl.Region]
	if !ok {
		return fieldErr(p+".region", "no membrane region %q in the geometry (regions: %s)", pl.Region, strings.Join(m.Grid.TileRegions(), ", "))
	}
	var tiles []int32
	for t, tl := range m.Grid.Tiles() {
		if int(tl.Region) == reg {
			tiles = append(tiles, int32(t))
		}
	}
	n := pl.Count
	if n < 0 {
		return fieldErr(p+".count", "must be a non-negative number of sites, got %d", n)
	}
	if n == 0 {
		if err := positive(p+".density", pl.Density, "sites per µm² (or give count)"); err != nil {
			return err
		}
		n = int(math.Round(pl.Density * float64(len(tiles)) * area))
		if pl.Density*area > 1 {
			return fieldErr(p+".density", "%g per µm² puts more than one site on a %.3g nm² tile: use a voxel of at most %.3g nm", pl.Density, area*1e6, 1e3/math.Sqrt(pl.Density))
		}
	}
	if n > len(tiles) {
		return fieldErr(p+".count", "%d sites do not fit on the %d tiles of region %q (one site per tile): use a smaller voxel", n, len(tiles), pl.Region)
	}
	state := m.schemes[st].Initial
	if pl.State != "" {
		state = slices.Index(m.schemes[st].States, pl.State)
	}
	m.placements = append(m.placements, placement{siteType: st, tiles: tiles, count: n, state: state, region: pl.Region, index: i, equil: m.equilibrium(st, pl.State)})
	return nil
}

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// compileReleases compiles every release; the mistakes of all of them are
// reported together.
func (m *Model) compileReleases() error {
	var errs []error
	for i, r := range m.full.Releases {
		if err := m.compileRelease(i, r); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// compileRelease compiles release i.
func (m *Model) compileRelease(i int, r ReleaseSpec) error {
	p := fmt.Sprintf("release[%d]", i)
	sp := m.speciesIndex(r.Species) // checked by checkRefs
	if err := nonNegative(p+".molecules", r.N, "molecules"); err != nil {
		return err
	}
	if r.N > 1e8 {
		return fieldErr(p+".molecules", "%g molecules per event is more than the 1e8 supported", r.N)
	}
	if r.Dist == agents.Gaussian {
		if err := nonNegative(p+".cv", r.CV, "a fraction"); err != nil {
			return err
		}
	}
	prob := r.Probability
	if prob == 0 {
		prob = 1
	}
	if math.IsNaN(prob) || prob < 0 || prob > 1 {
		return fieldErr(p+".probability", "must be in (0, 1], got %v", r.Probability)
	}
	rel := r.Release
	rel.Probability = prob
	queued := r.Sites != nil || r.Spontaneous != 0 || r.Pore != 0
	if queued {
		if err := nonNegative(p+".spontaneous", r.Spontaneous, "1/ms"); err != nil {
			return err
		}
		if err := nonNegative(p+".pore", r.Pore, "ms"); err != nil {
			return err
		}
	}
	if len(rel.Times) == 0 && !(queued && r.Spontaneous > 0) {
		rel.Times = []float64{0}
	}
	for k, t := range rel.Times {
		if err := nonNegative(fmt.Sprintf("%s.times[%d]", p, k), t, "ms"); err != nil {
			return err
		}
		if k > 0 && t < rel.Times[k-1] {
			return fieldErr(p+".times", "must be in ascending order")
		}
	}
	at := r.At
	if r.AtCleft {
		if m.Spec.Geometry.Kind != "cleft" {
			return fieldErr(p+".at", "\"cleft\" needs a cleft geometry; give a point")
		}
		// Just inside the presynaptic membrane, a hair below the face.
		at = [3]float64{0, 0, m.Spec.Geometry.Cleft.Width/2 - 1e-6}
	}
	if queued && r.Sites != nil {
		c, err := m.compileReleaseSites(p, r)
		if err != nil {
			return err
		}
		c.species, c.rel = sp, rel
		m.releases = append(m.releases, c)
		return nil
	}
	v, ok := m.Grid.Locate(at)
	if !ok || m.Grid.Kind(v) != space.Free {
		return fieldErr(p+".at", "release point (%g, %g, %g) µm is not in the extracellular space", at[0], at[1], at[2])
	}
	c := release{species: sp, voxel: int32(v), at: at, rel: rel}
	if queued {
		c.queued, c.spontaneous, c.pore = true, r.Spontaneous, r.Pore
		c.sites = []relSite{{at: at, voxel: int32(v)}}
	}
	m.releases = append(m.releases, c)
	return nil
}

// compileRun checks the run's times and replicate count; their mistakes
// are reported together.
func (m *Model) compileRun() error {
	errs := appendFlat(nil, m.compileTimes())
	if r := m.Spec.Run; r.Replicates < 0 {
		errs = append(errs, fieldErr("run.replicates", "must be a positive count, got %d", r.Replicates))
	}
	return errors.Join(errs...)
}

// compileTimes converts the duration and sample interval to steps.
func (m *Model) compileTimes() error {
	r := m.Spec.Run
	errs := appendFlat(nil, positive("run.duration", r.Duration, "ms"))
	errs = appendFlat(errs, positive("run.sample_interval", r.SampleInterval, "ms"))
	if len(errs) > 0 {
		return errors.Join(errs...)
	}
	if r.SampleInterval > r.Duration {
		return fieldErr("run.sample_interval", "%g ms is longer than run.duration (%g ms): the run would be sampled at t = 0 only and its summaries would mean nothing; use a sample_interval of at most %g ms",
			r.SampleInterval, r.Duration, r.Duration)
	}
	steps := r.Duration / m.Dt
	if steps > 1e10 {
		return fieldErr("run.duration", "%g ms at dt = %g ms is %.3g steps, too many", r.Duration, m.Dt, steps)
	}
	m.steps = int(math.Round(steps))
	if math.Abs(steps-float64(m.steps)) > 1e-6*steps {
		return fieldErr("run.duration", "%g ms is not a whole number of %g ms steps", r.Duration, m.Dt)
	}
	every := r.SampleInterval / m.Dt
	m.sampleEvery = int(math.Round(every))
	if m.sampleEvery < 1 || math.Abs(every-float64(m.sampleEvery)) > 1e-6*every {
		return fieldErr("run.sample_interval", "%g ms is not a whole number (≥ 1) of %g ms steps", r.SampleInterval, m.Dt)
	}
	return nil
}
