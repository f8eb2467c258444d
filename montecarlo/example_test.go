package montecarlo_test

import (
	"context"
	"fmt"
	"math"

	"github.com/reuptake/reuptake/agents"
	"github.com/reuptake/reuptake/montecarlo"
	"github.com/reuptake/reuptake/space"
)

// Build a model with the Go API and run replicates on the worker pool.
// Results depend only on the model, the seed and the replicate index.
func ExampleRunner() {
	spec := montecarlo.Spec{
		Geometry: montecarlo.GeometrySpec{Kind: "box", Box: space.BoxSpec{Size: [3]float64{0.5, 0.5, 0.1}, Voxel: 0.02}},
		Species:  []montecarlo.SpeciesSpec{{Name: "glu", D: 0.33}},
		SiteTypes: []montecarlo.SiteTypeSpec{{Name: "r", Scheme: agents.Scheme{
			States: []string{"R", "RL"},
			Transitions: []agents.Transition{
				{From: "R", To: "RL", Kind: agents.Bind, Species: "glu", Rate: montecarlo.KOnFromMolar(5e6)},
				{From: "RL", To: "R", Kind: agents.Unbind, Species: "glu", Rate: 5},
			}}}},
		Placements: []montecarlo.PlacementSpec{{Site: "r", Region: "zmin", Count: 50}},
		Releases:   []montecarlo.ReleaseSpec{{Release: agents.Release{Species: "glu", At: [3]float64{0.25, 0.25, 0.05}, N: 1000}}},
		Run:        montecarlo.RunSpec{Dt: 1e-4, Duration: 0.1, SampleInterval: 0.05},
	}
	m, err := montecarlo.NewModel(spec)
	if err != nil {
		fmt.Println(err)
		return
	}
	var one, four []montecarlo.Replicate
	collect := func(dst *[]montecarlo.Replicate) func(montecarlo.Replicate) error {
		return func(r montecarlo.Replicate) error { *dst = append(*dst, r); return nil }
	}
	montecarlo.Runner{Workers: 1}.Run(context.Background(), m, 7, []int{0, 1, 2, 3}, collect(&one))
	montecarlo.Runner{Workers: 4}.Run(context.Background(), m, 7, []int{0, 1, 2, 3}, collect(&four))
	same := true
	for i := range one {
		for k := range one[i].Summary {
			a, b := one[i].Summary[k], four[i].Summary[k]
			same = same && (a == b || math.IsNaN(a) && math.IsNaN(b)) // NaN: a half-clearance never reached
		}
	}
	released := m.Column("released")
	last := one[0].Rows[len(one[0].Rows)-1]
	fmt.Println("columns:", len(m.Columns()), "samples:", len(one[0].T))
	fmt.Println("released:", last[released])
	fmt.Println("1 and 4 workers agree:", same)
	// Output:
	// columns: 10 samples: 3
	// released: 1000
	// 1 and 4 workers agree: true
}
