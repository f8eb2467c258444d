package montecarlo

import (
	"fmt"
	"strings"
	"testing"

	"github.com/reuptake/reuptake/agents"
	"github.com/reuptake/reuptake/space"
)

func bathSpec(sched []BathStep) Spec {
	return Spec{
		Geometry: GeometrySpec{Kind: "box", Box: space.BoxSpec{Size: [3]float64{1, 1, 0.01}, Voxel: 0.01}},
		Species:  []SpeciesSpec{{Name: "inert", D: 1e-6}},
		Baths:    []BathSpec{{Name: "drug", Conc: ConcFromMolar(1e-6), Schedule: sched}},
		SiteTypes: []SiteTypeSpec{{Name: "r", Scheme: agents.Scheme{
			States: []string{"R", "RD"},
			Transitions: []agents.Transition{
				{From: "R", To: "RD", Kind: agents.Bind, Species: "drug", Rate: KOnFromMolar(1e9)},
				{From: "RD", To: "R", Kind: agents.Unbind, Species: "drug", Rate: 0.5},
			},
		}}},
		Placements: []PlacementSpec{{Site: "r", Region: "zmin", Count: 2000}},
		Run:        RunSpec{Dt: 0.01, Duration: 3, SampleInterval: 0.01},
	}
}

// TestBathUnbindAndSchedule: unbinding a clamped (bath) ligand returns it
// to the bath (it once indexed the diffusing species with −1 and
// panicked), and a scheduled concentration change switches binding off at
// exactly the scheduled time and back on later.
// The same with the sites spread over 4 spatial shards, each with its own
// bath clock.
func TestBathUnbindAndSchedule(t *testing.T) {
	for _, shards := range []int{1, 4} {
		t.Run(fmt.Sprintf("shards=%d", shards), func(t *testing.T) { testBathSchedule(t, shards) })
	}
}

func testBathSchedule(t *testing.T, shards int) {
	spec := bathSpec([]BathStep{{T: 1, Conc: 0}, {T: 2, Conc: ConcFromMolar(1e-6)}})
	spec.Run.Shards = shards
	m, err := NewModel(spec)
	if err != nil {
		t.Fatal(err)
	}
	if m.Shards() != shards {
		t.Fatalf("%d shards, want %d", m.Shards(), shards)
	}
	e := NewEngine(m)
	e.Reset(1, 0)
	prev := int64(0)
	var at1, at2 int64
	for e.step < m.Steps() {
		e.Step()
		bound := e.StateCounts(0)[1]
		tm := e.Time()
		if tm > 1+1e-9 && tm <= 2+1e-9 && bound > prev {
			t.Fatalf("t = %.2f ms: bound rose from %d to %d while the bath is at zero", tm, prev, bound)
		}
		if tm > 0.995 && tm < 1.005 {
			at1 = bound
		}
		if tm > 1.995 && tm < 2.005 {
			at2 = bound
		}
		prev = bound
	}
	if at1 == 0 || at2 >= at1 || prev <= at2 {
		t.Errorf("bound at 1 ms %d, at 2 ms %d, at 3 ms %d: want a rise, a washout and a rise", at1, at2, prev)
	}
	if c := e.Counts(0); c.Free != 0 || c.Released != 0 {
		t.Errorf("bath unbinding created diffusing molecules: %+v", c)
	}
}

func TestBathScheduleValidation(t *testing.T) {
	for _, c := range []struct {
		sched []BathStep
		want  string
	}{
		{[]BathStep{{T: 1, Conc: 0}, {T: 1, Conc: 1}}, "strictly ascending"},
		{[]BathStep{{T: -1, Conc: 0}}, "schedule[0].t"},
		{[]BathStep{{T: 1, Conc: -5}}, "schedule[0].concentration"},
	} {
		_, err := NewModel(bathSpec(c.sched))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("schedule %v: error %v, want one mentioning %q", c.sched, err, c.want)
		}
	}
}
