package montecarlo

import "github.com/reuptake/reuptake/space"

// foldBox is an axis-aligned box of free voxels of one region around a
// voxel that touches a wall. A step whose end point lies in the box, or
// lands in it after one mirror fold across a face marked foldable, cannot
// meet anything but plain reflecting walls: the folded end point is the
// exact specular reflection, and no tracing is needed. This is the fast
// path for molecules next to membranes (a thin cleft is nothing else).
type foldBox struct {
	lo, hi         [3]float64 // µm
	foldLo, foldHi [3]bool    // the face is a plain wall (no site can sit there) over its whole extent
}

// maxBoxGrowth caps how far, in voxels, a fold box extends from its voxel
// in each direction; it bounds the precomputation.
const maxBoxGrowth = 4

// fastPath holds fold boxes for the voxels next to walls.
type fastPath struct {
	box   []int32 // per voxel: index into boxes, or -1
	boxes []foldBox
	faces []tileFaces // per box, for steps that cross a membrane with sites
}

// tileFaces describes the faces of a fold box that are membrane over their
// whole extent, some of whose tiles can hold sites (so they cannot be
// folded blindly). A step that crosses one such face once, at a tile whose
// site stops nothing now (most tiles of a sparsely covered membrane), is
// still a specular reflection: foldTiles finds the tile by arithmetic and
// folds, where tracing would walk the voxels to the same answer.
type tileFaces struct {
	lo, hi         [3]int32 // voxel coordinates of the box's corners (inclusive)
	tileLo, tileHi [3]bool  // the face is membrane tiles over its whole extent
	any            bool
}

// buildFastPath computes fold boxes for the free voxels that have a
// membrane face (their distance field is 1).
// reactive[r] is true for membrane regions that can hold sites.
func buildFastPath(g *space.Grid, reactive []bool) fastPath {
	fp := fastPath{box: make([]int32, g.NumVoxels())}
	n := g.N
	ok := func(c [3]int, region int) bool {
		for a := 0; a < 3; a++ {
			if c[a] < 0 || c[a] >= n[a] {
				return false
			}
		}
		v := g.Index(c[0], c[1], c[2])
		return g.Kind(v) == space.Free && g.Region(v) == region
	}
	// layer calls f on every voxel of the layer just beyond face dir of the
	// box [lo, hi] (inclusive indices); it stops early when f is false.
	layer := func(lo, hi [3]int, dir int, f func(c [3]int) bool) bool {
		a := dir / 2
		b, c := (a+1)%3, (a+2)%3
		var p [3]int
		if dir%2 == 0 {
			p[a] = lo[a] - 1
		} else {
			p[a] = hi[a] + 1
		}
		for x := lo[b]; x <= hi[b]; x++ {
			for y := lo[c]; y <= hi[c]; y++ {
				p[b], p[c] = x, y
				if !f(p) {
					return false
				}
			}
		}
		return true
	}
	for v := range fp.box {
		fp.box[v] = -1
		if g.Kind(v) != space.Free || g.Dist(v) != 1 || !hasTile(g, v) {
			continue // fold boxes serve voxels with a membrane face
		}
		region := g.Region(v)
		i, j, k := g.Coords(v)
		lo, hi := [3]int{i, j, k}, [3]int{i, j, k}
		grown := [6]int{}
		for changed := true; changed; {
			changed = false
			for dir := 0; dir < 6; dir++ {
				if grown[dir] >= maxBoxGrowth {
					continue
				}
				if layer(lo, hi, dir, func(c [3]int) bool { return ok(c, region) }) {
					a := dir / 2
					if dir%2 == 0 {
						lo[a]--
					} else {
						hi[a]++
					}
					grown[dir]++
					changed = true
				}
			}
		}
		var fb foldBox
		for a := 0; a < 3; a++ {
			fb.lo[a] = g.Origin[a] + float64(lo[a])*g.H
			fb.hi[a] = g.Origin[a] + float64(hi[a]+1)*g.H
		}
		any := false
		var tf tileFaces
		for a := 0; a < 3; a++ {
			tf.lo[a], tf.hi[a] = int32(lo[a]), int32(hi[a])
		}
		for dir := 0; dir < 6; dir++ {
			foldable := layer(lo, hi, dir, func(c [3]int) bool {
				a := dir / 2
				inside := c
				if dir%2 == 0 {
					inside[a]++
				} else {
					inside[a]--
				}
				if c[a] < 0 || c[a] >= n[a] {
					return true // the grid's outer faces reflect
				}
				if g.Kind(g.Index(c[0], c[1], c[2])) != space.Wall {
					return false
				}
				t := g.TileAt(g.Index(inside[0], inside[1], inside[2]), dir)
				return t != space.NoTile && !reactive[g.Tiles()[t].Region]
			})
			if dir%2 == 0 {
				fb.foldLo[dir/2] = foldable
			} else {
				fb.foldHi[dir/2] = foldable
			}
			any = any || foldable
			if foldable {
				continue
			}
			tiled := layer(lo, hi, dir, func(c [3]int) bool {
				a := dir / 2
				if c[a] < 0 || c[a] >= n[a] || g.Kind(g.Index(c[0], c[1], c[2])) != space.Wall {
					return false
				}
				inside := c
				if dir%2 == 0 {
					inside[a]++
				} else {
					inside[a]--
				}
				return g.TileAt(g.Index(inside[0], inside[1], inside[2]), dir) != space.NoTile
			})
			if dir%2 == 0 {
				tf.tileLo[dir/2] = tiled
			} else {
				tf.tileHi[dir/2] = tiled
			}
			tf.any = tf.any || tiled
		}
		if !any && !tf.any && lo == [3]int{i, j, k} && hi == lo {
			continue // a lone voxel with nothing to fold: tracing is as fast
		}
		fp.box[v] = int32(len(fp.boxes))
		fp.boxes = append(fp.boxes, fb)
		fp.faces = append(fp.faces, tf)
	}
	return fp
}

