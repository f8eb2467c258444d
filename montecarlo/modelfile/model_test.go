package modelfile

import (
	"strings"
	"testing"

	"github.com/reuptake/reuptake/agents/transporters"
	"github.com/reuptake/reuptake/montecarlo"
)

const libModel = `
name: lib
geometry: {kind: box, voxel: 0.1 um, size: [1 um, 1 um, 0.5 um]}
species:
  - {name: dopamine, D: 0.763 um^2/ms}
sites:
  - name: dat
    transporter: DAT
    model: dat-preset
    rates: {k4: 0.01 /ms, k1: 1e7 /M/s}
placement:
  - {site: dat, region: box, count: 5}
release:
  - {species: dopamine, at: [0.5 um, 0.5 um, 0.25 um], molecules: 10}
run: {dt: 0.005 ms, duration: 0.05 ms, sample_interval: 0.005 ms}
`

func TestLibraryModelKey(t *testing.T) {
	s, _, err := Decode("lib.yaml", []byte(libModel), nil)
	if err != nil {
		t.Fatal(err)
	}
	st := s.SiteTypes[0]
	m, _ := transporters.Lookup("dat-preset")
	if len(st.Scheme.Transitions) != len(m.Scheme.Transitions) || st.Outward != "To" || st.Inward != "Ti" || st.Transporter != "DAT" {
		t.Fatalf("site %+v", st)
	}
	for i, tr := range st.Scheme.Transitions {
		want := m.Scheme.Transitions[i].Rate
		switch m.RateNames[i] {
		case "k4":
			want = 0.01
		case "k1":
			want = montecarlo.KOnFromMolar(1e7)
		}
		if tr.Species != "" && tr.Species != "dopamine" {
			t.Errorf("transition %d species %q, want the file's only species", i, tr.Species)
		}
		if d := tr.Rate/want - 1; d > 1e-12 || d < -1e-12 {
			t.Errorf("transition %d (%s) rate %g, want %g", i, m.RateNames[i], tr.Rate, want)
		}
	}
	// A --set of the model replaces a scheme written in the file, and the
	// file's outward/inward states give way to the model's.
	s, _, err = Decode("pharm.yaml", []byte(pharmModel), []string{"sites.dat.model=dat-mm"})
	if err != nil {
		t.Fatal(err)
	}
	if st := s.SiteTypes[0]; st.Outward != "T" || st.Inward != "T" || len(st.Scheme.States) != 2 || st.Scheme.Transitions[0].Species != "da" {
		t.Errorf("--set model on a scheme site: %+v", st)
	}
	if _, err := Compile(s, nil); err != nil {
		t.Errorf("compile: %v", err)
	}
}

func TestLibraryModelErrors(t *testing.T) {
	for _, c := range []struct {
		name, old, new string
		sets           []string
		want           []string
	}{
		{"unknown", "model: dat-preset", "model: dat-prest", nil, []string{"lib.yaml:9:12", `did you mean "dat-preset"`, "glt1-mm"}},
		{"family", "model: dat-preset", "model: sert-preset", nil, []string{"lib.yaml:9:12", "SERT model", "transporter: DAT", "dat-mm"}},
		{"glutamate on DAT", "", "", []string{"sites.dat.model=glt1-preset"}, []string{"GLT-1 model", "transporter: DAT"}},
		{"DAT on glutamate", "  - {name: dopamine, D: 0.763 um^2/ms}", "  - {name: glu, D: 0.763 um^2/ms}",
			[]string{"sites.dat.transporter=", "sites.dat.model=dat-preset"}, []string{"DAT model", `species is "glu"`, "substrate: glu"}},
		{"both", "    rates:", "    scheme: {states: [A]}\n    rates:", nil, []string{"lib.yaml:9:5", "either model:", "not both"}},
		{"rate name", "k4: 0.01 /ms", "k5: 0.01 /ms", nil, []string{"lib.yaml:10:13", `unknown field "k5"`, "k-1"}},
		{"rate unit", "k4: 0.01 /ms", "k4: 0.01 ms", nil, []string{"rates.k4", "first-order rate"}},
		{"substrate", "    rates:", "    substrate: glu\n    rates:", nil, []string{`species "glu" is not in the model`}},
		{"rates without model", "    model: dat-preset\n", "    scheme: {states: [To], transitions: []}\n", nil, []string{"applies to a library model only"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			src := strings.Replace(libModel, c.old, c.new, 1)
			_, _, err := Decode("lib.yaml", []byte(src), c.sets)
			if err == nil {
				t.Fatal("accepted")
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
}
