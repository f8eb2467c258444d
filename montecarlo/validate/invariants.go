package validate

import (
	"context"
	"fmt"
	"math"

	"github.com/reuptake/reuptake/agents"
	"github.com/reuptake/reuptake/montecarlo"
	"github.com/reuptake/reuptake/space"
)

// ca1Spec is a CA1-like glutamatergic synapse (docs/parameters.md §A2: 20 nm
// cleft, 3000 glutamate, 80 AMPA receptors on the PSD, glial transporters
// on the perisynaptic ring) with every bookkeeping path switched on:
// binding and unbinding, transport, emission (reverse transport), volume
// degradation and escape at the absorbing boundary.
// n is the mean number of molecules per release (two releases, Poisson).
func ca1Spec(duration, n float64) montecarlo.Spec {
	glt := agents.Scheme{
		States: []string{"To", "ToS", "TiS", "Ti"},
		Transitions: []agents.Transition{
			{From: "To", To: "ToS", Kind: agents.Bind, Species: "glu", Rate: montecarlo.KOnFromMolar(1e7)},
			{From: "ToS", To: "To", Kind: agents.Unbind, Species: "glu", Rate: 0.1},
			{From: "ToS", To: "TiS", Kind: agents.FirstOrder, Rate: 1},
			{From: "TiS", To: "Ti", Kind: agents.Transport, Species: "glu", Rate: 1},
			{From: "Ti", To: "To", Kind: agents.FirstOrder, Rate: 0.014},
			{From: "Ti", To: "To", Kind: agents.Emit, Species: "glu", Rate: 2},
		},
	}
	return montecarlo.Spec{
		Name: "ca1-validate",
		Geometry: montecarlo.GeometrySpec{Kind: "cleft", Cleft: space.CleftSpec{Voxel: 0.01, Width: 0.02, SynapseRadius: 0.15, PSDRadius: 0.115,
			MembraneRadius: 0.3, HalfWidth: 0.45, HalfHeight: 0.2}},
		Species:      []montecarlo.SpeciesSpec{{Name: "glu", D: 0.33}},
		SiteTypes:    []montecarlo.SiteTypeSpec{{Name: "ampa", Scheme: jonasScheme("glu"), Conductance: 10, DrivingForce: -70}, {Name: "glt1", Scheme: glt}},
		Placements:   []montecarlo.PlacementSpec{{Site: "ampa", Region: "psd", Count: 80}, {Site: "glt1", Region: "peri", Density: 5000}},
		Releases:     []montecarlo.ReleaseSpec{{Release: agents.Release{Species: "glu", N: n, Times: []float64{0, 0.2}, Dist: agents.Poisson}, AtCleft: true}},
		Degradations: []montecarlo.DegradationSpec{{Species: "glu", Region: space.RegionCleft, Rate: 1}},
		Run:          montecarlo.RunSpec{Dt: 1e-4, Duration: duration, SampleInterval: 0.01, Replicates: 8, Seed: 1},
	}
}

// checkConservation steps CA1-like replicates and checks after every
// step that released + emitted = free + bound + transported + degraded +
// escaped, exactly (Engine.Counts).
func checkConservation(seed uint64) []Result {
	m, err := montecarlo.NewModel(ca1Spec(0.5, 3000))
	if err != nil {
		return modelError("conservation", err)
	}
	e := montecarlo.NewEngine(m)
	var checked, bad int64
	var last montecarlo.Counts
	var fates [6]int64
	for rep := 0; rep < 3; rep++ {
		e.Reset(seed, rep)
		for s := 0; s < m.Steps(); s++ {
			e.Step()
			c := e.Counts(0)
			checked++
			if c.Released+c.Emitted != c.Free+c.Bound+c.Transported+c.Degraded+c.Escaped {
				bad++
			}
			last = c
		}
		for i, v := range []int64{last.Free, last.Bound, last.Transported, last.Degraded, last.Escaped, last.Emitted} {
			fates[i] += v
		}
	}
	detail := fmt.Sprintf("%d steps checked; totals of 3 replicates at 0.5 ms: free %d, bound %d, transported %d, degraded %d, escaped %d, emitted %d",
		checked, fates[0], fates[1], fates[2], fates[3], fates[4], fates[5])
	out := []Result{exact("steps violating released+emitted = free+bound+transported+degraded+escaped", 0, float64(bad), detail)}
	// Every fate must actually occur, or the identity is vacuous.
	used := 0.0
	for _, v := range fates {
		if v > 0 {
			used++
		}
	}
	out = append(out, exact("fates exercised (free, bound, transported, degraded, escaped, emitted)", 6, used, "each bookkeeping path is non-zero"))
	return out
}

// checkDeterminism runs the same CA1-like replicates with Runner{Workers:
// 1, 2, 8} and on fresh engines (RunReplicate) and compares every sample
// and summary value bit for bit (docs/design.md §4.1).
func checkDeterminism(seed uint64) []Result {
	m, err := montecarlo.NewModel(ca1Spec(0.2, 500))
	if err != nil {
		return modelError("determinism", err)
	}
	reps := []int{0, 1, 2, 3, 4, 5, 6, 7}
	collect := func(workers int) ([]montecarlo.Replicate, error) {
		var out []montecarlo.Replicate
		err := montecarlo.Runner{Workers: workers}.Run(context.Background(), m, seed, reps, func(r montecarlo.Replicate) error {
			out = append(out, r)
			return nil
		})
		return out, err
	}
	ref, err := collect(1)
	if err != nil {
		return modelError("determinism", err)
	}
	var out []Result
	for _, w := range []int{2, 8, 0} {
		var got []montecarlo.Replicate
		label := fmt.Sprintf("Workers = %d", w)
		if w == 0 {
			label = "fresh engines (RunReplicate)"
			for _, r := range reps {
				got = append(got, montecarlo.RunReplicate(m, seed, r))
			}
		} else if got, err = collect(w); err != nil {
			return modelError("determinism", err)
		}
		diff, total := compareReplicates(ref, got)
		out = append(out, exact("values differing from Workers = 1, "+label, 0, float64(diff),
			fmt.Sprintf("%d values (8 replicates: every sample row, time and summary) compared bit for bit", total)))
	}
	// The replicates must differ from each other (distinct streams).
	same := 0.0
	if len(ref) > 1 && equalBits(ref[0].Rows[len(ref[0].Rows)-1], ref[1].Rows[len(ref[1].Rows)-1]) {
		same = 1
	}
	out = append(out, exact("replicates 0 and 1 identical", 0, same, "distinct replicates have distinct streams"))
	return out
}

// compareReplicates counts the values of b that differ bit for bit from
// a (a missing value counts as different).
func compareReplicates(a, b []montecarlo.Replicate) (diff, total int) {
	if len(a) != len(b) {
		return len(a) + len(b), len(a)
	}
	for i := range a {
		if a[i].Index != b[i].Index {
			diff++
		}
		x, y := flatten(a[i]), flatten(b[i])
		total += len(x)
		if len(x) != len(y) {
			diff += len(x)
			continue
		}
		for j := range x {
			if math.Float64bits(x[j]) != math.Float64bits(y[j]) {
				diff++
			}
		}
	}
	return diff, total
}

func flatten(r montecarlo.Replicate) []float64 {
	out := append([]float64(nil), r.T...)
	for _, row := range r.Rows {
		out = append(out, row...)
	}
	return append(out, r.Summary...)
}

func equalBits(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.Float64bits(a[i]) != math.Float64bits(b[i]) {
			return false
		}
	}
	return true
}
