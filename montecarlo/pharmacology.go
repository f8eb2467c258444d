package montecarlo

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"

	"github.com/reuptake/reuptake/agents"
	"github.com/reuptake/reuptake/space"
)

// pharmacology is the compiled form of what this file adds to a model:
// porous-medium regions, drugs, volume sites and transporter charge.
type pharmacology struct {
	alpha []float64 // extracellular volume fraction per volume region (1 when not given)

	targeted []bool      // per site type: some drug acts on it
	equil    [][]float64 // per site type: cumulative stationary distribution under the baths (targeted types)

	vol       []volPlacement
	anyVolume bool
	volKOn    [][]float64 // per site type: [state*nSpecies+species] total k_on (µm³/ms) of binding a diffusing species
	volScale  []float64   // per volume region: Δt/(α·V_voxel), so that the hazard per step is Σk_on·volScale
}

// volPlacement is a compiled volume placement.
type volPlacement struct {
	siteType int
	region   int
	count    int
	state    int
	equil    []float64 // cumulative initial-state distribution, or nil
	runs     voxelRuns
}

// voxelRuns lists the voxels of a region compactly as runs of consecutive
// voxel indices, for uniform sampling.
type voxelRuns struct {
	start []int32
	cum   []int64 // cum[k] = voxels in runs before k; cum[len(start)] = total
}

func (r *voxelRuns) total() int64 { return r.cum[len(r.cum)-1] }

// at returns the u-th voxel of the region (0 ≤ u < total).
func (r *voxelRuns) at(u int64) int32 {
	k := sort.Search(len(r.start), func(i int) bool { return r.cum[i+1] > u })
	return r.start[k] + int32(u-r.cum[k])
}

func regionRuns(g *space.Grid, region int) voxelRuns {
	r := voxelRuns{cum: []int64{0}}
	n := g.NumVoxels()
	for v := 0; v < n; {
		if g.Kind(v) != space.Free || g.Region(v) != region {
			v++
			continue
		}
		w := v
		for w < n && g.Kind(w) == space.Free && g.Region(w) == region {
			w++
		}
		r.start = append(r.start, int32(v))
		r.cum = append(r.cum, r.cum[len(r.cum)-1]+int64(w-v))
		v = w
	}
	return r
}

// maxVolumeHazard bounds k_on·Δt/(α·V_voxel) for one volume site: above it
// a molecule would bind on its first step in the voxel most of the time
// and the per-voxel reaction would be limited by the voxel grid.
const maxVolumeHazard = 0.5

// expand validates the regions and drugs of m.Spec against the built
// geometry and sets m.full: the spec with tortuosity applied to the
// diffusion coefficients and every drug expanded into a bath species and
// the transitions of its targets (see DrugSpec).
func (m *Model) expand() error {
	s := m.Spec
	names := m.Grid.RegionNames()
	m.pharm.alpha = make([]float64, len(names))
	for i := range m.pharm.alpha {
		m.pharm.alpha[i] = 1
	}
	lambda := map[string]float64{}
	seen := map[string]bool{}
	for i, r := range s.Regions {
		p := fmt.Sprintf("regions[%d]", i)
		ri := m.regionIndex(r.Name) // checked by checkRefs
		if seen[r.Name] {
			return fieldErr(p+".name", "region %q is described twice", r.Name)
		}
		seen[r.Name] = true
		a, l := r.Alpha, r.Tortuosity
		if a == 0 {
			a = 1
		}
		if l == 0 {
			l = 1
		}
		if math.IsNaN(a) || a <= 0 || a > 1 {
			return fieldErr(p+".volume_fraction", "must be in (0, 1], got %v", r.Alpha)
		}
		if math.IsNaN(l) || math.IsInf(l, 0) || l < 1 {
			return fieldErr(p+".tortuosity", "must be at least 1 (λ = √(D/D*)), got %v", r.Tortuosity)
		}
		m.pharm.alpha[ri] = a
		lambda[r.Name] = l
	}
	// Tortuosity: D* = D/λ² unless the species gives D there itself.
	s.Species = append([]SpeciesSpec(nil), s.Species...)
	for i := range s.Species {
		sp := &s.Species[i]
		dr := make(map[string]float64, len(sp.DRegion)+len(lambda))
		for k, v := range sp.DRegion {
			dr[k] = v
		}
		for r, l := range lambda {
			if _, ok := dr[r]; !ok && l != 1 {
				dr[r] = sp.D / (l * l)
			}
		}
		if len(dr) > 0 {
			sp.DRegion = dr
		}
	}
	// Site types: copy the schemes, which drugs extend.
	s.SiteTypes = append([]SiteTypeSpec(nil), s.SiteTypes...)
	for i := range s.SiteTypes {
		st := &s.SiteTypes[i]
		st.Scheme.States = append([]string(nil), st.Scheme.States...)
		st.Scheme.Transitions = append([]agents.Transition(nil), st.Scheme.Transitions...)
		if st.Transporter != "" {
			c, ok := agents.TransporterClass(st.Transporter)
			if !ok {
				return fieldErr(fmt.Sprintf("sites[%d].transporter", i), "unknown transporter class %q (classes: %s)", st.Transporter, strings.Join(agents.Transporters, ", "))
			}
			st.Transporter = c
		}
	}
	m.pharm.targeted = make([]bool, len(s.SiteTypes))
	s.Baths = append([]BathSpec(nil), s.Baths...)
	taken := map[string]bool{}
	for _, sp := range s.Species {
		taken[sp.Name] = true
	}
	for _, b := range s.Baths {
		taken[b.Name] = true
	}
	for i, d := range s.Drugs {
		if err := m.expandDrug(&s, i, d, taken); err != nil {
			return err
		}
	}
	m.full = s
	return nil
}

