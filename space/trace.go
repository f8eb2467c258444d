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
	// The path is parametrised by s in [0, 1]. Per axis we keep the
	// position at the last anchor (start, reflection), the parameter there,
	// the speed |d| and its current sign; tNext is the parameter at which
	// the path reaches the next face along the axis.
	h := g.H
	i, j, k := g.Coords(*v)
	c := [3]int{i, j, k}
	var anchor, sAnchor, speed, sign, tNext, tDelta [3]float64
	for a := 0; a < 3; a++ {
		anchor[a] = p[a]
		speed[a] = math.Abs(d[a])
		lo := g.Origin[a] + float64(c[a])*h
		switch {
		case d[a] > 0:
			sign[a] = 1
			tDelta[a] = h / speed[a]
			tNext[a] = (lo + h - p[a]) / speed[a]
		case d[a] < 0:
			sign[a] = -1
			tDelta[a] = h / speed[a]
			tNext[a] = (p[a] - lo) / speed[a]
		default:
			tNext[a] = math.Inf(1)
			tDelta[a] = math.Inf(1)
		}
	}
	finish := func(s float64) {
		for a := 0; a < 3; a++ {
			p[a] = anchor[a] + sign[a]*speed[a]*(s-sAnchor[a])
			d[a] = sign[a] * speed[a] * (1 - s)
		}
	}
	for n := 0; n < maxCrossings; n++ {
		axis := 0
		if tNext[1] < tNext[axis] {
			axis = 1
		}
		if tNext[2] < tNext[axis] {
			axis = 2
		}
		s := tNext[axis]
		if s >= 1 {
			for a := 0; a < 3; a++ {
				p[a] = anchor[a] + sign[a]*speed[a]*(1-sAnchor[a])
			}
			return Done, NoTile
		}
		step := int(sign[axis])
		nc := c
		nc[axis] += step
		dir := 2 * axis
		if step > 0 {
			dir++
		}
		face := g.Origin[axis] + float64(c[axis])*h
		if step > 0 {
			face += h
		}
		if nc[axis] < 0 || nc[axis] >= g.N[axis] {
			g.reflectAxis(axis, face, s, &anchor, &sAnchor, &sign, &tNext, &tDelta)
			continue
		}
		nv := g.Index(nc[0], nc[1], nc[2])
		switch g.kind[nv] {
		case Free:
			c = nc
			*v = nv
			tNext[axis] += tDelta[axis]
		case Sink:
			finish(s)
			p[axis] = face
			*v = nv
			return Escaped, NoTile
		default:
			if stopAt != nil {
				if t := g.TileAt(*v, dir); t != NoTile && stopAt[t] {
					finish(s)
					p[axis] = face
					return HitTile, t
				}
			}
			g.reflectAxis(axis, face, s, &anchor, &sAnchor, &sign, &tNext, &tDelta)
		}
	}
	// Pathological input (a step thousands of voxels long): stop in place.
	finish(1)
	return Done, NoTile
}

// reflectAxis mirrors the path at a face normal to axis at parameter s: the
// axis restarts from the face with the opposite sign, a whole voxel from
// its next face.
func (g *Grid) reflectAxis(axis int, face, s float64, anchor, sAnchor, sign, tNext, tDelta *[3]float64) {
	anchor[axis] = face
	sAnchor[axis] = s
	sign[axis] = -sign[axis]
	tNext[axis] = s + tDelta[axis]
}

// Reflect mirrors the remaining displacement d at tile t's face.
func (g *Grid) Reflect(d *[3]float64, t int) {
	a := int(g.tiles[t].Dir) / 2
	d[a] = -d[a]
}
