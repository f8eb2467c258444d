package space

import "sort"

// The region names each geometry kind builds, so that callers (the model
// file parser, NewModel) can check and suggest names without building the
// grid. Each list is a new slice in a fixed order.

// BoxFaces are the six faces of a box, in the order xmin, xmax, ymin,
// ymax, zmin, zmax.
func BoxFaces() []string { return append([]string(nil), faceNames[:]...) }

// VolumeRegions are the volume regions of a box: "box" and the names of
// its Regions.
func (s BoxSpec) VolumeRegions() []string {
	out := []string{"box"}
	for _, r := range s.Regions {
		out = append(out, r.Name)
	}
	return out
}

// MembraneRegions are the membrane regions of a box: its reflecting
// faces (those not in Absorbing).
func (s BoxSpec) MembraneRegions() []string {
	var out []string
	for _, f := range faceNames {
		absorbing := false
		for _, a := range s.Absorbing {
			absorbing = absorbing || a == f
		}
		if !absorbing {
			out = append(out, f)
		}
	}
	return out
}

// VolumeRegions are the volume regions of a cleft.
func (CleftSpec) VolumeRegions() []string {
	return []string{RegionCleft, RegionPerisynaptic, RegionExtrasynaptic}
}

// MembraneRegions are the membrane regions of a cleft.
func (CleftSpec) MembraneRegions() []string {
	return []string{TilePSD, TilePost, TilePre, TilePeri, TileLateral}
}

// VolumeRegions are the volume regions a mask's labels name, sorted: each
// free label's Region, or MaskDefaultRegion.
func (s MaskSpec) VolumeRegions() []string {
	set := map[string]bool{}
	for _, l := range s.Labels {
		if l.Kind == Free {
			r := l.Region
			if r == "" {
				r = MaskDefaultRegion
			}
			set[r] = true
		}
	}
	return sortedSet(set)
}

// MembraneRegions are the membrane regions a mask's labels name, sorted:
// each label's Membrane, and MaskDefaultMembrane for a wall label that
// names none.
func (s MaskSpec) MembraneRegions() []string {
	set := map[string]bool{}
	for _, l := range s.Labels {
		if l.Kind == Wall && l.Membrane == "" {
			set[MaskDefaultMembrane] = true
		}
		if l.Membrane != "" {
			set[l.Membrane] = true
		}
	}
	return sortedSet(set)
}

// sortedSet is the sorted keys of set, nil if there are none.
func sortedSet(set map[string]bool) []string {
	var out []string
	for k := range set {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