// transporterSites describes the site types that declare a transporter,
// for error messages: "dat (DAT), sert (SERT)" or "none".
func transporterSites(s *Spec) string {
	var out []string
	for _, st := range s.SiteTypes {
		if st.Transporter != "" {
			out = append(out, fmt.Sprintf("%s (%s)", st.Name, st.Transporter))
		}
	}
	if len(out) == 0 {
		return "none; declare one with transporter: DAT|SERT|NET on a site type"
	}
	return strings.Join(out, ", ")
}

func (m *Model) expandDrug(s *Spec, i int, d DrugSpec, taken map[string]bool) error {
	p := fmt.Sprintf("drugs[%d]", i)
	if !validName(d.Name) {
		return fieldErr(p+".name", "must be a name of letters, digits and underscores, got %q (built-in drugs: %s)", d.Name, strings.Join(agents.DrugNames(), ", "))
	}
	entry, inTable := agents.LookupDrug(d.Name) // a name neither in the table nor with a ki: checkRefs
	if taken[d.Name] {
		return fieldErr(p+".name", "%q is already the name of a species, bath or drug", d.Name)
	}
	taken[d.Name] = true
	if err := nonNegative(p+".concentration", d.Conc, "a concentration (e.g. 1 uM)"); err != nil {
		return err
	}
	kon := d.KOn
	if kon == 0 {
		kon = KOnFromMolar(agents.DefaultDrugKOn)
	}
	if err := positive(p+".k_on", kon, "µm³/ms (e.g. 1e7 /M/s)"); err != nil {
		return err
	}
	if d.Ki != 0 {
		if err := positive(p+".ki", d.Ki, "a concentration (e.g. 300 nM)"); err != nil {
			return err
		}
	}
	kind := agents.Blocker
	if inTable {
		kind = entry.Kind
	}
	if d.Kind != "" {
		k, ok := agents.ParseDrugKind(d.Kind)
		if !ok {
			return fieldErr(p+".kind", "must be blocker or substrate, got %q", d.Kind)
		}
		kind = k
	}
	// Targets.
	var targets []int
	add := func(t int) {
		if !slices.Contains(targets, t) {
			targets = append(targets, t)
		}
	}
	if len(d.Targets) == 0 {
		if !inTable {
			return fieldErr(p+".targets", "a drug not in the table needs targets (site types or transporter classes)")
		}
		var classes []string
		for _, c := range agents.Transporters {
			if _, ok := entry.Ki[c]; ok {
				classes = append(classes, c)
			}
		}
		for t, st := range s.SiteTypes {
			if _, ok := entry.Ki[st.Transporter]; ok && st.Transporter != "" {
				add(t)
			}
		}
		if len(targets) == 0 {
			return fieldErr(p+".name", "%s acts on %s, but the model has no such transporter (transporter site types: %s)",
				d.Name, strings.Join(classes, ", "), transporterSites(s))
		}
	}
	for k, tn := range d.Targets {
		found := false
		for t, st := range s.SiteTypes {
			if st.Name == tn {
				add(t)
				found = true
			}
		}
		if found {
			continue
		}
		if c, ok := agents.TransporterClass(tn); ok {
			for t, st := range s.SiteTypes {
				if st.Transporter == c {
					add(t)
					found = true
				}
			}
			if !found {
				return fieldErr(fmt.Sprintf("%s.targets[%d]", p, k), "%s targets %s, but the model has no %s transporter (transporter site types: %s)", d.Name, c, c, transporterSites(s))
			}
			continue
		}
		var sites []string
		for _, st := range s.SiteTypes {
			sites = append(sites, st.Name)
		}
		return fieldErr(fmt.Sprintf("%s.targets[%d]", p, k), "%s targets %q, but the model has no site type or transporter class of that name (site types: %s; classes: %s)",
			d.Name, tn, strings.Join(sites, ", "), strings.Join(agents.Transporters, ", "))
	}
	for _, t := range targets {
		st := &s.SiteTypes[t]
		sp := fmt.Sprintf("sites[%d]", t)
		ki := d.Ki
		if ki == 0 {
			a, ok := entry.Ki[st.Transporter]
			if !ok || st.Transporter == "" {
				what := "declares no transporter class"
				if st.Transporter != "" {
					what = "is a " + st.Transporter + " transporter, for which the table has no value"
				}
				return fieldErr(p+".ki", "%s has no Ki at %s: site type %s %s; give ki", d.Name, st.Name, st.Name, what)
			}
			ki = ConcFromMolar(a.KiNM * 1e-9)
		}
		out := st.Outward
		if out == "" {
			out = st.Scheme.Initial
		}
		if out == "" && len(st.Scheme.States) > 0 {
			out = st.Scheme.States[0]
		}
		if out == "" {
			return fieldErr(sp+".scheme", "the scheme has no states")
		}
		newState := func(name string) error {
			if slices.Contains(st.Scheme.States, name) {
				return fieldErr(sp+".scheme.states", "state %q is reserved for the drug %s; rename it", name, d.Name)
			}
			st.Scheme.States = append(st.Scheme.States, name)
			return nil
		}
		switch kind {
		case agents.Blocker:
			b := "blocked_" + d.Name
			if err := newState(b); err != nil {
				return err
			}
			st.Scheme.Transitions = append(st.Scheme.Transitions,
				agents.Transition{From: out, To: b, Kind: agents.Bath, Species: d.Name, Rate: kon},
				agents.Transition{From: b, To: out, Kind: agents.Unbind, Species: d.Name, Rate: kon * ki})
		case agents.Substrate:
			if st.Inward == "" {
				return fieldErr(sp+".inward", "%s is a substrate drug: site type %s needs inward (its inward-facing empty state, where the drug leaves it)", d.Name, st.Name)
			}
			tr, rel := d.Translocation, d.ReleaseInside
			if tr == 0 {
				tr = entry.Translocation
			}
			if rel == 0 {
				rel = entry.ReleaseInside
			}
			if err := positive(p+".translocation", tr, "1/ms"); err != nil {
				return err
			}
			if err := positive(p+".release", rel, "1/ms"); err != nil {
				return err
			}
			a, b := d.Name+"_out", d.Name+"_in"
			if err := newState(a); err != nil {
				return err
			}
			if err := newState(b); err != nil {
				return err
			}
			st.Scheme.Transitions = append(st.Scheme.Transitions,
				agents.Transition{From: out, To: a, Kind: agents.Bath, Species: d.Name, Rate: kon},
				agents.Transition{From: a, To: out, Kind: agents.Unbind, Species: d.Name, Rate: kon * ki},
				agents.Transition{From: a, To: b, Kind: agents.FirstOrder, Rate: tr},
				agents.Transition{From: b, To: st.Inward, Kind: agents.FirstOrder, Rate: rel})
		}
		m.pharm.targeted[t] = true
	}
	s.Baths = append(s.Baths, BathSpec{Name: d.Name, Conc: d.Conc})
	return nil
}

