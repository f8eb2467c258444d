package montecarlo_test

import (
	"fmt"
	"math"
	"testing"

	"github.com/reuptake/reuptake/montecarlo"
	"github.com/reuptake/reuptake/montecarlo/modelfile"
)

// reconcileOver: the default preset with every event and a snapshot at
// every sample; the transporter cycle is made fast (200 /ms) so that
// uptake happens in the short run.
var reconcileOver = []string{
	"run.duration=0.08 ms", "run.sample_interval=0.005 ms", "release[0].molecules=500",
	"sites.glt1.scheme.transitions[2].rate=200 /ms", "sites.glt1.scheme.transitions[3].rate=200 /ms",
	"output.events=all", "output.snapshots.every=0.005 ms",
}

// TestEventsReconcile replays the events of replicates (unsharded and in 3
// shards) and checks, exactly and at every sample, that they account for
// the counts the engine reports: released, transported and escaped
// molecules; per site type, bind − unbind − transport − degrade = bound;
// every site state count, from the sites at t = 0 and each event's
// from/to states; and the set of free molecule ids, from release, bind,
// unbind and escape events, equals the ids in the snapshot (so ids are
// unique and follow a molecule across binding and across shards).
//
// The NMJ preset adds volume sites (acetylcholinesterase) that degrade
// the molecules they bind; the dopamine preset volume sites and emission.
func TestEventsReconcile(t *testing.T) {
	cases := []struct {
		preset string
		over   []string
		need   []montecarlo.EventKind
	}{
		{modelfile.DefaultPreset, reconcileOver, []montecarlo.EventKind{montecarlo.EventRelease, montecarlo.EventBind,
			montecarlo.EventUnbind, montecarlo.EventTransport, montecarlo.EventTransition}},
		{"nmj-ach", []string{"run.duration=0.05 ms", "output.events=all", "output.snapshots.every=0.005 ms"},
			[]montecarlo.EventKind{montecarlo.EventRelease, montecarlo.EventBind, montecarlo.EventDegrade}},
		{"dopamine-striatum", []string{"run.duration=0.1 ms", "output.events=all", "output.snapshots.every=0.02 ms"},
			[]montecarlo.EventKind{montecarlo.EventRelease}},
	}
	for _, c := range cases {
		for _, shards := range []int{1, 3} {
			t.Run(fmt.Sprintf("%s/shards=%d", c.preset, shards), func(t *testing.T) {
				if testing.Short() && c.preset != modelfile.DefaultPreset {
					t.Skip("short: the default preset only")
				}
				over := append(append([]string(nil), c.over...), fmt.Sprintf("run.shards=%d", shards))
				m, err := modelfile.LoadPreset(c.preset, over...)
				if err != nil {
					t.Fatal(err)
				}
				for rep := range 2 {
					reconcile(t, m, montecarlo.RunReplicate(m, 5, rep), c.need)
				}
			})
		}
	}
}

