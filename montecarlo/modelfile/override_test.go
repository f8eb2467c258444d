package modelfile

import (
	"fmt"
	"strings"
	"testing"

	"github.com/reuptake/reuptake/montecarlo"
)

func TestOverrides(t *testing.T) {
	text := []byte(smallModel())
	s, err := ParseWithOverrides("m.yaml", []byte(strings.Replace(string(text), "    time: 0 ms\n", "", 1)+"\n"), []string{
		"run.duration=5 ms",
		"species.glu.D=0.2 um^2/ms",
		"species.glu.D_region.cleft = 0.25 um^2/ms",
		"species[0].D_region.extrasynaptic=0.3 um^2/ms",
		"placement[1].density=2000 /um^2",
		"sites.glt1.scheme.transitions[0].rate=2e7 /M/s",
		"sites.ampa.scheme.transitions[0].rate=1e7 /M/s",
		"sites.ampa.scheme.transitions[1]=C1 -> C0 unbind glu 5 /ms",
		"baths.drug.concentration=10 uM",
		"release[0].train={frequency: 20 Hz, count: 2}",
		"run.dt=0.05 us",
		"name=renamed",
	})
	if err != nil {
		t.Fatal(err)
	}
	checks := []struct {
		name      string
		got, want float64
	}{
		{"duration", s.Run.Duration, 5},
		{"D", s.Species[0].D, 0.2},
		{"D cleft", s.Species[0].DRegion["cleft"], 0.25},
		{"D extrasynaptic", s.Species[0].DRegion["extrasynaptic"], 0.3},
		{"density", s.Placements[1].Density, 2000},
		{"glt1 k_on", s.SiteTypes[1].Scheme.Transitions[0].Rate, montecarlo.KOnFromMolar(2e7)},
		{"ampa k_on", s.SiteTypes[0].Scheme.Transitions[0].Rate, montecarlo.KOnFromMolar(1e7)},
		{"ampa k_off", s.SiteTypes[0].Scheme.Transitions[1].Rate, 5},
		{"drug", s.Baths[0].Conc, montecarlo.ConcFromMolar(10e-6)},
		{"train", float64(len(s.Releases[0].Times)), 2},
		{"train interval", s.Releases[0].Times[1], 50},
		{"dt", s.Run.Dt, 5e-5},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}
	if s.Name != "renamed" || s.SiteTypes[0].Scheme.Transitions[0].From != "C0" || s.SiteTypes[0].Scheme.Transitions[0].Species != "glu" {
		t.Errorf("spec %+v", s)
	}
}

func TestOverrideErrors(t *testing.T) {
	text := []byte(smallModel())
	for _, tc := range []struct {
		ov   string
		want []string
	}{
		{"run.durtion=5 ms", []string{"--set run.durtion=5 ms: run.durtion: no such field", `did you mean "duration"`, "nearest: duration"}},
		{"species.gly.D=1 um^2/ms", []string{"species.gly: no item named \"gly\"", `did you mean "glu"`, "names: glu"}},
		{"placement[5].density=1 /um^2", []string{"placement: has 2 items ([0] to [1])"}},
		{"placement.glt1.density=1 /um^2", []string{"address its items by index", "placement[0]"}},
		{"run[0]=1", []string{"is a mapping, not a list"}},
		{"run.duration=5", []string{"--set run.duration=5: run.duration: \"5\" has no unit: expected a time"}},
		{"run.duration.x=5", []string{"is a single value"}},
		{"geometry.size=[1 um, 1 um, 1 um]", []string{"--set geometry.size=[1 um, 1 um, 1 um]: geometry.size: size is not a field of a cleft geometry"}},
		{"run..duration=5 ms", []string{"malformed key"}},
		{"=5 ms", []string{"empty key"}},
		{"run.duration", []string{"key=value"}},
		{"sites.ampa.scheme.transitions[0].rte=1 /M/s", []string{"no such field", `did you mean "rate"`}},
		{"sites.ampa.scheme.transitions[0].rate=1 /ms", []string{"sites[0].scheme.transitions[0].rate", "bimolecular"}},
		{"release[0].train.frequency=10 Hz", []string{"not time and train"}},
		{"release[0].time=", []string{"--set release[0].time=: release[0].time: empty value: expected a time"}},
		{"placement[0].count.x=1", []string{"is a single value"}},
		{"release[0].times[0]=1 ms", []string{"release[0].times: is not in the model file"}},
	} {
		_, err := ParseWithOverrides("m.yaml", text, []string{tc.ov})
		if err == nil {
			t.Errorf("%s: no error", tc.ov)
			continue
		}
		for _, w := range tc.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: %q does not mention %q", tc.ov, err, w)
			}
		}
	}
	// Semantic errors in an overridden value point at the override.
	_, err := LoadBytes("m.yaml", text, "geometry.psd_radius=0.5 um")
	if err == nil || !strings.HasPrefix(err.Error(), "--set geometry.psd_radius=0.5 um: geometry.psd_radius: ") {
		t.Errorf("got %v", err)
	}
}

func TestSet(t *testing.T) {
	spec, src, err := Parse("m.yaml", []byte(smallModel()))
	if err != nil {
		t.Fatal(err)
	}
	if err := Set(&spec, src, "run.duration", "1 ms"); err != nil {
		t.Fatal(err)
	}
	if err := Set(&spec, src, "species.glu.D", "0.5 um^2/ms"); err != nil {
		t.Fatal(err)
	}
	if spec.Run.Duration != 1 || spec.Species[0].D != 0.5 {
		t.Errorf("after Set: %+v %+v", spec.Run, spec.Species)
	}
	if got := src.Overrides(); len(got) != 2 || got[1] != "species.glu.D=0.5 um^2/ms" {
		t.Errorf("overrides %q", got)
	}
	if err := Set(&spec, src, "run.duration", "1 nm"); err == nil || !strings.Contains(err.Error(), "expected a time") {
		t.Errorf("got %v", err)
	}
	if spec.Run.Duration != 1 || len(src.Overrides()) != 2 {
		t.Errorf("a failed Set changed the spec or source")
	}
	// Positions from the file survive overrides of other fields.
	spec.Run.SampleInterval = 0.01005
	_, err = Compile(spec, src)
	line, col := where(t, smallModel(), "", "10 us")
	if err == nil || !strings.HasPrefix(err.Error(), fmt.Sprintf("m.yaml:%d:%d: run.sample_interval: ", line, col)) {
		t.Errorf("got %v", err)
	}
}