func hasTile(g *space.Grid, v int) bool {
	for d := 0; d < 6; d++ {
		if g.TileAt(v, d) != space.NoTile {
			return true
		}
	}
	return false
}

// fold tries the fast path for a step from (x, y, z) by d inside box b.
// It returns the end point and true when the step stays in the box (after
// at most one fold per axis across a foldable face).
func (b *foldBox) fold(x, y, z float64, d [3]float64) (float64, float64, float64, bool) {
	x, okx := b.fold1(0, x+d[0])
	y, oky := b.fold1(1, y+d[1])
	z, okz := b.fold1(2, z+d[2])
	return x, y, z, okx && oky && okz
}

// fold1 folds coordinate x along axis a into [lo, hi).
func (b *foldBox) fold1(a int, x float64) (float64, bool) {
	if x >= b.hi[a] {
		x = 2*b.hi[a] - x
		return x, b.foldHi[a] && x >= b.lo[a] && x < b.hi[a]
	}
	if x < b.lo[a] {
		x = 2*b.lo[a] - x
		return x, b.foldLo[a] && x < b.hi[a]
	}
	return x, true
}

// foldTiles tries the fast path for a step from p by d inside box b that
// the plain fold refused: it succeeds when the step crosses exactly one
// face of the box that is membrane tiles (tileFaces), once, at a tile
// whose site stops nothing (stopAt false), folds across plain walls on the
// other axes at most once each, and ends in the box. Reflections across
// the axis-aligned faces of a box act on each axis alone, so the point
// where the path meets the membrane is, on each other axis, the straight
// path at that parameter folded once. On success it returns the end point
// (the exact specular reflection, as a trace would give it); otherwise the
// caller traces (which also decides hits on tiles with sites).
func (fp *fastPath) foldTiles(b int32, g *space.Grid, stopAt []bool, p, d [3]float64) ([3]float64, bool) {
	var end [3]float64
	tf := &fp.faces[b]
	if !tf.any {
		return end, false
	}
	bx := &fp.boxes[b]
	hit, hiSide := -1, false
	for a := 0; a < 3; a++ {
		x := p[a] + d[a]
		if x >= bx.hi[a] {
			switch {
			case tf.tileHi[a] && hit < 0:
				hit, hiSide = a, true
			case !bx.foldHi[a]:
				return end, false
			}
			x = 2*bx.hi[a] - x
		} else if x < bx.lo[a] {
			switch {
			case tf.tileLo[a] && hit < 0:
				hit = a
			case !bx.foldLo[a]:
				return end, false
			}
			x = 2*bx.lo[a] - x
		}
		if !(x >= bx.lo[a] && x < bx.hi[a]) {
			return end, false
		}
		end[a] = x
	}
	if hit < 0 {
		return end, false
	}
	face, ci := bx.lo[hit], tf.lo[hit]
	dir := 2 * hit
	if hiSide {
		face, ci, dir = bx.hi[hit], tf.hi[hit], dir+1
	}
	s := (face - p[hit]) / d[hit]
	var c [3]int
	inv := 1 / g.H
	for a := 0; a < 3; a++ {
		if a == hit {
			c[a] = int(ci)
			continue
		}
		q := p[a] + s*d[a]
		if q >= bx.hi[a] {
			q = 2*bx.hi[a] - q
		} else if q < bx.lo[a] {
			q = 2*bx.lo[a] - q
		}
		c[a] = min(max(int((q-g.Origin[a])*inv), int(tf.lo[a])), int(tf.hi[a]))
	}
	t := g.TileAt(g.Index(c[0], c[1], c[2]), dir)
	if t == space.NoTile || stopAt[t] {
		return end, false
	}
	return end, true
}

// buildFast marks the membrane regions that can hold sites and builds the
// fold boxes.
func (m *Model) buildFast() {
	reactive := make([]bool, len(m.Grid.TileRegions()))
	for _, pl := range m.Spec.Placements {
		if r, ok := m.tileRegions[pl.Region]; ok {
			reactive[r] = true
		}
	}
	m.fast = buildFastPath(m.Grid, reactive)
}
