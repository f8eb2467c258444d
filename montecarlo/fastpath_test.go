package montecarlo

import (
	"math"
	"testing"

	"github.com/reuptake/reuptake/agents"
	"github.com/reuptake/reuptake/space"
)

// TestFoldMatchesTrace checks the fold fast path against exact tracing:
// wherever a fold box accepts a step, the end point must equal the one
// Grid.Move computes by tracing with specular reflection.
func TestFoldMatchesTrace(t *testing.T) {
	for _, tc := range []struct {
		name string
		spec Spec
	}{
		{"slab one voxel high", Spec{Geometry: GeometrySpec{Kind: "box", Box: space.BoxSpec{Size: [3]float64{0.2, 0.2, 0.02}, Voxel: 0.02}}}},
		{"cleft", Spec{Geometry: GeometrySpec{Kind: "cleft", Cleft: space.CleftSpec{Voxel: 0.01, Width: 0.02, SynapseRadius: 0.08,
			PSDRadius: 0.05, MembraneRadius: 0.12, HalfWidth: 0.16, HalfHeight: 0.05}}}},
		{"cleft with sites on the PSD and the ring", Spec{Geometry: GeometrySpec{Kind: "cleft", Cleft: space.CleftSpec{Voxel: 0.01, Width: 0.02, SynapseRadius: 0.08,
			PSDRadius: 0.05, MembraneRadius: 0.12, HalfWidth: 0.16, HalfHeight: 0.05}},
			SiteTypes: []SiteTypeSpec{{Name: "r", Scheme: agents.Scheme{States: []string{"R", "RL"}, Transitions: []agents.Transition{
				{From: "R", To: "RL", Kind: agents.Bind, Species: "x", Rate: KOnFromMolar(1e6)},
				{From: "RL", To: "R", Kind: agents.Unbind, Species: "x", Rate: 1}}}}},
			Placements: []PlacementSpec{{Site: "r", Region: "psd", Count: 5}, {Site: "r", Region: "peri", Count: 5}}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			spec := tc.spec
			spec.Species = []SpeciesSpec{{Name: "x", D: 0.4}}
			spec.Run = RunSpec{Dt: 1e-4, Duration: 0.001, SampleInterval: 0.001}
			m, err := NewModel(spec)
			if err != nil {
				t.Fatal(err)
			}
			g := m.Grid
			// Every tile of a region that can hold sites stops the tracer,
			// as a site would: a fold must never skip one.
			stopAt := make([]bool, len(g.Tiles()))
			for t, tl := range g.Tiles() {
				for _, pl := range spec.Placements {
					if g.TileRegions()[tl.Region] == pl.Region {
						stopAt[t] = true
					}
				}
			}
			rng := NewStream(42)
			accepted, tried := 0, 0
			for v := 0; v < g.NumVoxels() && tried < 200000; v++ {
				b := m.fast.box[v]
				if b < 0 {
					continue
				}
				i, j, k := g.Coords(v)
				for n := 0; n < 20; n++ {
					tried++
					p := g.Center(i, j, k)
					for a := range p {
						p[a] += (rng.Float64() - 0.5) * g.H
					}
					sd := 0.009 * (0.2 + 2*rng.Float64())
					d := [3]float64{sd * rng.Norm(), sd * rng.Norm(), sd * rng.Norm()}
					x, y, z, ok := m.fast.boxes[b].fold(p[0], p[1], p[2], d)
					if !ok {
						continue
					}
					accepted++
					q, vv, dd := p, v, d
					out, _ := g.Move(&q, &vv, &dd, stopAt)
					if out != space.Done {
						t.Fatalf("fold accepted a step that traced to %v", out)
					}
					if math.Abs(q[0]-x) > 1e-12 || math.Abs(q[1]-y) > 1e-12 || math.Abs(q[2]-z) > 1e-12 {
						t.Fatalf("from %v by %v: fold gives (%g, %g, %g), tracing %v", p, d, x, y, z, q)
					}
					if w, _ := g.Locate([3]float64{x, y, z}); w != vv || g.Kind(w) != space.Free {
						t.Fatalf("fold end point in voxel %d (%v), tracing in %d", w, g.Kind(w), vv)
					}
				}
			}
			if accepted < tried/4 {
				t.Errorf("the fast path accepted only %d of %d steps", accepted, tried)
			}
			t.Logf("%d of %d steps took the fast path", accepted, tried)
		})
	}
}

