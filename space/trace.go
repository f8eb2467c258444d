package space

import "math"

// Outcome says how a traced move ended.
type Outcome uint8

// Outcomes of Move.
const (
	// Done: the whole displacement was applied (with reflections).
	Done Outcome = iota
	// Escaped: the path entered a sink voxel; p is the entry point.
	Escaped
	// HitTile: the path reached a membrane tile marked in stopAt; p is on
	// the face, d holds the displacement still to go (not yet reflected).
	HitTile
)

// maxCrossings bounds the voxel faces one step may cross; a step longer
// than this many voxels is a model error caught by validation, and the
// bound only guarantees termination.
const maxCrossings = 4096

// Safe reports whether displacement d from voxel v cannot leave the
// neighbourhood of free, same-region voxels around v (the fast path: no
// tracing needed).
func (g *Grid) Safe(v int, d [3]float64) bool {
	lim := float64(int(g.dist[v])-1) * g.H
	return math.Abs(d[0]) <= lim && math.Abs(d[1]) <= lim && math.Abs(d[2]) <= lim
}

// Move applies displacement *d to the position *p inside free voxel *v,
// tracing the voxels it crosses (Amanatides–Woo) and reflecting specularly
// at walls and at the outer faces of the grid. It stops early when the path
// enters a sink (Escaped) or reaches a membrane tile t with stopAt[t] set
// (HitTile, with the tile id as second result); the caller then decides whether the molecule reacts and, if
// not, calls Reflect and Move again. stopAt may be nil.
func (g *Grid) Move(p *[3]float64, v *int, d *[3]float64, stopAt []bool) (Outcome, int) {
	h := g.H
	i, j, k := g.Coords(*v)
	c := [3]int{i, j, k}
	for n := 0; n < maxCrossings; n++ {
		// Fraction of the remaining displacement to the next face per axis.
		tmin := 1.0
		axis := -1
		for a := 0; a < 3; a++ {
			var t float64
			switch {
			case d[a] > 0:
				t = (g.Origin[a] + float64(c[a]+1)*h - p[a]) / d[a]
			case d[a] < 0:
				t = (g.Origin[a] + float64(c[a])*h - p[a]) / d[a]
			default:
				continue
			}
			if t < tmin {
				tmin, axis = t, a
			}
		}
		if axis < 0 {
			p[0] += d[0]
			p[1] += d[1]
			p[2] += d[2]
			return Done, NoTile
		}
		if tmin < 0 {
			tmin = 0
		}
		// Advance to the face.
		for a := 0; a < 3; a++ {
			if a == axis {
				continue
			}
			p[a] += d[a] * tmin
			d[a] *= 1 - tmin
		}
		step := 1
		dir := 2*axis + 1
		if d[axis] < 0 {
			step = -1
			dir = 2 * axis
		}
		face := g.Origin[axis] + float64(c[axis])*h
		if step > 0 {
			face += h
		}
		d[axis] -= face - p[axis]
		p[axis] = face
		nc := c
		nc[axis] += step
		if nc[axis] < 0 || nc[axis] >= g.N[axis] {
			d[axis] = -d[axis] // outer face of the grid: reflecting
			continue
		}
		nv := g.Index(nc[0], nc[1], nc[2])
		switch g.kind[nv] {
		case Free:
			c = nc
			*v = nv
		case Sink:
			*v = nv
			return Escaped, NoTile
		default:
			if stopAt != nil {
				if t := g.TileAt(*v, dir); t != NoTile && stopAt[t] {
					return HitTile, t
				}
			}
			d[axis] = -d[axis]
		}
	}
	// Pathological input (a step thousands of voxels long): stop in place.
	return Done, NoTile
}

// Reflect mirrors the remaining displacement d at tile t's face.
func (g *Grid) Reflect(d *[3]float64, t int) {
	a := int(g.tiles[t].Dir) / 2
	d[a] = -d[a]
}
