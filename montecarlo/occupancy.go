package montecarlo

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Observables by region (ObservableSpec kinds "occupancy" and
// "above_threshold"): the mean occupancy of the sites of one type in a
// region, and the number of those sites occupied at least to a threshold.
// A site's occupancy depends only on its state, so each observable is a
// table over the states of its scheme. When the observable covers every
// site of its type, it is computed from the state counts; otherwise one
// pass over the sites at each sample time tests each site's tile (surface
// sites) or voxel (volume sites) for the region.

// Observable kinds.
const (
	kindConcentrationAt = "concentration_at"
	kindOccupancy       = "occupancy"
	kindAboveThreshold  = "above_threshold"
)

// occupancy is a compiled occupancy or above_threshold observable.
type occupancy struct {
	name     string
	species  string // the species counted
	spec     int    // index in Spec.Observables
	above    bool   // above_threshold: count sites, else mean occupancy
	siteType int
	// value[state] is the site's contribution in that state: its
	// occupancy, or 1 when it is at least the threshold (above) and 0
	// otherwise.
	value []float64
	// memRegion and volRegion select the surface sites on tiles of a
	// membrane region and the volume sites in voxels of a volume region
	// (−1: none of that kind); all means every site of the type (no
	// region, or every placement of the type in the region).
	memRegion, volRegion int
	all                  bool
	// n is the number of sites covered in each replicate (the placements'
	// counts), the denominator of the mean occupancy.
	n   int
	col int // column index, set by buildObservables
}

// compileOccupancy compiles observable i (path p), of kind occupancy or
// above_threshold, into m.obs.occ.
func (m *Model) compileOccupancy(i int, p string, o ObservableSpec) error {
	above := o.Kind == kindAboveThreshold
	if o.Radius != 0 || o.At != [3]float64{} {
		f := ".at"
		if o.Radius != 0 {
			f = ".radius"
		}
		return fieldErr(p+f, "%s applies only to kind %s, not %s", f[1:], kindConcentrationAt, o.Kind)
	}
	ty := -1
	var names []string
	for k, st := range m.siteTypes {
		names = append(names, st.Name)
		if st.Name == o.Site {
			ty = k
		}
	}
	if o.Site == "" {
		return fieldErr(p+".site", "%s needs a site type (site types: %s)", o.Kind, listOrNone(names))
	}
	c := m.schemes[ty]
	held, species, err := m.heldBy(ty, o.Species)
	if err != nil {
		return fieldErr(p+".species", "%v", err)
	}
	most := 0
	for _, h := range held {
		most = max(most, h)
	}
	if above {
		t := o.Threshold
		if math.IsNaN(t) || t <= 0 || t > 1 {
			return fieldErr(p+".threshold", "must be an occupancy in (0, 1] (e.g. 0.5, or 50 %%), got %v", t)
		}
	} else if o.Threshold != 0 {
		return fieldErr(p+".threshold", "threshold applies only to kind %s, not %s", kindAboveThreshold, o.Kind)
	}
	oc := occupancy{species: species, spec: i, above: above, siteType: ty, value: make([]float64, len(c.States)), memRegion: -1, volRegion: -1}
	for s, h := range held {
		occ := float64(h) / float64(most)
		if !above {
			oc.value[s] = occ
		} else if float64(h) >= o.Threshold*float64(most)*(1-1e-9) {
			oc.value[s] = 1
		}
	}
	// The placements of the type, and those in the region.
	var where []string
	placed, covered := 0, 0
	for _, pl := range m.placements {
		if pl.siteType != ty {
			continue
		}
		placed++
		where = appendNew(where, pl.region)
		if o.Region == "" || pl.region == o.Region {
			covered++
			oc.n += pl.count
		}
	}
	for _, pl := range m.pharm.vol {
		if pl.siteType != ty {
			continue
		}
		placed++
		rn := m.Grid.RegionNames()[pl.region]
		where = appendNew(where, rn)
		if o.Region == "" || rn == o.Region {
			covered++
			oc.n += pl.count
		}
	}
	if o.Region != "" {
		mem, isMem := m.tileRegions[o.Region]
		vol := m.regionIndex(o.Region)
		if !isMem && vol < 0 {
			return fieldErr(p+".region", "no region %q in the geometry (membrane regions, for surface sites: %s; volume regions, for volume sites: %s)",
				o.Region, listOrNone(m.Grid.TileRegions()), listOrNone(m.populatedRegions()))
		}
		if covered == 0 {
			return fieldErr(p+".region", "no %s sites are placed in region %q (they are placed in: %s)", o.Site, o.Region, listOrNone(where))
		}
		if isMem {
			oc.memRegion = mem
		}
		oc.volRegion = vol
	} else if placed == 0 {
		return fieldErr(p+".site", "no %s sites are placed (add a placement for them)", o.Site)
	}
	oc.all = covered == placed
	oc.name = o.Name
	if oc.name == "" {
		oc.name = defaultOccupancyName(o, species)
	}
	m.obs.occ = append(m.obs.occ, oc)
	return nil
}

// defaultOccupancyName is occupancy_<site>_<species>[_<region>], or
// above<percent>_<site>_<species>[_<region>] ("above50_ampa_glu_psd"; a
// '.' in the percentage becomes 'p').
func defaultOccupancyName(o ObservableSpec, species string) string {
	name := "occupancy"
	if o.Kind == kindAboveThreshold {
		pct := math.Round(100*o.Threshold*1e6) / 1e6 // at most 6 decimals
		name = "above" + strings.ReplaceAll(strconv.FormatFloat(pct, 'f', -1, 64), ".", "p")
	}
	name += "_" + o.Site + "_" + species
	if o.Region != "" {
		name += "_" + o.Region
	}
	return name
}

// heldBy returns the number of molecules of the named species a site of
// type ty holds in each of its states, and the species' name. The
// species is a diffusing species (agents.Compiled.Held), or a clamped
// bath species or drug, whose count per state follows from the scheme's
// transitions (see agents.Compiled.HeldBath). An empty name means the one diffusing
// species the type holds.
func (m *Model) heldBy(ty int, name string) ([]int, string, error) {
	c := m.schemes[ty]
	st := m.siteTypes[ty].Name
	holds := func(sp int) bool {
		for s := range c.States {
			if c.Held[s][sp] > 0 {
				return true
			}
		}
		return false
	}
	if name == "" {
		var held []string
		for sp, n := range m.species {
			if holds(sp) {
				held = append(held, n)
			}
		}
		if len(held) != 1 {
			return nil, "", fmt.Errorf("give the species whose occupancy to count: %s sites hold %s", st, describeSpecies(held))
		}
		name = held[0]
	}
	if sp := m.speciesIndex(name); sp >= 0 {
		if !holds(sp) {
			return nil, "", fmt.Errorf("%s sites never hold %s: no state of their scheme binds it", st, name)
		}
		out := make([]int, len(c.States))
		for s := range c.States {
			out[s] = c.Held[s][sp]
		}
		return out, name, nil
	}
	isBath := false
	var all []string
	all = append(all, m.species...)
	for _, b := range m.full.Baths {
		all = append(all, b.Name)
		isBath = isBath || b.Name == name
	}
	if !isBath {
		return nil, "", fmt.Errorf("unknown species %q (diffusing and bath species: %s)", name, strings.Join(all, ", "))
	}
	out, err := c.HeldBath(name)
	if err != nil {
		return nil, "", fmt.Errorf("%s sites: %v", st, err)
	}
	for _, h := range out {
		if h > 0 {
			return out, name, nil
		}
	}
	return nil, "", fmt.Errorf("%s sites never hold %s: no transition of their scheme binds it", st, name)
}

// fillOccupancy writes the value of every occupancy and above_threshold
// observable into its column of out.
func (e *Engine) fillOccupancy(out []float64) {
	m := e.m
	list := m.obs.occ
	scan := false
	for k := range list {
		oc := &list[k]
		if !oc.all {
			scan = true
			out[oc.col] = 0
			continue
		}
		v := 0.0
		for s, n := range e.stateCount[oc.siteType] {
			v += float64(n) * oc.value[s]
		}
		out[oc.col] = v
	}
	if scan {
		tiles := e.g.Tiles()
		for s, ty := range e.sites.Type {
			for k := range list {
				oc := &list[k]
				if oc.all || int(ty) != oc.siteType {
					continue
				}
				in := false
				if t := e.sites.Tile[s]; t >= 0 {
					in = int(tiles[t].Region) == oc.memRegion
				} else if v := e.sites.Voxel[s]; v >= 0 {
					in = e.g.Region(int(v)) == oc.volRegion
				}
				if in {
					out[oc.col] += oc.value[e.sites.State[s]]
				}
			}
		}
	}
	for k := range list {
		if oc := &list[k]; !oc.above {
			out[oc.col] /= float64(oc.n)
		}
	}
}

// populatedRegions lists the volume regions that have voxels.
func (m *Model) populatedRegions() []string {
	var out []string
	vol := m.Grid.RegionVolume()
	for r, n := range m.Grid.RegionNames() {
		if vol[r] > 0 {
			out = append(out, n)
		}
	}
	return out
}

func appendNew(list []string, s string) []string {
	for _, x := range list {
		if x == s {
			return list
		}
	}
	return append(list, s)
}

func listOrNone(names []string) string {
	if len(names) == 0 {
		return "none"
	}
	return strings.Join(names, ", ")
}

func describeSpecies(names []string) string {
	if len(names) == 0 {
		return "no diffusing species (for a bath species or drug, name it)"
	}
	return strings.Join(names, " and ")
}
