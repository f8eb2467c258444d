package montecarlo

// Read-only accessors for viewers and exporters (mc view, mc export
// geometry): where the sites of a replicate sit and where the releases
// are, without exposing the engine's internals.

// ReleasePoint is a release point: the species released and where, in µm.
type ReleasePoint struct {
	Species string
	At      [3]float64
}

// ReleasePoints lists the release points of the replicate the engine was
// last Reset for: the point of each single-point release (including "at:
// cleft") and every site of a release with many sites (drawn per
// replicate when random).
func (e *Engine) ReleasePoints() []ReleasePoint {
	var out []ReleasePoint
	for ri, r := range e.m.releases {
		sp := e.m.species[r.species]
		if ri < len(e.relSites) && len(e.relSites[ri]) > 0 {
			for _, s := range e.relSites[ri] {
				out = append(out, ReleasePoint{Species: sp, At: s.at})
			}
			continue
		}
		if r.sites == nil && r.cand == nil {
			out = append(out, ReleasePoint{Species: sp, At: r.at})
		}
	}
	return out
}

// SiteInfo is one site of the current replicate: its type and state
// (indices into SiteTypeNames and SiteStates), the membrane tile holding a
// surface site (-1 for a volume site) and the voxel holding a volume site
// (-1 for a surface site).
type SiteInfo struct {
	Type, State int
	Tile, Voxel int
}

// Sites lists the sites of the replicate the engine was last Reset for,
// in site-index order, with their current states.
func (e *Engine) Sites() []SiteInfo {
	out := make([]SiteInfo, e.sites.Len())
	for i := range out {
		out[i] = SiteInfo{Type: int(e.sites.Type[i]), State: int(e.sites.State[i]),
			Tile: int(e.sites.Tile[i]), Voxel: int(e.sites.Voxel[i])}
	}
	return out
}
