package space

import (
	"math"
	"testing"
)

// TestDisk: the disk is free inside the radius in every slab layer, sink
// outside it, walls above and below; its equal-area radius is within a
// voxel of the nominal one.
func TestDisk(t *testing.T) {
	s := DiskSpec{Radius: 0.15, Height: 0.02, Voxel: 0.0025}
	g, err := Disk(s)
	if err != nil {
		t.Fatal(err)
	}
	kindAt := func(p [3]float64) Kind { return kindOf(t, g, p) }
	for _, c := range []struct {
		p    [3]float64
		want Kind
	}{
		{[3]float64{0.001, 0.001, 0.01}, Free},
		{[3]float64{0.14, 0.001, 0.001}, Free},
		{[3]float64{0.152, 0.001, 0.019}, Sink},
		{[3]float64{0.11, 0.11, 0.01}, Sink}, // r = 0.156
		{[3]float64{0.001, 0.001, -0.001}, Wall},
		{[3]float64{0.001, 0.001, 0.021}, Wall},
	} {
		if k := kindAt(c.p); k != c.want {
			t.Errorf("%v is %v, want %v", c.p, k, c.want)
		}
	}
	free := g.RegionVolume()
	vol := 0.0
	for _, v := range free {
		vol += v
	}
	reff := s.EffectiveRadius()
	if got := math.Sqrt(vol / s.Height / math.Pi); math.Abs(got-reff) > 1e-12 {
		t.Errorf("free volume gives a radius of %v, EffectiveRadius %v", got, reff)
	}
	if math.Abs(reff-s.Radius) > s.Voxel/4 {
		t.Errorf("equal-area radius %v is far from %v", reff, s.Radius)
	}
	if _, err := Disk(DiskSpec{Radius: 0.15, Height: 0.021, Voxel: 0.002}); err == nil {
		t.Error("a height that is not a whole number of voxels must be refused")
	}
}

// TestBall: the ball is a sink, the shell around it free, and beyond the
// outer radius a sink again (or a reflecting cube without one).
func TestBall(t *testing.T) {
	for _, s := range []BallSpec{
		{Radius: 0.05, Outer: 0.2, Voxel: 0.005},
		{Radius: 0.05, HalfWidth: 0.2, Voxel: 0.005},
	} {
		g, err := Ball(s)
		if err != nil {
			t.Fatal(err)
		}
		kindAt := func(p [3]float64) Kind { return kindOf(t, g, p) }
		if k := kindAt([3]float64{0.001, 0.001, 0.001}); k != Sink {
			t.Errorf("%+v: centre is %v", s, k)
		}
		if k := kindAt([3]float64{0.06, 0.08, 0.001}); k != Free {
			t.Errorf("%+v: r = 0.1 is %v", s, k)
		}
		beyond := kindAt([3]float64{0.15, 0.15, 0.001}) // r = 0.21
		if s.Outer > 0 && beyond != Sink || s.Outer == 0 && beyond != Free {
			t.Errorf("%+v: r = 0.21 is %v", s, beyond)
		}
		// Equal-volume radii agree with the voxel counts of the grid.
		nSink, nFree := 0, 0
		for v := 0; v < g.NumVoxels(); v++ {
			c := g.Center(g.Coords(v))
			r := math.Sqrt(c[0]*c[0] + c[1]*c[1] + c[2]*c[2])
			switch {
			case g.Kind(v) == Sink && r < 0.1:
				nSink++
			case g.Kind(v) == Free:
				nFree++
			}
		}
		h3 := s.Voxel * s.Voxel * s.Voxel
		reff := s.EffectiveRadius()
		if got := math.Cbrt(3 * float64(nSink) * h3 / (4 * math.Pi)); math.Abs(got-reff) > 1e-12 {
			t.Errorf("%+v: sink voxels give %v, EffectiveRadius %v", s, got, reff)
		}
		if math.Abs(reff-s.Radius) > s.Voxel/4 {
			t.Errorf("%+v: equal-volume radius %v is far from %v", s, reff, s.Radius)
		}
		if s.Outer > 0 {
			r2 := s.OuterEffectiveRadius()
			if got := math.Cbrt(3 * float64(nFree+nSink) * h3 / (4 * math.Pi)); math.Abs(got-r2) > 1e-12 {
				t.Errorf("%+v: voxels inside the outer sphere give %v, OuterEffectiveRadius %v", s, got, r2)
			}
		}
	}
	if _, err := Ball(BallSpec{Radius: 0.3, Outer: 0.2, Voxel: 0.005}); err == nil {
		t.Error("a ball larger than its outer sphere must be refused")
	}
}

// kindOf is the kind of the voxel holding p, failing the test if p is
// outside the grid.
func kindOf(t *testing.T, g *Grid, p [3]float64) Kind {
	t.Helper()
	v, ok := g.Locate(p)
	if !ok {
		t.Fatalf("%v is outside the grid", p)
	}
	return g.Kind(v)
}
