package view

import (
	"sort"

	"github.com/reuptake/reuptake/space"
)

// Surface is a set of axis-aligned rectangles (quads) sharing a name and a
// kind: the membrane tiles of one region merged into rectangles, or the
// faces of the extracellular space on the absorbing or reflecting boundary.
type Surface struct {
	Name string // membrane region ("psd", "peri", a mask label…) or boundary name
	Kind string // KindMembrane, KindSink or KindBoundary
	// Quads holds 4 corners × 3 coordinates (µm) per quad, corners in
	// order around the rectangle.
	Quads []float32
	// Normals holds one outward normal direction (space.XMinus..ZPlus)
	// per quad: from the extracellular space into the wall or boundary.
	Normals []uint8
	// Tiles is the number of voxel faces merged into the quads.
	Tiles int
}

// Surface kinds.
const (
	KindMembrane = "membrane" // membrane tiles (faces between free and wall voxels)
	KindSink     = "sink"     // faces between free voxels and absorbing (sink) voxels
	KindBoundary = "boundary" // faces of free voxels on the edge of the grid (reflecting)
)

// NumQuads is the number of quads of s.
func (s Surface) NumQuads() int { return len(s.Normals) }

// face is one voxel face to merge: the voxel (i,j,k) and the direction of
// the face's normal.
type face struct {
	ijk [3]int
	dir int
}

// mergeFaces merges faces that share a direction, a plane and a group into
// maximal rectangles, greedily: in each plane, cells are taken in (v, u)
// order, grown along u as far as possible, then along v while the whole
// row is present. The result covers exactly the given faces.
func mergeFaces(g *space.Grid, faces []face) (quads []float32, normals []uint8) {
	type plane struct{ dir, layer int }
	type cell struct{ u, v int }
	byPlane := map[plane][]cell{}
	for _, f := range faces {
		a := f.dir / 2
		u, v := (a+1)%3, (a+2)%3
		p := plane{f.dir, f.ijk[a]}
		byPlane[p] = append(byPlane[p], cell{f.ijk[u], f.ijk[v]})
	}
	planes := make([]plane, 0, len(byPlane))
	for p := range byPlane {
		planes = append(planes, p)
	}
	sort.Slice(planes, func(i, j int) bool {
		if planes[i].dir != planes[j].dir {
			return planes[i].dir < planes[j].dir
		}
		return planes[i].layer < planes[j].layer
	})
	for _, p := range planes {
		cells := byPlane[p]
		sort.Slice(cells, func(i, j int) bool {
			if cells[i].v != cells[j].v {
				return cells[i].v < cells[j].v
			}
			return cells[i].u < cells[j].u
		})
		present := make(map[cell]bool, len(cells))
		for _, c := range cells {
			present[c] = true
		}
		a := p.dir / 2
		ua, va := (a+1)%3, (a+2)%3
		// The face lies on the low side of the voxel for a minus
		// direction, on the high side for a plus direction.
		w := float64(p.layer)
		if p.dir%2 == 1 {
			w++
		}
		for _, c := range cells {
			if !present[c] {
				continue
			}
			u1 := c.u + 1
			for present[cell{u1, c.v}] {
				u1++
			}
			v1 := c.v + 1
		grow:
			for {
				for u := c.u; u < u1; u++ {
					if !present[cell{u, v1}] {
						break grow
					}
				}
				v1++
			}
			for v := c.v; v < v1; v++ {
				for u := c.u; u < u1; u++ {
					delete(present, cell{u, v})
				}
			}
			corner := func(u, v int) {
				var x [3]float64
				x[a], x[ua], x[va] = w, float64(u), float64(v)
				for k := 0; k < 3; k++ {
					quads = append(quads, float32(g.Origin[k]+x[k]*g.H))
				}
			}
			corner(c.u, c.v)
			corner(u1, c.v)
			corner(u1, v1)
			corner(c.u, v1)
			normals = append(normals, uint8(p.dir))
		}
	}
	return quads, normals
}

// Surfaces merges the membrane tiles of g by region, and the faces of the
// extracellular space on sinks and on the edge of the grid, into
// rectangles. Membrane regions come in the grid's order (TileRegions),
// then the absorbing boundary, then the reflecting edge of the grid; empty
// surfaces are left out.
func Surfaces(g *space.Grid) []Surface {
	names := g.TileRegions()
	byRegion := make([][]face, len(names))
	for _, t := range g.Tiles() {
		i, j, k := g.Coords(int(t.Voxel))
		byRegion[t.Region] = append(byRegion[t.Region], face{[3]int{i, j, k}, int(t.Dir)})
	}
	var out []Surface
	for r, fs := range byRegion {
		if len(fs) == 0 {
			continue
		}
		q, n := mergeFaces(g, fs)
		out = append(out, Surface{Name: names[r], Kind: KindMembrane, Quads: q, Normals: n, Tiles: len(fs)})
	}
	var sink, edge []face
	for v := 0; v < g.NumVoxels(); v++ {
		if g.Kind(v) != space.Free {
			continue
		}
		i, j, k := g.Coords(v)
		c := [3]int{i, j, k}
		for d := 0; d < 6; d++ {
			n := c
			if d%2 == 0 {
				n[d/2]--
			} else {
				n[d/2]++
			}
			if n[d/2] < 0 || n[d/2] >= g.N[d/2] {
				edge = append(edge, face{c, d})
				continue
			}
			if g.Kind(g.Index(n[0], n[1], n[2])) == space.Sink {
				sink = append(sink, face{c, d})
			}
		}
	}
	if len(sink) > 0 {
		q, n := mergeFaces(g, sink)
		out = append(out, Surface{Name: "absorbing boundary", Kind: KindSink, Quads: q, Normals: n, Tiles: len(sink)})
	}
	if len(edge) > 0 {
		q, n := mergeFaces(g, edge)
		out = append(out, Surface{Name: "edge of the grid (reflecting)", Kind: KindBoundary, Quads: q, Normals: n, Tiles: len(edge)})
	}
	return out
}
