package benchmarks

import (
	"github.com/reuptake/reuptake/agents"
	"github.com/reuptake/reuptake/montecarlo"
	"github.com/reuptake/reuptake/space"
)

// ca1Spec is a CA1-like cleft (see montecarlo/modelfile presets for the documented version).
func ca1Spec() montecarlo.Spec {
	ampa := agents.Scheme{
		States:     []string{"C0", "C1", "C2", "O", "C3", "C4", "C5"},
		Conducting: []string{"O"},
		Transitions: []agents.Transition{
			{From: "C0", To: "C1", Kind: agents.Bind, Species: "glu", Rate: montecarlo.KOnFromMolar(4.59e6)},
			{From: "C1", To: "C0", Kind: agents.Unbind, Species: "glu", Rate: 4.26},
			{From: "C1", To: "C2", Kind: agents.Bind, Species: "glu", Rate: montecarlo.KOnFromMolar(28.4e6)},
			{From: "C2", To: "C1", Kind: agents.Unbind, Species: "glu", Rate: 3.26},
			{From: "C2", To: "O", Kind: agents.FirstOrder, Rate: 4.24},
			{From: "O", To: "C2", Kind: agents.FirstOrder, Rate: 0.90},
			{From: "C1", To: "C3", Kind: agents.FirstOrder, Rate: 2.89},
			{From: "C3", To: "C1", Kind: agents.FirstOrder, Rate: 0.0392},
			{From: "C2", To: "C4", Kind: agents.FirstOrder, Rate: 0.172},
			{From: "C4", To: "C2", Kind: agents.FirstOrder, Rate: 0.000727},
			{From: "O", To: "C5", Kind: agents.FirstOrder, Rate: 0.0177},
			{From: "C5", To: "O", Kind: agents.FirstOrder, Rate: 0.004},
			{From: "C3", To: "C4", Kind: agents.Bind, Species: "glu", Rate: montecarlo.KOnFromMolar(1.27e6)},
			{From: "C4", To: "C3", Kind: agents.Unbind, Species: "glu", Rate: 0.0457},
			{From: "C4", To: "C5", Kind: agents.FirstOrder, Rate: 0.0168},
			{From: "C5", To: "C4", Kind: agents.FirstOrder, Rate: 0.1904},
		},
	}
	glt := agents.Scheme{
		States: []string{"To", "ToS", "TiS", "Ti"},
		Transitions: []agents.Transition{
			{From: "To", To: "ToS", Kind: agents.Bind, Species: "glu", Rate: montecarlo.KOnFromMolar(1e7)},
			{From: "ToS", To: "To", Kind: agents.Unbind, Species: "glu", Rate: 0.1},
			{From: "ToS", To: "TiS", Kind: agents.FirstOrder, Rate: 0.1},
			{From: "TiS", To: "Ti", Kind: agents.Transport, Species: "glu", Rate: 1},
			{From: "Ti", To: "To", Kind: agents.FirstOrder, Rate: 0.014},
		},
	}
	return montecarlo.Spec{
		Geometry: montecarlo.GeometrySpec{Kind: "cleft", Cleft: space.CleftSpec{Voxel: 0.01, Width: 0.02, SynapseRadius: 0.15, PSDRadius: 0.115,
			MembraneRadius: 0.4, HalfWidth: 0.6, HalfHeight: 0.3}},
		Species:    []montecarlo.SpeciesSpec{{Name: "glu", D: 0.33}},
		SiteTypes:  []montecarlo.SiteTypeSpec{{Name: "ampa", Scheme: ampa, Conductance: 10, DrivingForce: -70}, {Name: "glt1", Scheme: glt}},
		Placements: []montecarlo.PlacementSpec{{Site: "ampa", Region: "psd", Count: 80}, {Site: "glt1", Region: "peri", Density: 5000}},
		Releases:   []montecarlo.ReleaseSpec{{Release: agents.Release{Species: "glu", N: 3000}, AtCleft: true}},
		Run:        montecarlo.RunSpec{Dt: 1e-4, Duration: 2, SampleInterval: 0.01, Replicates: 4, Seed: 1},
	}
}
