package montecarlo

import (
	"errors"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/reuptake/reuptake/agents"
)

// TestNewModelJoinsFieldErrors: NewModel reports every independent
// mistake of a Spec, one *FieldError each in the order of the Spec's
// fields, and an unknown name comes with the names it could be.
func TestNewModelJoinsFieldErrors(t *testing.T) {
	for _, tc := range []struct {
		name  string
		edit  func(*Spec)
		paths []string
		want  []string
	}{
		{"unknown names", func(s *Spec) {
			s.Species[0].DRegion = map[string]float64{"clft": 0.2}
			s.Placements[1].Site = "w"
			s.Placements[2].State = "RX"
		}, []string{"species[0].D_region.clft", "placement[1].site", "placement[2].state"},
			[]string{`no volume region "clft" in a cleft geometry (regions: cleft, perisynaptic, extrasynaptic)`,
				`unknown site type "w" (site types: r, v)`, `unknown state "RX" (states: `}},
		{"species and baths", func(s *Spec) {
			s.Species[0].D = -1
			s.Species = append(s.Species, SpeciesSpec{Name: "glu", D: 0.3})
			s.Baths[0].Conc = -1
		}, []string{"species[0].D", "species[1].name", "baths[0].concentration"},
			[]string{"must be a positive number", `"glu" is already defined at species[0]`, "must be a non-negative number"}},
		{"two site types", func(s *Spec) {
			s.SiteTypes[0].Conductance = -1
			s.SiteTypes[1].Conductance = -2
		}, []string{"sites[0].conductance", "sites[1].conductance"},
			[]string{"got -1", "got -2"}},
		{"three placements", func(s *Spec) {
			s.Placements[0].Count = -1
			s.Placements[1].Count = 1 << 20
			s.Placements[4].Count = -3
		}, []string{"placement[0].count", "placement[1].count", "placement[4].count"},
			[]string{"got -1", "do not fit", "got -3"}},
		{"run", func(s *Spec) {
			s.Run.Duration = -1
			s.Run.SampleInterval = math.NaN()
			s.Run.Replicates = -2
		}, []string{"run.duration", "run.sample_interval", "run.replicates"},
			[]string{"got -1", "got NaN", "got -2"}},
		{"two releases", func(s *Spec) {
			s.Releases = []ReleaseSpec{
				{Release: agents.Release{Species: "glu", At: [3]float64{0, 0, 0.05}, N: 10}},
				{Release: agents.Release{Species: "glu", N: 10, Probability: 2}},
			}
		}, []string{"release[0].at", "release[1].probability"},
			[]string{"not in the extracellular space", "must be in (0, 1]"}},
		{"sites, release and run", func(s *Spec) {
			s.Placements[0].Count = 1 << 20
			s.Releases = []ReleaseSpec{{Release: agents.Release{Species: "glu", At: [3]float64{0, 0, 0.05}, N: 10}}}
			s.Run.SampleInterval = 0.02
		}, []string{"placement[0].count", "release[0].at", "run.sample_interval"},
			[]string{"do not fit", "not in the extracellular space", "longer than run.duration"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := occupancyCleft()
			tc.edit(&s)
			_, err := NewModel(s)
			if err == nil {
				t.Fatal("no error")
			}
			j, ok := err.(interface{ Unwrap() []error })
			if !ok {
				t.Fatalf("error %T does not join several errors: %v", err, err)
			}
			errs := j.Unwrap()
			if len(errs) != len(tc.paths) {
				t.Fatalf("%d errors, want %d:\n%v", len(errs), len(tc.paths), err)
			}
			for i, e := range errs {
				var fe *FieldError
				if !errors.As(e, &fe) || fe.Path != tc.paths[i] || !strings.Contains(fe.Msg, tc.want[i]) {
					t.Errorf("error %d: got %v, want %s: ...%s...", i, e, tc.paths[i], tc.want[i])
				}
			}
		})
	}
	// The unknown name and the known ones travel with the error.
	s := occupancyCleft()
	s.Placements[1].Site = "w"
	_, err := NewModel(s)
	var fe *FieldError
	if !errors.As(err, &fe) || fe.Name != "w" || !slices.Equal(fe.Known, []string{"r", "v"}) {
		t.Errorf("got %#v, want Name w and Known [r v]", fe)
	}
}
