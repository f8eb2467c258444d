package montecarlo_test

import (
	"context"
	"errors"
	"math"
	"testing"

	"github.com/reuptake/reuptake/agents"
	"github.com/reuptake/reuptake/montecarlo"
	"github.com/reuptake/reuptake/montecarlo/modelfile"
	"github.com/reuptake/reuptake/space"
)

// ca1Spec is the default preset, shortened, with k shards.
func ca1Spec(t *testing.T, k int, duration float64) montecarlo.Spec {
	t.Helper()
	data, err := modelfile.Preset("glutamate-ca1")
	if err != nil {
		t.Fatal(err)
	}
	spec, _, err := modelfile.Decode("glutamate-ca1", data, nil)
	if err != nil {
		t.Fatal(err)
	}
	spec.Run.Shards = k
	spec.Run.Duration = duration
	return spec
}

// volumeBlockSpec is a porous box with volume transporters, first-order
// clearance, a lattice of release sites firing a train and long steps.
func volumeBlockSpec(k int) montecarlo.Spec {
	tr := agents.Scheme{
		States: []string{"To", "ToS", "Ti"},
		Transitions: []agents.Transition{
			{From: "To", To: "ToS", Kind: agents.Bind, Species: "da", Rate: montecarlo.KOnFromMolar(2e7)},
			{From: "ToS", To: "To", Kind: agents.Unbind, Species: "da", Rate: 1},
			{From: "ToS", To: "Ti", Kind: agents.Transport, Species: "da", Rate: 2},
			{From: "Ti", To: "To", Kind: agents.FirstOrder, Rate: 1},
		},
	}
	return montecarlo.Spec{
		Geometry: montecarlo.GeometrySpec{Kind: "box", Box: space.BoxSpec{Size: [3]float64{4, 4, 4}, Voxel: 0.1,
			Regions: []space.BoxRegion{{Name: "core", Lo: [3]float64{1, 1, 1}, Hi: [3]float64{3, 3, 3}}}}},
		Species:      []montecarlo.SpeciesSpec{{Name: "da", D: 0.76}},
		Regions:      []montecarlo.RegionSpec{{Name: "box", Alpha: 0.21, Tortuosity: 1.54}, {Name: "core", Alpha: 0.21, Tortuosity: 1.54}},
		SiteTypes:    []montecarlo.SiteTypeSpec{{Name: "dat", Scheme: tr}},
		Placements:   []montecarlo.PlacementSpec{{Site: "dat", Region: "core", VolumeDensity: montecarlo.ConcFromMolar(5e-6)}},
		Degradations: []montecarlo.DegradationSpec{{Species: "da", Region: "box", Rate: 0.05}},
		Releases: []montecarlo.ReleaseSpec{{Release: agents.Release{Species: "da", N: 300, Times: agents.Train(0, 200, 3), Probability: 0.5},
			Sites: &montecarlo.ReleaseSites{Lattice: 1}}},
		Run: montecarlo.RunSpec{Dt: 2e-3, Duration: 2, SampleInterval: 0.1, Replicates: 1, Shards: k, LongSteps: 10},
	}
}