// TestFoldTilesMatchesTrace checks the fast path across membranes with
// sites against exact tracing: with a random third of the tiles of the
// reactive regions stopping molecules, every step foldTiles accepts must
// trace to the same end point without meeting a stopping tile (Done), and
// the fast path must take a good share of the steps the plain fold
// refuses (it is what makes a thin cleft cheap).
func TestFoldTilesMatchesTrace(t *testing.T) {
	scheme := agents.Scheme{States: []string{"R", "RL"}, Transitions: []agents.Transition{
		{From: "R", To: "RL", Kind: agents.Bind, Species: "x", Rate: KOnFromMolar(1e6)},
		{From: "RL", To: "R", Kind: agents.Unbind, Species: "x", Rate: 1}}}
	for _, tc := range []struct {
		name string
		spec Spec
		// minAccept is the share of the steps the plain fold refuses that
		// foldTiles must take: in the slab nearly every refused step
		// crosses one membrane; in the cleft many leave the box sideways.
		minAccept float64
	}{
		{"slab two voxels high, sites on both faces, absorbing sides", Spec{
			Geometry: GeometrySpec{Kind: "box", Box: space.BoxSpec{Size: [3]float64{0.2, 0.2, 0.02}, Voxel: 0.01,
				Absorbing: []string{"xmin", "xmax", "ymin", "ymax"}}},
			SiteTypes:  []SiteTypeSpec{{Name: "r", Scheme: scheme}},
			Placements: []PlacementSpec{{Site: "r", Region: "zmin", Count: 40}, {Site: "r", Region: "zmax", Count: 40}}}, 0.4},
		{"cleft with sites on the PSD and the ring", Spec{Geometry: GeometrySpec{Kind: "cleft", Cleft: space.CleftSpec{Voxel: 0.01, Width: 0.02, SynapseRadius: 0.08,
			PSDRadius: 0.05, MembraneRadius: 0.12, HalfWidth: 0.16, HalfHeight: 0.05}},
			SiteTypes:  []SiteTypeSpec{{Name: "r", Scheme: scheme}},
			Placements: []PlacementSpec{{Site: "r", Region: "psd", Count: 5}, {Site: "r", Region: "peri", Count: 5}}}, 0.1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			spec := tc.spec
			spec.Species = []SpeciesSpec{{Name: "x", D: 0.4}}
			spec.Run = RunSpec{Dt: 1e-4, Duration: 0.001, SampleInterval: 0.001}
			m, err := NewModel(spec)
			if err != nil {
				t.Fatal(err)
			}
			g := m.Grid
			rng := NewStream(43)
			stopAt := make([]bool, len(g.Tiles()))
			for t, tl := range g.Tiles() {
				for _, pl := range spec.Placements {
					if g.TileRegions()[tl.Region] == pl.Region && rng.Float64() < 1.0/3 {
						stopAt[t] = true
					}
				}
			}
			refused, accepted := 0, 0
			for v := 0; v < g.NumVoxels() && refused < 200000; v++ {
				b := m.fast.box[v]
				if b < 0 {
					continue
				}
				i, j, k := g.Coords(v)
				for n := 0; n < 20; n++ {
					p := g.Center(i, j, k)
					for a := range p {
						p[a] += (rng.Float64() - 0.5) * g.H
					}
					sd := 0.009 * (0.2 + 2*rng.Float64())
					d := [3]float64{sd * rng.Norm(), sd * rng.Norm(), sd * rng.Norm()}
					if _, _, _, ok := m.fast.boxes[b].fold(p[0], p[1], p[2], d); ok {
						continue
					}
					refused++
					e, ok := m.fast.foldTiles(b, g, stopAt, p, d)
					if !ok {
						continue
					}
					accepted++
					q, vv, dd := p, v, d
					out, tile := g.Move(&q, &vv, &dd, stopAt)
					if out != space.Done {
						t.Fatalf("from %v by %v: foldTiles accepted a step that traced to %v (tile %d)", p, d, out, tile)
					}
					if math.Abs(q[0]-e[0]) > 1e-12 || math.Abs(q[1]-e[1]) > 1e-12 || math.Abs(q[2]-e[2]) > 1e-12 {
						t.Fatalf("from %v by %v: foldTiles gives %v, tracing %v", p, d, e, q)
					}
					if w, _ := g.Locate(e); w != vv || g.Kind(w) != space.Free {
						t.Fatalf("foldTiles end point in voxel %d (%v), tracing in %d", w, g.Kind(w), vv)
					}
				}
			}
			if float64(accepted) < tc.minAccept*float64(refused) {
				t.Errorf("foldTiles accepted only %d of the %d steps the plain fold refused", accepted, refused)
			}
			t.Logf("foldTiles took %d of the %d steps the plain fold refused", accepted, refused)
		})
	}
}