func reconcile(t *testing.T, m *montecarlo.Model, r montecarlo.Replicate, need []montecarlo.EventKind) {
	t.Helper()
	defer r.Release()
	col := func(name string) int {
		c := m.Column(name)
		if c < 0 {
			t.Fatalf("no column %s", name)
		}
		return c
	}
	var events []montecarlo.Event
	r.Tape.Events.Each(func(e *montecarlo.Event) error { events = append(events, *e); return nil })
	snaps := map[float64][]montecarlo.MoleculeRow{}
	r.Tape.Molecules.Each(func(x *montecarlo.MoleculeRow) error { snaps[x.T] = append(snaps[x.T], *x); return nil })
	sites := map[float64][]montecarlo.SiteRow{}
	r.Tape.Sites.Each(func(x *montecarlo.SiteRow) error { sites[x.T] = append(sites[x.T], *x); return nil })

	types := m.SiteTypeNames()
	// State counts at t = 0, from the sites table.
	state := make([][]int64, len(types))
	for ty := range types {
		state[ty] = make([]int64, len(m.StateNames(ty)))
	}
	if len(sites[0]) == 0 {
		t.Fatal("no sites at t = 0")
	}
	for _, s := range sites[0] {
		state[s.SiteType][s.State]++
	}
	free := map[int64]bool{}
	var released, transported, escaped, degraded int64
	bound := make([]int64, len(types))
	kinds := map[montecarlo.EventKind]int{}
	k := 0
	for i, tm := range r.T {
		// Events up to the sample; a release at time T enters the medium
		// in the first step whose end time, k·dt in floating point, is
		// above T.
		raw := math.Round(tm/m.Dt) * m.Dt
		for ; k < len(events) && (events[k].T <= tm*(1+1e-12) && events[k].Kind != montecarlo.EventRelease || events[k].Kind == montecarlo.EventRelease && events[k].T < raw); k++ {
			e := events[k]
			kinds[e.Kind]++
			if e.Site >= 0 {
				state[e.SiteType][e.From]--
				state[e.SiteType][e.To]++
			}
			switch e.Kind {
			case montecarlo.EventRelease:
				released++
				if free[e.Molecule] {
					t.Fatalf("molecule %d released twice", e.Molecule)
				}
				free[e.Molecule] = true
			case montecarlo.EventBind:
				bound[e.SiteType]++
				if !free[e.Molecule] {
					t.Fatalf("t=%g: bound molecule %d was not free", e.T, e.Molecule)
				}
				delete(free, e.Molecule)
			case montecarlo.EventUnbind:
				bound[e.SiteType]--
				if free[e.Molecule] {
					t.Fatalf("t=%g: unbound molecule %d was already free", e.T, e.Molecule)
				}
				free[e.Molecule] = true
			case montecarlo.EventTransport:
				bound[e.SiteType]--
				transported++
				if free[e.Molecule] || e.Molecule < 0 {
					t.Fatalf("t=%g: transported molecule %d is free or unknown", e.T, e.Molecule)
				}
			case montecarlo.EventEscape:
				escaped++
				if !free[e.Molecule] {
					t.Fatalf("t=%g: escaped molecule %d was not free", e.T, e.Molecule)
				}
				delete(free, e.Molecule)
			case montecarlo.EventDegrade:
				if e.Site >= 0 {
					bound[e.SiteType]--
					if free[e.Molecule] || e.Molecule < 0 {
						t.Fatalf("t=%g: molecule %d degraded by a site is free or unknown", e.T, e.Molecule)
					}
				} else {
					if !free[e.Molecule] {
						t.Fatalf("t=%g: degraded molecule %d was not free", e.T, e.Molecule)
					}
					delete(free, e.Molecule)
				}
				degraded++
			case montecarlo.EventEmit:
				if free[e.Molecule] {
					t.Fatalf("t=%g: emitted molecule %d was already free", e.T, e.Molecule)
				}
				free[e.Molecule] = true
			}
		}
		row := r.Rows[i]
		for _, c := range []struct {
			name string
			got  int64
		}{{"released", released}, {"transported", transported}, {"escaped", escaped}, {"degraded", degraded}} {
			if want := int64(row[col(c.name)]); c.got != want {
				t.Fatalf("t=%g: %s from events %d, engine %d", tm, c.name, c.got, want)
			}
		}
		for ty, name := range types {
			if c := m.Column("bound_" + name); c >= 0 && bound[ty] != int64(row[c]) {
				want := int64(row[c])
				t.Fatalf("t=%g: bind − unbind − transport − degrade on %s = %d, bound_%s = %d", tm, name, bound[ty], name, want)
			}
			for st, sn := range m.StateNames(ty) {
				if want := int64(row[col(name+"_"+sn)]); state[ty][st] != want {
					t.Fatalf("t=%g: %s sites in %s from events %d, engine %d", tm, name, sn, state[ty][st], want)
				}
			}
		}
		snap := snaps[tm]
		if want := int64(row[col("free_total")]); int64(len(snap)) != want {
			t.Fatalf("t=%g: %d snapshot rows, free_total %d", tm, len(snap), want)
		}
		if len(free) != len(snap) {
			t.Fatalf("t=%g: %d free ids from events, %d in the snapshot", tm, len(free), len(snap))
		}
		for _, x := range snap {
			if !free[x.Molecule] {
				t.Fatalf("t=%g: snapshot molecule %d is not free by the events", tm, x.Molecule)
			}
		}
		if len(sites[tm]) != len(sites[0]) {
			t.Fatalf("t=%g: %d site rows, want %d", tm, len(sites[tm]), len(sites[0]))
		}
	}
	if k != len(events) {
		t.Fatalf("%d events after the last sample", len(events)-k)
	}
	for _, kd := range need {
		if kinds[kd] == 0 {
			t.Errorf("no %v events: the test does not exercise them", kd)
		}
	}
}
