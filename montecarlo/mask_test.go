package montecarlo

import (
	"math"
	"testing"

	"github.com/reuptake/reuptake/agents"
	"github.com/reuptake/reuptake/space"
)

// TestMaskCleftMatchesBuilder: the same release in the voxel-mask cleft of
// space/testdata (generated to match a space.CleftSpec) and in the cleft
// builder gives the same free counts per region over time, within the
// replicate-to-replicate error (two-sample z, |z| < 4).
func TestMaskCleftMatchesBuilder(t *testing.T) {
	cleft := space.CleftSpec{Voxel: 0.01, Width: 0.02, SynapseRadius: 0.15, PSDRadius: 0.1,
		MembraneRadius: 0.2, HalfWidth: 0.3, HalfHeight: 0.15}
	mask := space.MaskSpec{Path: "../space/testdata/cleft_mask.npy", Voxel: 0.01, Origin: [3]float64{-0.31, -0.31, -0.16},
		Labels: map[int]space.MaskLabel{
			0: {Kind: space.Sink},
			1: {Kind: space.Free, Region: space.RegionCleft},
			2: {Kind: space.Free, Region: space.RegionPerisynaptic},
			3: {Kind: space.Free, Region: space.RegionExtrasynaptic, Membrane: space.TileLateral},
			4: {Kind: space.Wall, Membrane: space.TilePre},
			5: {Kind: space.Wall, Membrane: space.TilePSD},
			6: {Kind: space.Wall, Membrane: space.TilePost},
			7: {Kind: space.Wall, Membrane: space.TilePeri},
		}}
	reps := 12
	if testing.Short() {
		reps = 6
	}
	spec := func(g GeometrySpec) Spec {
		return Spec{Geometry: g,
			Species:  []SpeciesSpec{{Name: "glu", D: 0.33}},
			Releases: []ReleaseSpec{{Release: agents.Release{Species: "glu", At: [3]float64{0, 0, 0.009}, Times: []float64{0}, N: 2000, Probability: 1}}},
			Run:      RunSpec{Dt: 1e-4, Duration: 0.2, SampleInterval: 0.05, Replicates: reps}}
	}
	series := func(g GeometrySpec, seed uint64, cols []string) [][][]float64 { // [col][sample][rep]
		m, err := NewModel(spec(g))
		if err != nil {
			t.Fatal(err)
		}
		out := make([][][]float64, len(cols))
		for c, name := range cols {
			if m.Column(name) < 0 {
				t.Fatalf("no column %s", name)
			}
			out[c] = make([][]float64, 0)
		}
		for rep := 0; rep < reps; rep++ {
			r := RunReplicate(m, seed, rep)
			for c, name := range cols {
				col := m.Column(name)
				for s, row := range r.Rows {
					if rep == 0 {
						out[c] = append(out[c], nil)
					}
					out[c][s] = append(out[c][s], row[col])
				}
			}
		}
		return out
	}
	cols := []string{"free_cleft", "free_perisynaptic", "free_extrasynaptic", "escaped"}
	a := series(GeometrySpec{Kind: "cleft", Cleft: cleft}, 11, cols)
	b := series(GeometrySpec{Kind: "mask", Mask: mask}, 12, cols) // independent streams
	meanVar := func(x []float64) (float64, float64) {
		m := 0.0
		for _, v := range x {
			m += v
		}
		m /= float64(len(x))
		s := 0.0
		for _, v := range x {
			s += (v - m) * (v - m)
		}
		return m, s / float64(len(x)-1)
	}
	for c, name := range cols {
		for s := 1; s < len(a[c]); s++ {
			ma, va := meanVar(a[c][s])
			mb, vb := meanVar(b[c][s])
			se := math.Sqrt((va + vb) / float64(reps))
			if se == 0 {
				if ma != mb {
					t.Errorf("%s sample %d: cleft %g, mask %g with no spread", name, s, ma, mb)
				}
				continue
			}
			z := (ma - mb) / se
			t.Logf("%s sample %d: cleft %.1f, mask %.1f, z = %.2f", name, s, ma, mb, z)
			if math.Abs(z) > 4 {
				t.Errorf("%s sample %d: cleft %.1f ± %.1f, mask %.1f ± %.1f (z = %.2f)", name, s, ma, math.Sqrt(va), mb, math.Sqrt(vb), z)
			}
		}
	}
}
