package montecarlo

import (
	"errors"
	"math"
	"testing"

	"github.com/reuptake/reuptake/agents"
	"github.com/reuptake/reuptake/space"
)

func sitesSpec(r ReleaseSpec, duration float64) Spec {
	return Spec{
		Geometry: GeometrySpec{Kind: "box", Box: space.BoxSpec{Size: [3]float64{10, 10, 10}, Voxel: 0.5}},
		Species:  []SpeciesSpec{{Name: "da", D: 0.3}},
		Releases: []ReleaseSpec{r},
		Run:      RunSpec{Dt: 0.01, Duration: duration, SampleInterval: 0.1, Replicates: 1},
	}
}

func TestReleaseLattice(t *testing.T) {
	r := ReleaseSpec{Release: agents.Release{Species: "da", N: 10, Times: []float64{0, 0.5}}, Sites: &ReleaseSites{Lattice: 2}}
	m, err := NewModel(sitesSpec(r, 1))
	if err != nil {
		t.Fatal(err)
	}
	e := NewEngine(m)
	e.Reset(1, 0)
	if got := len(e.ReleaseSites(0)); got != 125 {
		t.Fatalf("lattice of 2 µm in a 10 µm box: %d sites, want 125", got)
	}
	for i := 0; i < 50; i++ {
		e.Step()
	}
	if c := e.Counts(0); c.Released != 1250 {
		t.Fatalf("released %d by 0.5 ms, want 1250 (second train spike due in the step after 0.5 ms)", c.Released)
	}
	e.Step()
	if c := e.Counts(0); c.Released != 2500 {
		t.Fatalf("released %d, want 2500", c.Released)
	}
}

func TestReleaseDensityProbabilityDeterministic(t *testing.T) {
	const p = 0.06
	r := ReleaseSpec{Release: agents.Release{Species: "da", N: 5, Times: agents.Train(0, 4, 3), Probability: p},
		Sites: &ReleaseSites{Density: 0.104, Box: true, Min: [3]float64{0, 0, 0}, Max: [3]float64{10, 10, 5}}}
	spec := sitesSpec(r, 600)
	spec.Run.Dt, spec.Run.SampleInterval = 0.4, 100
	m, err := NewModel(spec)
	if err != nil {
		t.Fatal(err)
	}
	e := NewEngine(m)
	e.Reset(7, 3)
	sites := e.ReleaseSites(0)
	if len(sites) != 52 { // round(0.104 × 500)
		t.Fatalf("%d sites, want 52", len(sites))
	}
	for _, s := range sites {
		if s[2] >= 5 {
			t.Fatalf("site %v outside the box", s)
		}
	}
	ev := e.ReleaseEvents()
	e2 := NewEngine(m)
	e2.Reset(7, 3)
	if e2.ReleaseEvents() != ev || e2.ReleaseSites(0)[17] != sites[17] {
		t.Fatal("release sites or events differ for the same seed and replicate")
	}
	e2.Reset(7, 4)
	if e2.ReleaseSites(0)[17] == sites[17] {
		t.Fatal("random sites identical in another replicate")
	}
	// Events over many replicates: binomial(sites × spikes, p).
	var k, n int
	for rep := 0; rep < 200; rep++ {
		e.Reset(1, rep)
		k += e.ReleaseEvents()
		n += 52 * 3
	}
	if z := (float64(k) - p*float64(n)) / math.Sqrt(p*(1-p)*float64(n)); math.Abs(z) > 4 {
		t.Fatalf("%d events of %d, p = %g: z = %.2f", k, n, p, z)
	}
}