// equilibrium returns the cumulative initial-state distribution of the
// sites of type st placed with the given state name: nil (start in the
// placement's state) unless a drug targets the type and the placement
// leaves the state to the scheme.
func (m *Model) equilibrium(st int, state string) []float64 {
	if state != "" || st >= len(m.pharm.targeted) || !m.pharm.targeted[st] {
		return nil
	}
	if m.pharm.equil == nil {
		m.pharm.equil = make([][]float64, len(m.schemes))
	}
	if m.pharm.equil[st] == nil {
		c := m.schemes[st]
		pi := c.Stationary(c.Initial)
		cum := make([]float64, len(pi))
		acc := 0.0
		for i, p := range pi {
			acc += p
			cum[i] = acc
		}
		m.pharm.equil[st] = cum
	}
	return m.pharm.equil[st]
}

// pick returns the state whose cumulative probability interval holds u.
func pick(cum []float64, u float64) int {
	last := 0
	for i, c := range cum {
		if c > 0 && (i == 0 || c > cum[i-1]) {
			last = i
		}
		if u < c {
			return i
		}
	}
	return last
}

// isVolumePlacement reports whether a placement puts volume sites: it gives
// a volume density, or names a volume region (not a membrane region).
func (m *Model) isVolumePlacement(pl PlacementSpec) bool {
	if pl.VolumeDensity != 0 {
		return true
	}
	if _, isTile := m.tileRegions[pl.Region]; isTile {
		return false
	}
	return m.regionIndex(pl.Region) >= 0
}

