package space

import (
	"math"
	"math/rand/v2"
	"testing"
)

func mustBox(t *testing.T, s BoxSpec) *Grid {
	t.Helper()
	g, err := Box(s)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// fold maps an unbounded coordinate onto [lo, hi] by repeated specular
// reflection: the method-of-images position.
func fold(x, lo, hi float64) float64 {
	w := hi - lo
	u := math.Mod(x-lo, 2*w)
	if u < 0 {
		u += 2 * w
	}
	if u > w {
		u = 2*w - u
	}
	return lo + u
}

func move(t *testing.T, g *Grid, p, d [3]float64) ([3]float64, int, Outcome) {
	t.Helper()
	v, ok := g.Locate(p)
	if !ok || g.Kind(v) != Free {
		t.Fatalf("start %v is not in the medium", p)
	}
	out, _ := g.Move(&p, &v, &d, nil)
	return p, v, out
}

func near(a, b [3]float64, tol float64) bool {
	for i := range a {
		if math.Abs(a[i]-b[i]) > tol {
			return false
		}
	}
	return true
}

// TestReflectMirrorImage: a step across a wall ends at the mirror image of
// the unobstructed end point, and lateral components are untouched.
func TestReflectMirrorImage(t *testing.T) {
	g := mustBox(t, BoxSpec{Size: [3]float64{1, 1, 1}, Voxel: 0.1})
	cases := []struct {
		name string
		p, d [3]float64
		want [3]float64
	}{
		{"one wall", [3]float64{0.5, 0.5, 0.05}, [3]float64{0.03, -0.02, -0.2}, [3]float64{0.53, 0.48, 0.15}},
		{"far wall", [3]float64{0.95, 0.42, 0.31}, [3]float64{0.12, 0.01, 0}, [3]float64{0.93, 0.43, 0.31}},
		{"corner: two walls", [3]float64{0.04, 0.97, 0.5}, [3]float64{-0.1, 0.07, 0.02}, [3]float64{0.06, 0.96, 0.52}},
		{"no wall", [3]float64{0.5, 0.5, 0.5}, [3]float64{0.2, -0.3, 0.1}, [3]float64{0.7, 0.2, 0.6}},
	}
	for _, c := range cases {
		got, v, out := move(t, g, c.p, c.d)
		if out != Done || !near(got, c.want, 1e-12) {
			t.Errorf("%s: ended at %v (%v), mirror image %v", c.name, got, out, c.want)
		}
		if w, _ := g.Locate(got); w != v {
			t.Errorf("%s: voxel %d, position is in %d", c.name, v, w)
		}
	}
}

// TestReflectSlabFolding: in a thin slab a long step reflects several
// times; every axis ends at the folded (method-of-images) position, for
// random starts and steps up to several slab heights.
func TestReflectSlabFolding(t *testing.T) {
	g := mustBox(t, BoxSpec{Size: [3]float64{0.2, 0.3, 0.02}, Voxel: 0.005})
	r := rand.New(rand.NewPCG(1, 2))
	size := [3]float64{0.2, 0.3, 0.02}
	for n := 0; n < 20000; n++ {
		var p, d, want [3]float64
		for a := 0; a < 3; a++ {
			p[a] = r.Float64() * size[a]
			d[a] = r.NormFloat64() * 0.03
			want[a] = fold(p[a]+d[a], 0, size[a])
		}
		got, v, out := move(t, g, p, d)
		if out != Done || !near(got, want, 1e-12) {
			t.Fatalf("start %v step %v: ended at %v (%v), folded %v", p, d, got, out, want)
		}
		if w, ok := g.Locate(got); !ok || (w != v && !onFace(g, got)) {
			t.Fatalf("start %v step %v: voxel %d, position %v is in %d", p, d, v, got, w)
		}
	}
}

// onFace reports whether p lies on a voxel face (where Locate and the
// tracer may legitimately pick either neighbour).
func onFace(g *Grid, p [3]float64) bool {
	for a := 0; a < 3; a++ {
		f := (p[a] - g.Origin[a]) / g.H
		if math.Abs(f-math.Round(f)) < 1e-9 {
			return true
		}
	}
	return false
}

// TestHitTileThenReflect: with stopAt set, Move stops on the membrane face
// with the rest of the step; reflecting it and moving on gives the mirror
// image, the same as a plain reflection.
func TestHitTileThenReflect(t *testing.T) {
	g := mustBox(t, BoxSpec{Size: [3]float64{1, 1, 1}, Voxel: 0.1})
	stop := make([]bool, len(g.Tiles()))
	for i := range stop {
		stop[i] = true
	}
	p := [3]float64{0.55, 0.45, 0.07}
	d := [3]float64{0.04, 0.02, -0.17}
	v, _ := g.Locate(p)
	out, tile := g.Move(&p, &v, &d, stop)
	if out != HitTile {
		t.Fatalf("outcome %v, want HitTile", out)
	}
	tl := g.Tiles()[tile]
	if tl.Dir != ZMinus || g.TileRegions()[tl.Region] != "zmin" || int(tl.Voxel) != v {
		t.Errorf("hit tile %+v (region %s) from voxel %d", tl, g.TileRegions()[tl.Region], v)
	}
	// At the face z = 0 after 7/17 of the step, with 10/17 still to go.
	f := 0.07 / 0.17
	if !near(p, [3]float64{0.55 + 0.04*f, 0.45 + 0.02*f, 0}, 1e-12) || !near(d, [3]float64{0.04 * (1 - f), 0.02 * (1 - f), -0.17 * (1 - f)}, 1e-12) {
		t.Errorf("stopped at %v with %v to go", p, d)
	}
	if c := tl.Centre; math.Abs(c[2]) > 1e-12 || math.Abs(c[0]-0.55) > 0.05 || math.Abs(c[1]-0.45) > 0.05 {
		t.Errorf("tile centre %v is not the face crossed", c)
	}
	g.Reflect(&d, tile)
	if out, _ := g.Move(&p, &v, &d, nil); out != Done || !near(p, [3]float64{0.59, 0.47, 0.10}, 1e-12) {
		t.Errorf("after reflection: %v at %v, want Done at the mirror image (0.59, 0.47, 0.10)", out, p)
	}
}

// TestEscapeIntoSink: a step into an absorbing face stops in the sink layer
// at the crossing point.
func TestEscapeIntoSink(t *testing.T) {
	g := mustBox(t, BoxSpec{Size: [3]float64{1, 1, 1}, Voxel: 0.1, Absorbing: []string{"xmax"}})
	p := [3]float64{0.95, 0.5, 0.5}
	d := [3]float64{0.1, 0.02, 0}
	v, _ := g.Locate(p)
	out, _ := g.Move(&p, &v, &d, nil)
	if out != Escaped || g.Kind(v) != Sink || math.Abs(p[0]-1) > 1e-12 || math.Abs(p[1]-0.51) > 1e-12 {
		t.Errorf("outcome %v in a %v voxel at %v; want Escaped into a sink at (1, 0.51, 0.5)", out, g.Kind(v), p)
	}
	// The other faces still reflect.
	p = [3]float64{0.05, 0.5, 0.5}
	d = [3]float64{-0.1, 0, 0}
	v, _ = g.Locate(p)
	if out, _ := g.Move(&p, &v, &d, nil); out != Done || !near(p, [3]float64{0.05, 0.5, 0.5}, 1e-12) {
		t.Errorf("xmin: %v at %v", out, p)
	}
}

// bruteDist is the Chebyshev distance, in voxels, from free voxel v to the
// nearest obstacle: a non-free voxel, a free voxel of another region, or
// the outside of the grid (capped at 255).
func bruteDist(g *Grid, v int) int {
	i, j, k := g.Coords(v)
	best := 255
	for r := 1; r < best; r++ {
		for dk := -r; dk <= r; dk++ {
			for dj := -r; dj <= r; dj++ {
				for di := -r; di <= r; di++ {
					if max(abs(di), abs(dj), abs(dk)) != r {
						continue
					}
					ni, nj, nk := i+di, j+dj, k+dk
					if !g.inside(ni, nj, nk) {
						return r
					}
					n := g.Index(ni, nj, nk)
					if g.Kind(n) != Free || g.Region(n) != g.Region(v) {
						return r
					}
				}
			}
		}
	}
	return best
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// TestDistanceField compares the BFS distance field with a brute-force
// search, on a box and on a cleft (where region changes count).
func TestDistanceField(t *testing.T) {
	box := mustBox(t, BoxSpec{Size: [3]float64{1.2, 0.8, 0.5}, Voxel: 0.1})
	cleft, err := Cleft(smallCleft())
	if err != nil {
		t.Fatal(err)
	}
	for name, g := range map[string]*Grid{"box": box, "cleft": cleft} {
		for v := 0; v < g.NumVoxels(); v++ {
			if g.Kind(v) != Free {
				continue
			}
			if got, want := g.Dist(v), bruteDist(g, v); got != want {
				i, j, k := g.Coords(v)
				t.Fatalf("%s: voxel (%d,%d,%d) distance %d, brute force %d", name, i, j, k, got, want)
			}
		}
	}
	// In a box the distance of voxel (i,j,k) is its index distance to the
	// nearest wall layer.
	i, j, k := 6, 4, 3
	if d := box.Dist(box.Index(i, j, k)); d != 3 {
		t.Errorf("box centre distance %d, want 3", d)
	}
}

// TestSafeIsSafe: every displacement Safe accepts stays inside free voxels
// of the starting region, so the fast path can skip tracing.
func TestSafeIsSafe(t *testing.T) {
	g, err := Cleft(smallCleft())
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(3, 4))
	accepted := 0
	for n := 0; n < 200000; n++ {
		v := r.IntN(g.NumVoxels())
		if g.Kind(v) != Free {
			continue
		}
		i, j, k := g.Coords(v)
		c := g.Center(i, j, k)
		var p, d [3]float64
		for a := 0; a < 3; a++ {
			p[a] = c[a] + (r.Float64()-0.5)*g.H*0.999
			d[a] = r.NormFloat64() * g.H * 1.5
		}
		if !g.Safe(v, d) {
			continue
		}
		accepted++
		// Every point of the segment is in a free voxel of v's region.
		for s := 0.0; s <= 1; s += 1.0 / 64 {
			q := [3]float64{p[0] + s*d[0], p[1] + s*d[1], p[2] + s*d[2]}
			w, ok := g.Locate(q)
			if !ok || g.Kind(w) != Free || g.Region(w) != g.Region(v) {
				t.Fatalf("Safe accepted %v from %v (voxel %d, dist %d) but the path enters voxel %d", d, p, v, g.Dist(v), w)
			}
		}
	}
	if accepted < 1000 {
		t.Errorf("only %d safe steps sampled", accepted)
	}
}

func smallCleft() CleftSpec {
	return CleftSpec{Voxel: 0.01, Width: 0.02, SynapseRadius: 0.08, PSDRadius: 0.05, MembraneRadius: 0.12, HalfWidth: 0.16, HalfHeight: 0.05}
}

// TestCleftRegions checks the cleft builder's voxels and membrane regions.
func TestCleftRegions(t *testing.T) {
	s := smallCleft()
	g, err := Cleft(s)
	if err != nil {
		t.Fatal(err)
	}
	regionOf := func(p [3]float64) (Kind, string) {
		v, ok := g.Locate(p)
		if !ok {
			t.Fatalf("%v outside the grid", p)
		}
		return g.Kind(v), g.RegionNames()[g.Region(v)]
	}
	for _, c := range []struct {
		p      [3]float64
		kind   Kind
		region string
	}{
		{[3]float64{0.001, 0.002, 0.005}, Free, RegionCleft},
		{[3]float64{0.1, -0.05, -0.009}, Free, RegionPerisynaptic},
		{[3]float64{0.05, -0.05, -0.009}, Free, RegionCleft},
		{[3]float64{0, 0, 0.015}, Wall, ""},
		{[3]float64{0, 0, -0.04}, Wall, ""},
		{[3]float64{0.14, 0, 0.03}, Free, RegionExtrasynaptic},
		{[3]float64{0.14, 0, 0}, Free, RegionExtrasynaptic},
		{[3]float64{0.165, 0, 0}, Sink, ""},
	} {
		k, r := regionOf(c.p)
		if k != c.kind || (k == Free && r != c.region) {
			t.Errorf("%v: %v in %q, want %v in %q", c.p, k, r, c.kind, c.region)
		}
	}
	// Every tile borders a wall in its direction, and its region follows
	// from its direction and radius.
	area := map[string]float64{}
	for _, tl := range g.Tiles() {
		i, j, k := g.Coords(int(tl.Voxel))
		ni, nj, nk := neighbour(i, j, k, int(tl.Dir))
		if g.Kind(g.Index(ni, nj, nk)) != Wall || g.Kind(int(tl.Voxel)) != Free {
			t.Fatalf("tile %+v does not sit between free and wall", tl)
		}
		name := g.TileRegions()[tl.Region]
		c := tl.Centre
		r := math.Hypot(c[0], c[1])
		var want string
		switch {
		case tl.Dir == ZPlus && r < s.SynapseRadius:
			want = TilePre
		case tl.Dir == ZMinus && r < s.PSDRadius:
			want = TilePSD
		case tl.Dir == ZMinus && r < s.SynapseRadius:
			want = TilePost
		case tl.Dir == ZPlus || tl.Dir == ZMinus:
			want = TilePeri
		default:
			want = TileLateral
		}
		if name != want {
			t.Errorf("tile at %v (dir %d) is %q, want %q", c, tl.Dir, name, want)
		}
		if tl.Dir == ZPlus && math.Abs(c[2]-s.Width/2) > 1e-12 || tl.Dir == ZMinus && math.Abs(c[2]+s.Width/2) > 1e-12 {
			t.Errorf("tile %v (dir %d) is not on a cleft face", c, tl.Dir)
		}
		area[name] += g.TileArea()
	}
	// Pixelated disks: the areas approach πR² to within the voxel rim.
	rim := func(r float64) float64 { return 2 * math.Pi * r * s.Voxel }
	for _, c := range []struct {
		name string
		want float64
	}{
		{TilePSD, math.Pi * s.PSDRadius * s.PSDRadius},
		{TilePre, math.Pi * s.SynapseRadius * s.SynapseRadius},
		{TilePost, math.Pi * (s.SynapseRadius*s.SynapseRadius - s.PSDRadius*s.PSDRadius)},
	} {
		if math.Abs(area[c.name]-c.want) > rim(s.SynapseRadius) {
			t.Errorf("%s area %.5f µm², disk %.5f µm²", c.name, area[c.name], c.want)
		}
	}
	// The cleft region's volume is the slab of the synaptic contact, and
	// with the perisynaptic gap it makes the slab between the membranes.
	vol := g.RegionVolume()
	cl, peri := -1, -1
	for i, n := range g.RegionNames() {
		switch n {
		case RegionCleft:
			cl = i
		case RegionPerisynaptic:
			peri = i
		}
	}
	if want := math.Pi * s.SynapseRadius * s.SynapseRadius * s.Width; math.Abs(vol[cl]-want) > rim(s.SynapseRadius)*s.Width {
		t.Errorf("cleft volume %.6f µm³, cylinder %.6f µm³", vol[cl], want)
	}
	if want := math.Pi * s.MembraneRadius * s.MembraneRadius * s.Width; math.Abs(vol[cl]+vol[peri]-want) > (rim(s.MembraneRadius)+rim(s.SynapseRadius))*s.Width {
		t.Errorf("cleft+perisynaptic volume %.6f µm³, cylinder %.6f µm³", vol[cl]+vol[peri], want)
	}
}

// TestBoxBuilder checks the box faces and the builder's errors.
func TestBoxBuilder(t *testing.T) {
	g := mustBox(t, BoxSpec{Size: [3]float64{0.3, 0.2, 0.1}, Voxel: 0.1})
	count := map[string]int{}
	for _, tl := range g.Tiles() {
		count[g.TileRegions()[tl.Region]]++
	}
	want := map[string]int{"xmin": 2, "xmax": 2, "ymin": 3, "ymax": 3, "zmin": 6, "zmax": 6}
	for k, n := range want {
		if count[k] != n {
			t.Errorf("%s has %d tiles, want %d", k, count[k], n)
		}
	}
	if _, err := Box(BoxSpec{Size: [3]float64{0.25, 0.2, 0.1}, Voxel: 0.1}); err == nil {
		t.Error("a box that is not a whole number of voxels was accepted")
	}
	if _, err := Box(BoxSpec{Size: [3]float64{0.2, 0.2, 0.2}, Voxel: 0.1, Absorbing: []string{"top"}}); err == nil {
		t.Error("an unknown face name was accepted")
	}
	if err := (CleftSpec{Voxel: 0.01, Width: 0.025, SynapseRadius: 0.1, PSDRadius: 0.05, MembraneRadius: 0.2, HalfWidth: 0.3, HalfHeight: 0.1}).Validate(); err == nil {
		t.Error("a cleft width that is not a whole number of voxels was accepted")
	}
}
