// Package space holds the geometry of a simulation: a voxel grid whose
// voxels are free (extracellular medium), wall (inside a cell) or sink
// (absorbing), the membrane faces between free and wall voxels as tiles
// that can hold sites, per-voxel volume regions, a distance field used to
// skip geometry work far from walls, and step tracing with specular
// reflection. Units are µm.
package space

import (
	"errors"
	"fmt"
	"math"
	"math/bits"
)

// Kind is what fills a voxel.
type Kind uint8

// Voxel kinds.
const (
	Free Kind = iota // extracellular medium: molecules diffuse here
	Wall             // inside a cell: excluded; faces towards free voxels are membranes
	Sink             // absorbing: a molecule entering it has escaped
)

// String names the kind.
func (k Kind) String() string {
	switch k {
	case Free:
		return "free"
	case Wall:
		return "wall"
	case Sink:
		return "sink"
	}
	return fmt.Sprintf("kind(%d)", uint8(k))
}

// Face directions. A face of a free voxel is identified by the voxel and
// the direction of its outward normal.
const (
	XMinus = iota
	XPlus
	YMinus
	YPlus
	ZMinus
	ZPlus
)

// NoTile marks a voxel without membrane faces.
const NoTile = -1

// Grid is a voxel lattice. It is immutable once built and safe to share
// between goroutines.
type Grid struct {
	// Origin is the position of the low corner of voxel (0,0,0), µm.
	Origin [3]float64
	// H is the voxel edge length, µm.
	H float64
	// N is the number of voxels along x, y and z.
	N [3]int

	kind   []Kind
	region []uint8 // volume region index of free voxels
	dist   []uint8 // Chebyshev distance, in voxels, to the nearest non-free voxel or region change (capped)

	faceMask []uint8 // per voxel: bit d set when face d is a membrane tile
	tileBase []int32 // per voxel: id of its first tile, or NoTile

	regionNames []string
	tiles       []Tile
	tileRegions []string
}

// Tile is one membrane face: the face of a free voxel that borders a wall.
type Tile struct {
	Voxel  int32 // index of the free voxel the face belongs to
	Dir    uint8 // outward normal direction (XMinus..ZPlus), pointing into the wall
	Region uint8 // index into TileRegions
	Centre [3]float64
}

// Builder assembles a Grid voxel by voxel. Geometry builders use it.
type Builder struct {
	g           *Grid
	regionIndex map[string]uint8
	tileRegion  func(v int, dir int, centre [3]float64) string
}

// Memory of a grid, in bytes (see EstimateBytes).
const (
	// BytesPerVoxel is what every voxel keeps: kind, region, distance and
	// face mask (1 byte each) and tile base (4).
	BytesPerVoxel = 8
	// BytesPerSurface bounds, per voxel of the grid's bounding surface
	// 2(nx·ny + ny·nz + nx·nz), the membrane tiles (32 bytes each, about
	// one per surface voxel, times 2 for the slack of a growing slice) and
	// the two wavefronts of the distance transform (4 bytes per voxel of a
	// front no larger than the surface, times 2 for slack, two fronts).
	BytesPerSurface = 2*32 + 2*2*4
)

// EstimateBytes is the peak memory, in bytes, of building a grid of the
// given dimensions: BytesPerVoxel per voxel and BytesPerSurface per voxel
// of its bounding surface. Geometries whose membranes are far larger than
// the bounding surface (a folded mask) have more tiles than this counts.
func EstimateBytes(n [3]int) int64 {
	nx, ny, nz := int64(n[0]), int64(n[1]), int64(n[2])
	return nx*ny*nz*BytesPerVoxel + 2*(nx*ny+ny*nz+nx*nz)*BytesPerSurface
}

// MaxGridBytes is the largest voxel grid the builders allocate.
const MaxGridBytes = 8 << 30

// NewBuilder starts a grid of n voxels of edge h with its low corner at
// origin. All voxels start free in region "default". It refuses a grid
// whose estimated memory exceeds MaxGridBytes.
func NewBuilder(origin [3]float64, h float64, n [3]int) (*Builder, error) {
	if !(h > 0) || math.IsInf(h, 0) {
		return nil, fmt.Errorf("space: voxel size must be a positive length in µm, got %v", h)
	}
	for a, v := range n {
		if v <= 0 {
			return nil, fmt.Errorf("space: grid needs at least one voxel along %c, got %d", "xyz"[a], v)
		}
		if v > 1<<20 {
			return nil, fmt.Errorf("space: %d voxels along %c is too many", v, "xyz"[a])
		}
	}
	if b := EstimateBytes(n); b > MaxGridBytes {
		return nil, fmt.Errorf("space: a %d×%d×%d grid needs about %.1f GiB, more than the %.0f GiB allowed; use a coarser voxel size than %g µm or a smaller domain",
			n[0], n[1], n[2], float64(b)/(1<<30), float64(MaxGridBytes)/(1<<30), h)
	}
	total := n[0] * n[1] * n[2]
	g := &Grid{Origin: origin, H: h, N: n,
		kind:        make([]Kind, total),
		region:      make([]uint8, total),
		regionNames: []string{"default"},
	}
	return &Builder{g: g, regionIndex: map[string]uint8{"default": 0}}, nil
}