func TestReleaseSpontaneousAndPore(t *testing.T) {
	// Spontaneous only: 0.1 /s per site, 125 sites, 1000 ms: mean 12.5 events.
	r := ReleaseSpec{Release: agents.Release{Species: "da", N: 1}, Sites: &ReleaseSites{Lattice: 2}, Spontaneous: 1e-4}
	spec := sitesSpec(r, 1000)
	spec.Run.Dt, spec.Run.SampleInterval = 0.4, 100
	m, err := NewModel(spec)
	if err != nil {
		t.Fatal(err)
	}
	e := NewEngine(m)
	total := 0
	const reps = 100
	for rep := 0; rep < reps; rep++ {
		e.Reset(2, rep)
		total += e.ReleaseEvents()
	}
	mu := 125 * 1e-4 * 1000 * reps
	if z := (float64(total) - mu) / math.Sqrt(mu); math.Abs(z) > 4 {
		t.Fatalf("%d spontaneous events, want Poisson(%g): z = %.2f", total, mu, z)
	}
	// Fusion pore: 2000 molecules over 0.2 ms from t = 0.1 ms.
	r = ReleaseSpec{Release: agents.Release{Species: "da", N: 2000, At: [3]float64{5, 5, 5}, Times: []float64{0.1}}, Pore: 0.2}
	m, err = NewModel(sitesSpec(r, 1))
	if err != nil {
		t.Fatal(err)
	}
	e = NewEngine(m)
	e.Reset(1, 0)
	for i := 0; i < 20; i++ { // to 0.2 ms: half the pore time
		e.Step()
	}
	if got := e.Counts(0).Released; math.Abs(float64(got)-1000) > 4*math.Sqrt(500) {
		t.Fatalf("%d molecules released halfway through the pore, want about 1000", got)
	}
	for i := 0; i < 10; i++ {
		e.Step()
	}
	if got := e.Counts(0).Released; got != 2000 {
		t.Fatalf("%d molecules released after the pore closed, want 2000", got)
	}
}

func TestReleaseSitesRefused(t *testing.T) {
	for name, r := range map[string]ReleaseSpec{
		"release[0].sites.box":     {Release: agents.Release{Species: "da", N: 1}, Sites: &ReleaseSites{Lattice: 1, Box: true, Min: [3]float64{20, 0, 0}, Max: [3]float64{30, 1, 1}}},
		"release[0].sites":         {Release: agents.Release{Species: "da", N: 1}, Sites: &ReleaseSites{}},
		"release[0].sites.region":  {Release: agents.Release{Species: "da", N: 1}, Sites: &ReleaseSites{Lattice: 1, Region: "nope"}},
		"release[0].at":            {Release: agents.Release{Species: "da", N: 1, At: [3]float64{11, 0, 0}}, Pore: 0.1},
		"release[0].spontaneous":   {Release: agents.Release{Species: "da", N: 1}, Sites: &ReleaseSites{Lattice: 1}, Spontaneous: -1},
		"release[0].sites.lattice": {Release: agents.Release{Species: "da", N: 1}, Sites: &ReleaseSites{Lattice: 20}},
	} {
		_, err := NewModel(sitesSpec(r, 1))
		var fe *FieldError
		if !errors.As(err, &fe) || fe.Path != name {
			t.Errorf("%s: got %v", name, err)
		}
	}
	spec := sitesSpec(ReleaseSpec{Release: agents.Release{Species: "da", N: 1, At: [3]float64{5, 5, 5}}}, 1)
	spec.Observables = []ObservableSpec{{Kind: "concentration_at", Species: "da", At: [3]float64{12, 0, 0}, Radius: 0.1}}
	var fe *FieldError
	if _, err := NewModel(spec); !errors.As(err, &fe) || fe.Path != "observables[0].at" {
		t.Errorf("probe outside: got %v", err)
	}
	spec.Observables[0].At = [3]float64{5, 5, 5}
	spec.Observables[0].Name = "free_total"
	if _, err := NewModel(spec); !errors.As(err, &fe) || fe.Path != "observables[0].name" {
		t.Errorf("probe name clash: got %v", err)
	}
}

func TestProbeUniform(t *testing.T) {
	// 200000 molecules uniform in a 10 µm box with α = 0.5: the probe reads
	// N/(α·V_box) on average.
	spec := sitesSpec(ReleaseSpec{Release: agents.Release{Species: "da", N: 0, At: [3]float64{5, 5, 5}}}, 0.1)
	spec.Regions = []RegionSpec{{Name: "box", Alpha: 0.5}}
	spec.Observables = []ObservableSpec{{Kind: "concentration_at", Species: "da", At: [3]float64{3.3, 5.1, 6.2}, Radius: 1, Name: "c"}}
	m, err := NewModel(spec)
	if err != nil {
		t.Fatal(err)
	}
	e := NewEngine(m)
	e.Reset(1, 0)
	rng := NewStream(99)
	const n = 200000
	for i := 0; i < n; i++ {
		e.AddMolecule([3]float64{10 * rng.Float64(), 10 * rng.Float64(), 10 * rng.Float64()}, 0)
	}
	v := e.sample()[m.Column("c")]
	want := ConcToMicroMolar(n / (0.5 * 1000))
	mu := n * (4 * math.Pi / 3) / 1000
	if z := (v - want) / (want / math.Sqrt(mu)); math.Abs(z) > 4 {
		t.Fatalf("probe %g µM, want %g: z = %.2f", v, want, z)
	}
}