// surfacePlaced reports whether some placement puts sites of the named
// type on membrane tiles.
func (m *Model) surfacePlaced(site string) bool {
	for _, pl := range m.full.Placements {
		if pl.Site == site && !m.isVolumePlacement(pl) {
			return true
		}
	}
	return false
}

// compileVolumePlacement compiles placement p (path) of volume sites of
// site type st.
func (m *Model) compileVolumePlacement(p string, pl PlacementSpec, st int) error {
	g := m.Grid
	r := m.regionIndex(pl.Region)
	if r < 0 {
		return fieldErr(p+".region", "volume sites need a volume region; no volume region %q in the geometry (volume regions: %s)", pl.Region, strings.Join(g.RegionNames(), ", "))
	}
	if pl.Density != 0 {
		return fieldErr(p+".density", "density is per µm² of membrane; volume sites in region %q take volume_density (per µm³)", pl.Region)
	}
	if pl.Count != 0 && pl.VolumeDensity != 0 {
		return fieldErr(p+".volume_density", "give count or volume_density, not both")
	}
	runs := regionRuns(g, r)
	if runs.total() == 0 {
		return fieldErr(p+".region", "volume region %q has no free voxels", pl.Region)
	}
	n := pl.Count
	if n < 0 {
		return fieldErr(p+".count", "must be a non-negative number of sites, got %d", n)
	}
	if n == 0 {
		if err := positive(p+".volume_density", pl.VolumeDensity, "sites per µm³ of extracellular volume (e.g. 1 uM or 602 /um^3)"); err != nil {
			return err
		}
		v := pl.VolumeDensity * m.pharm.alpha[r] * float64(runs.total()) * g.VoxelVolume()
		if v > 1e8 {
			return fieldErr(p+".volume_density", "%.3g sites are more than the 1e8 supported", v)
		}
		n = int(math.Round(v))
	}
	c := m.schemes[st]
	state := c.Initial
	if pl.State != "" {
		state = slices.Index(c.States, pl.State) // checked by checkRefs
	}
	// Binding tables.
	ns, nr := len(m.species), m.nRegions
	if m.pharm.volKOn == nil {
		m.pharm.volKOn = make([][]float64, len(m.schemes))
		m.pharm.volScale = make([]float64, nr)
		for q := 0; q < nr; q++ {
			m.pharm.volScale[q] = m.Dt / (m.pharm.alpha[q] * g.VoxelVolume())
		}
	}
	if m.pharm.volKOn[st] == nil {
		tab := make([]float64, len(c.States)*ns)
		for s := range c.States {
			for _, b := range c.Binds[s] {
				tab[s*ns+b.Species] += b.KOn
			}
		}
		m.pharm.volKOn[st] = tab
	}
	for s := range c.States {
		for sp := 0; sp < ns; sp++ {
			if h := m.pharm.volKOn[st][s*ns+sp] * m.pharm.volScale[r]; h > maxVolumeHazard {
				return fieldErr(p, "volume binding of %s to %s in state %s has k_on·Δt/(α·V_voxel) = %.3g per site per step (more than %g): use a larger voxel or dt ≤ %.3g ms",
					m.species[sp], pl.Site, c.States[s], h, maxVolumeHazard, m.Dt*maxVolumeHazard/h)
			}
		}
	}
	m.pharm.vol = append(m.pharm.vol, volPlacement{siteType: st, region: r, count: n, state: state, equil: m.equilibrium(st, pl.State), runs: runs})
	m.pharm.anyVolume = true
	return nil
}

// SiteStates returns the states of site type ty as compiled, including the
// states added by drugs ("blocked_<drug>", "<drug>_out", "<drug>_in"), in
// the order of Engine.StateCounts.
func (m *Model) SiteStates(ty int) []string { return m.schemes[ty].States }

// Alpha returns the extracellular volume fraction of each volume region
// (Grid.RegionNames order): 1 unless a RegionSpec gives it.
func (m *Model) Alpha() []float64 { return m.pharm.alpha }