// Grid returns the grid under construction (for queries such as Center).
func (b *Builder) Grid() *Grid { return b.g }

// Set sets the kind of voxel (i,j,k).
func (b *Builder) Set(i, j, k int, kind Kind) { b.g.kind[b.g.Index(i, j, k)] = kind }

// SetRegion puts free voxel (i,j,k) in the named volume region.
func (b *Builder) SetRegion(i, j, k int, name string) {
	r, ok := b.regionIndex[name]
	if !ok {
		r = uint8(len(b.g.regionNames))
		b.regionIndex[name] = r
		b.g.regionNames = append(b.g.regionNames, name)
	}
	b.g.region[b.g.Index(i, j, k)] = r
}

// TileRegion sets the function that names the membrane region of each tile
// (for example "psd" or "peri"). Without it every tile is in "membrane".
func (b *Builder) TileRegion(f func(voxel, dir int, centre [3]float64) string) { b.tileRegion = f }

// Build finishes the grid: it finds the membrane tiles, names their
// regions and computes the distance field.
func (b *Builder) Build() (*Grid, error) {
	g := b.g
	if len(g.regionNames) > 255 {
		return nil, errors.New("space: more than 255 volume regions")
	}
	total := len(g.kind)
	g.faceMask = make([]uint8, total)
	g.tileBase = make([]int32, total)
	tileRegionIndex := map[string]uint8{}
	for v := 0; v < total; v++ {
		g.tileBase[v] = NoTile
		if g.kind[v] != Free {
			continue
		}
		i, j, k := g.Coords(v)
		for d := 0; d < 6; d++ {
			ni, nj, nk := neighbour(i, j, k, d)
			if !g.inside(ni, nj, nk) || g.kind[g.Index(ni, nj, nk)] != Wall {
				continue
			}
			if g.faceMask[v] == 0 {
				if len(g.tiles) >= math.MaxInt32 {
					return nil, errors.New("space: too many membrane tiles")
				}
				g.tileBase[v] = int32(len(g.tiles))
			}
			g.faceMask[v] |= 1 << d
			c := g.FaceCentre(v, d)
			name := "membrane"
			if b.tileRegion != nil {
				name = b.tileRegion(v, d, c)
			}
			r, ok := tileRegionIndex[name]
			if !ok {
				if len(g.tileRegions) == 255 {
					return nil, errors.New("space: more than 255 membrane regions")
				}
				r = uint8(len(g.tileRegions))
				tileRegionIndex[name] = r
				g.tileRegions = append(g.tileRegions, name)
			}
			g.tiles = append(g.tiles, Tile{Voxel: int32(v), Dir: uint8(d), Region: r, Centre: c})
		}
	}
	g.computeDistance()
	return g, nil
}

func neighbour(i, j, k, d int) (int, int, int) {
	switch d {
	case XMinus:
		return i - 1, j, k
	case XPlus:
		return i + 1, j, k
	case YMinus:
		return i, j - 1, k
	case YPlus:
		return i, j + 1, k
	case ZMinus:
		return i, j, k - 1
	default:
		return i, j, k + 1
	}
}

func (g *Grid) inside(i, j, k int) bool {
	return i >= 0 && j >= 0 && k >= 0 && i < g.N[0] && j < g.N[1] && k < g.N[2]
}

// Index is the linear index of voxel (i,j,k).
func (g *Grid) Index(i, j, k int) int { return (k*g.N[1]+j)*g.N[0] + i }

// Coords is the inverse of Index.
func (g *Grid) Coords(v int) (i, j, k int) {
	i = v % g.N[0]
	v /= g.N[0]
	return i, v % g.N[1], v / g.N[1]
}

// NumVoxels is the number of voxels.
func (g *Grid) NumVoxels() int { return len(g.kind) }

// Kind is the kind of voxel v.
func (g *Grid) Kind(v int) Kind { return g.kind[v] }

// Region is the volume region index of voxel v.
func (g *Grid) Region(v int) int { return int(g.region[v]) }