// runRows runs the replicates reps and returns every timeseries row and
// summary, flattened.
func runRows(t *testing.T, m *montecarlo.Model, workers int, reps []int) []float64 {
	t.Helper()
	var out []float64
	err := montecarlo.Runner{Workers: workers}.Run(context.Background(), m, 11, reps, func(r montecarlo.Replicate) error {
		for _, row := range r.Rows {
			out = append(out, row...)
		}
		out = append(out, r.Summary...)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestShardsBitIdenticalAcrossWorkers: a sharded replicate's output is the
// same, bit for bit, whether 1, 2 or 8 goroutines step its shards.
func TestShardsBitIdenticalAcrossWorkers(t *testing.T) {
	dur := 1.0
	if testing.Short() {
		dur = 0.3 // the race detector runs the short suite
	}
	block := volumeBlockSpec(8)
	block.Run.Duration = 2 * dur
	for _, tc := range []struct {
		name string
		spec montecarlo.Spec
	}{
		{"ca1 cleft, 4 shards", ca1Spec(t, 4, dur)},
		{"porous block with volume sites, 8 shards", block},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, err := montecarlo.NewModel(tc.spec)
			if err != nil {
				t.Fatal(err)
			}
			if m.Shards() != tc.spec.Run.Shards {
				t.Fatalf("model has %d shards, want %d", m.Shards(), tc.spec.Run.Shards)
			}
			ref := runRows(t, m, 1, []int{0})
			for _, w := range []int{2, 8} {
				got := runRows(t, m, w, []int{0})
				if len(got) != len(ref) {
					t.Fatalf("workers=%d: %d values, want %d", w, len(got), len(ref))
				}
				for i := range ref {
					if math.Float64bits(got[i]) != math.Float64bits(ref[i]) {
						t.Fatalf("workers=%d: value %d is %v, want %v", w, i, got[i], ref[i])
					}
				}
			}
		})
	}
}

// TestShardsConserve: released = free + bound + transported + degraded +
// escaped at every step of a sharded replicate, and molecules do cross
// block boundaries.
func TestShardsConserve(t *testing.T) {
	m, err := montecarlo.NewModel(volumeBlockSpec(8))
	if err != nil {
		t.Fatal(err)
	}
	e := montecarlo.NewEngine(m)
	e.Reset(3, 0)
	for i := 0; i < m.Steps(); i++ {
		e.Step()
		c := e.Counts(0)
		if c.Released+c.Emitted != c.Free+c.Bound+c.Transported+c.Degraded+c.Escaped {
			t.Fatalf("step %d: conservation broken: %+v", i, c)
		}
	}
	c := e.Counts(0)
	if c.Transported == 0 || c.Degraded == 0 || c.Free == 0 {
		t.Fatalf("expected uptake, clearance and free molecules: %+v", c)
	}
}

// TestShardsFreeDiffusion releases molecules on a block boundary of a
// sharded box: ⟨r²⟩ = 6Dt, and each half of the box holds a binomial half.
func TestShardsFreeDiffusion(t *testing.T) {
	const (
		n   = 20000
		d   = 0.5
		dur = 1.0
	)
	spec := montecarlo.Spec{
		Geometry: montecarlo.GeometrySpec{Kind: "box", Box: space.BoxSpec{Size: [3]float64{8, 8, 8}, Voxel: 0.1}},
		Species:  []montecarlo.SpeciesSpec{{Name: "a", D: d}},
		Releases: []montecarlo.ReleaseSpec{{Release: agents.Release{Species: "a", At: [3]float64{4.05, 4.05, 4.0001}, N: n}}},
		Run:      montecarlo.RunSpec{Dt: 0.005, Duration: dur, SampleInterval: dur, Replicates: 1, Shards: 16},
	}
	m, err := montecarlo.NewModel(spec)
	if err != nil {
		t.Fatal(err)
	}
	e := montecarlo.NewEngine(m)
	e.SetWorkers(2)
	e.Reset(5, 0)
	e.Run(func(float64, []float64) {})
	mol := e.Molecules()
	if mol.Len() != n {
		t.Fatalf("%d molecules, want %d", mol.Len(), n)
	}
	var r2, r4 float64
	above := 0
	for i := range mol.X {
		dx, dy, dz := mol.X[i]-4.05, mol.Y[i]-4.05, mol.Z[i]-4.0001
		s := dx*dx + dy*dy + dz*dz
		r2 += s
		r4 += s * s
		if mol.Z[i] > 4.0001 {
			above++
		}
	}
	mean := r2 / n
	se := math.Sqrt((r4/n - mean*mean) / n)
	want := 6 * d * dur
	if z := (mean - want) / se; math.Abs(z) > 4 {
		t.Errorf("⟨r²⟩ = %.4f ± %.4f µm², want %.4f (z = %.2f)", mean, se, want, z)
	}
	if z := (float64(above) - n/2) / math.Sqrt(n/4); math.Abs(z) > 4 {
		t.Errorf("%d of %d molecules above the release plane, want half (z = %.2f)", above, n, z)
	}
}

// The comparison of the CA1 synapse run as one block and as 4 blocks (peak
// open AMPA receptors and fraction transported within the combined
// standard error) is the validate row "CA1 synapse: 4 shards vs 1"
// (montecarlo/validate, run in full by mc validate in CI).

// TestShardsAndLongStepsRefused: impossible settings are refused before
// anything runs, naming the field.
func TestShardsAndLongStepsRefused(t *testing.T) {
	for _, tc := range []struct {
		name  string
		shard int
		long  int
		field string
	}{
		{"negative shards", -1, 0, "run.shards"},
		{"more shards than slices", 100, 0, "run.shards"},
		{"too many shards", 5000, 0, "run.shards"},
		{"negative long steps", 0, -2, "run.long_steps"},
		{"long steps beyond 255", 0, 300, "run.long_steps"},
		{"long steps not dividing the sample interval", 0, 7, "run.long_steps"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			spec := volumeBlockSpec(tc.shard)
			spec.Run.LongSteps = tc.long
			_, err := montecarlo.NewModel(spec)
			var fe *montecarlo.FieldError
			if !errors.As(err, &fe) || fe.Path != tc.field {
				t.Fatalf("error %v, want one for %s", err, tc.field)
			}
		})
	}
}