// RegionNames lists the volume regions; index = region number.
func (g *Grid) RegionNames() []string { return g.regionNames }

// TileRegions lists the membrane regions; index = Tile.Region.
func (g *Grid) TileRegions() []string { return g.tileRegions }

// Tiles is the table of membrane tiles.
func (g *Grid) Tiles() []Tile { return g.tiles }

// TileArea is the area of one tile, µm².
func (g *Grid) TileArea() float64 { return g.H * g.H }

// VoxelVolume is the volume of one voxel, µm³.
func (g *Grid) VoxelVolume() float64 { return g.H * g.H * g.H }

// TileAt is the tile id of face d of voxel v, or NoTile.
func (g *Grid) TileAt(v, d int) int {
	m := g.faceMask[v]
	if m&(1<<d) == 0 {
		return NoTile
	}
	return int(g.tileBase[v]) + bits.OnesCount8(m&(1<<d-1))
}

// Dist is the Chebyshev distance, in voxels, from voxel v to the nearest
// voxel that is not free or lies in another region (capped at 255).
func (g *Grid) Dist(v int) int { return int(g.dist[v]) }

// Locate returns the voxel index containing p and whether p is inside the
// grid.
func (g *Grid) Locate(p [3]float64) (int, bool) {
	var c [3]int
	for a := 0; a < 3; a++ {
		f := (p[a] - g.Origin[a]) / g.H
		if !(f >= 0) || f >= float64(g.N[a]) {
			return -1, false
		}
		c[a] = int(f)
	}
	return g.Index(c[0], c[1], c[2]), true
}

// Center is the centre of voxel (i,j,k).
func (g *Grid) Center(i, j, k int) [3]float64 {
	return [3]float64{
		g.Origin[0] + (float64(i)+0.5)*g.H,
		g.Origin[1] + (float64(j)+0.5)*g.H,
		g.Origin[2] + (float64(k)+0.5)*g.H,
	}
}

// FaceCentre is the centre of face d of voxel v.
func (g *Grid) FaceCentre(v, d int) [3]float64 {
	i, j, k := g.Coords(v)
	c := g.Center(i, j, k)
	a := d / 2
	if d%2 == 0 {
		c[a] -= g.H / 2
	} else {
		c[a] += g.H / 2
	}
	return c
}

// RegionVolume is the volume, µm³, of the free voxels of each region.
func (g *Grid) RegionVolume() []float64 {
	vol := make([]float64, len(g.regionNames))
	for v, k := range g.kind {
		if k == Free {
			vol[g.region[v]] += g.VoxelVolume()
		}
	}
	return vol
}

// computeDistance fills dist with the Chebyshev distance to the nearest
// obstacle: a voxel that is not free, the outside of the grid, or a free
// voxel of another region. Two passes of a separable chamfer would do for
// the city-block metric; for Chebyshev distance a 26-neighbour BFS is exact.
func (g *Grid) computeDistance() {
	total := len(g.kind)
	g.dist = make([]uint8, total)
	const inf = 255
	queue := make([]int32, 0, 1024)
	for v := 0; v < total; v++ {
		if g.kind[v] != Free {
			g.dist[v] = 0
			continue
		}
		g.dist[v] = inf
		i, j, k := g.Coords(v)
		border := false
	scan:
		for dk := -1; dk <= 1; dk++ {
			for dj := -1; dj <= 1; dj++ {
				for di := -1; di <= 1; di++ {
					ni, nj, nk := i+di, j+dj, k+dk
					if !g.inside(ni, nj, nk) {
						border = true
						break scan
					}
					n := g.Index(ni, nj, nk)
					if g.kind[n] != Free || g.region[n] != g.region[v] {
						border = true
						break scan
					}
				}
			}
		}
		if border {
			g.dist[v] = 1
			queue = append(queue, int32(v))
		}
	}
	for len(queue) > 0 {
		var next []int32
		for _, v32 := range queue {
			v := int(v32)
			d := g.dist[v]
			if d >= inf-1 {
				continue
			}
			i, j, k := g.Coords(v)
			for dk := -1; dk <= 1; dk++ {
				for dj := -1; dj <= 1; dj++ {
					for di := -1; di <= 1; di++ {
						ni, nj, nk := i+di, j+dj, k+dk
						if !g.inside(ni, nj, nk) {
							continue
						}
						n := g.Index(ni, nj, nk)
						if g.dist[n] > d+1 {
							g.dist[n] = d + 1
							next = append(next, int32(n))
						}
					}
				}
			}
		}
		queue = next
	}
}
