package modelfile

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/reuptake/reuptake/agents"
	"github.com/reuptake/reuptake/montecarlo"
)

// small is a quick, valid model used by the error tests. Tests replace
// parts of it and check the reported positions.
const small = `name: small
geometry:
  kind: cleft
  voxel: 10 nm
  width: 20 nm
  synapse_radius: 0.1 um
  psd_radius: 0.08 um
  membrane_radius: 0.15 um
  half_width: 0.2 um
  half_height: 0.1 um
species:
  - name: glu
    D: 0.4 um^2/ms
    D_region: {cleft: 0.33 um^2/ms}
baths:
  - name: drug
    concentration: 1 uM
sites:
  - name: ampa
    conductance: 10 pS
    driving_force: -70 mV
    scheme:
      states: [C0, C1, O]
      conducting: [O]
      transitions:
        - C0 -> C1 bind glu 4.59e6 /M/s
        - C1 -> C0 unbind glu 4.26 /ms
        - {from: C1, to: O, kind: first-order, rate: 4.24 /ms}
        - {from: O, to: C1, kind: first-order, rate: 0.9 /ms}
  - name: glt1
    scheme:
      states: [To, ToS, Ti]
      transitions:
        - from: To
          to: ToS
          kind: bind
          species: glu
          rate: 1e7 /M/s
        - C0 -> C1 bath drug 1e6 /M/s
        - ToS -> Ti transport glu 1 /ms
        - Ti -> To 0.0146 /ms
placement:
  - site: ampa
    region: psd
    count: 20
  - site: glt1
    region: peri
    density: 3000 /um^2
release:
  - species: glu
    at: cleft
    time: 0 ms
    molecules: 500
degradation:
  - species: glu
    region: extrasynaptic
    rate: 0.1 /ms
run:
  dt: auto
  duration: 0.2 ms
  sample_interval: 10 us
  replicates: 2
  seed: 7
`

// fixSmall makes the deliberate "C0 -> C1 bath" transition of glt1 valid.
func smallModel() string {
	return strings.Replace(small, "- C0 -> C1 bath drug 1e6 /M/s", "- To -> Ti bath drug 1e6 /M/s", 1)
}

// where returns the 1-based line and column of the first occurrence of
// needle in text (after the first occurrence of anchor, if given).
func where(t *testing.T, text, anchor, needle string) (int, int) {
	t.Helper()
	start := 0
	if anchor != "" {
		start = strings.Index(text, anchor)
		if start < 0 {
			t.Fatalf("anchor %q not in text", anchor)
		}
	}
	i := strings.Index(text[start:], needle)
	if i < 0 {
		t.Fatalf("needle %q not in text", needle)
	}
	i += start
	line := strings.Count(text[:i], "\n") + 1
	col := i - strings.LastIndex(text[:i], "\n")
	return line, col
}

func TestParseSmall(t *testing.T) {
	src := smallModel()
	s, _, err := Parse("small.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if s.Name != "small" || s.Geometry.Cleft.Width != 0.02 || s.Baths[0].Conc != montecarlo.ConcFromMolar(1e-6) {
		t.Errorf("spec %+v", s)
	}
	tr := s.SiteTypes[1].Scheme.Transitions
	want := []agents.Transition{
		{From: "To", To: "ToS", Kind: agents.Bind, Species: "glu", Rate: montecarlo.KOnFromMolar(1e7)},
		{From: "To", To: "Ti", Kind: agents.Bath, Species: "drug", Rate: montecarlo.KOnFromMolar(1e6)},
		{From: "ToS", To: "Ti", Kind: agents.Transport, Species: "glu", Rate: 1},
		{From: "Ti", To: "To", Kind: agents.FirstOrder, Rate: 0.0146},
	}
	if fmt.Sprint(tr) != fmt.Sprint(want) {
		t.Errorf("transitions\n got %v\nwant %v", tr, want)
	}
	if s.Run.Dt != 0 || s.Run.Seed != 7 || s.Run.Replicates != 2 || s.Run.SampleInterval != 0.01 {
		t.Errorf("run %+v", s.Run)
	}
	if s.Degradations[0].Rate != 0.1 || s.Degradations[0].Region != "extrasynaptic" {
		t.Errorf("degradation %+v", s.Degradations)
	}
	m, err := LoadBytes("small.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	r := montecarlo.RunReplicate(m, 1, 0)
	if len(r.T) != 21 {
		t.Errorf("%d samples, want 21", len(r.T))
	}
}

// errorCase replaces old by new in the small model and expects an error
// at the line and column of needle (searched after anchor) mentioning all
// of want.
type errorCase struct {
	name     string
	old, new string
	anchor   string
	needle   string
	path     string
	want     []string
	also     [2]string // a second replacement
}

func runErrorCases(t *testing.T, cases []errorCase, compile bool) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			base := smallModel()
			if !strings.Contains(base, tc.old) {
				t.Fatalf("%q not in the model", tc.old)
			}
			text := strings.Replace(base, tc.old, tc.new, 1)
			if tc.also[0] != "" {
				text = strings.Replace(text, tc.also[0], tc.also[1], 1)
			}
			var err error
			if compile {
				_, err = LoadBytes("m.yaml", []byte(text))
			} else {
				_, _, err = Parse("m.yaml", []byte(text))
			}
			if err == nil {
				t.Fatal("no error")
			}
			var list ErrorList
			if !errors.As(err, &list) || len(list) == 0 {
				t.Fatalf("error %T is not an ErrorList: %v", err, err)
			}
			e := list[0]
			line, col := where(t, text, tc.anchor, tc.needle)
			prefix := fmt.Sprintf("m.yaml:%d:%d: %s: ", line, col, tc.path)
			if !strings.HasPrefix(e.Error(), prefix) {
				t.Errorf("got  %q\nwant prefix %q", e.Error(), prefix)
			}
			for _, w := range tc.want {
				if !strings.Contains(e.Error(), w) {
					t.Errorf("%q does not mention %q", e.Error(), w)
				}
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	runErrorCases(t, []errorCase{
		{name: "unknown key", old: "  duration: 0.2 ms", new: "  durration: 0.2 ms", needle: "durration",
			path: "run.durration", want: []string{`did you mean "duration"`}},
		{name: "unknown top key", old: "placement:", new: "placements:", needle: "placements:",
			path: "placements", want: []string{`did you mean "placement"`}},
		{name: "case", old: "    D: 0.4 um^2/ms", new: "    d: 0.4 um^2/ms", needle: "d: 0.4",
			path: "species[0].d", want: []string{`did you mean "D"`}},
		{name: "missing unit", old: "D: 0.4 um^2/ms", new: "D: 0.4", needle: "0.4", anchor: "D:",
			path: "species[0].D", want: []string{"no unit", "diffusion coefficient"}},
		{name: "wrong dimension", old: "width: 20 nm", new: "width: 20 ms", needle: "20 ms",
			path: "geometry.width", want: []string{"is a time", "expected a length (e.g. 20 nm, 0.5 um)"}},
		{name: "NaN", old: "rate: 0.1 /ms", new: "rate: .nan", needle: ".nan",
			path: "degradation[0].rate", want: []string{"NaN"}},
		{name: "negative", old: "molecules: 500", new: "molecules: -500", needle: "-500",
			path: "release[0].molecules", want: []string{"must not be negative"}},
		{name: "zero D", old: "D: 0.4 um^2/ms", new: "D: 0 um^2/ms", needle: "0 um", anchor: "D:",
			path: "species[0].D", want: []string{"must be positive"}},
		{name: "flow mapping value", old: "{cleft: 0.33 um^2/ms}", new: "{cleft: 0.33 um^2}", needle: "0.33 um^2}",
			path: "species[0].D_region.cleft", want: []string{"expected a diffusion coefficient"}},
		{name: "compact rate", old: "C1 -> C0 unbind glu 4.26 /ms", new: "C1 -> C0 unbind glu 4.26 /M/s", needle: "4.26",
			path: "sites[0].scheme.transitions[1].rate", want: []string{"first-order rate"}},
		{name: "compact kind", old: "C1 -> C0 unbind glu", new: "C1 -> C0 unbnd glu", needle: "unbnd",
			path: "sites[0].scheme.transitions[1].kind", want: []string{`did you mean "unbind"`}},
		{name: "compact malformed", old: "C1 -> C0 unbind glu 4.26 /ms", new: "C1 to C0 unbind glu 4.26 /ms", needle: "C1 to",
			path: "sites[0].scheme.transitions[1]", want: []string{"FROM -> TO"}},
		{name: "mapping rate dim by kind", old: "rate: 1e7 /M/s", new: "rate: 1e7 /s", needle: "1e7 /s",
			path: "sites[1].scheme.transitions[0].rate", want: []string{"bimolecular"}},
		{name: "first-order with species", old: "kind: first-order, rate: 4.24", new: "kind: first-order, species: glu, rate: 4.24", needle: "species", anchor: "from: C1",
			path: "sites[0].scheme.transitions[2].species", want: []string{"takes no species"}},
		{name: "missing field", old: "    molecules: 500\n", new: "", needle: "species: glu", anchor: "release:",
			path: "release[0].molecules", want: []string{"is required"}},
		{name: "count and density", old: "    count: 20", new: "    count: 20\n    density: 10 /um^2", needle: "density: 10",
			path: "placement[0]", want: []string{"not both"}},
		{name: "duplicate key", old: "  seed: 7", new: "  seed: 7\n  seed: 8", needle: "seed: 8",
			path: "run.seed", want: []string{"given twice", "line"}},
		{name: "geometry field of other kind", old: "  voxel: 10 nm", new: "  voxel: 10 nm\n  size: 1 um", needle: "size",
			path: "geometry.size", want: []string{"not a field of a cleft geometry"}},
		{name: "kind", old: "kind: cleft", new: "kind: clef", needle: "clef",
			path: "geometry.kind", want: []string{`did you mean "cleft"`}},
		{name: "release at", old: "at: cleft", new: "at: [0 um, 0 um]", needle: "[0 um",
			path: "release[0].at", want: []string{"three lengths"}},
		{name: "time and train", old: "    time: 0 ms", new: "    time: 0 ms\n    train: {frequency: 10 Hz, count: 3}", needle: "train",
			path: "release[0].train", want: []string{"not time and train"}},
		{name: "seed", old: "seed: 7", new: "seed: -1", needle: "-1",
			path: "run.seed", want: []string{"whole number"}},
		{name: "replicates", old: "replicates: 2", new: "replicates: 2.5", needle: "2.5",
			path: "run.replicates", want: []string{"whole number"}},
		{name: "probability", old: "    molecules: 500", new: "    molecules: 500\n    probability: 1.5", needle: "1.5",
			path: "release[0].probability", want: []string{"(0, 1]"}},
		{name: "cv without gaussian", old: "    molecules: 500", new: "    molecules: 500\n    cv: 0.3", needle: "cv",
			path: "release[0].cv", want: []string{"gaussian"}},
		{name: "not a list", old: "species:\n  - name: glu\n    D: 0.4 um^2/ms\n    D_region: {cleft: 0.33 um^2/ms}", new: "species: glu", needle: "glu",
			path: "species", want: []string{"must be a list"}},
	}, false)
}

// Semantic errors found by montecarlo.NewModel come back at file positions.
func TestCompileErrors(t *testing.T) {
	runErrorCases(t, []errorCase{
		{name: "cleft geometry", old: "psd_radius: 0.08 um", new: "psd_radius: 0.12 um", needle: "0.12 um",
			path: "geometry.psd_radius", want: []string{"exceeds synapse_radius"}},
		{name: "half width", old: "half_width: 0.2 um", new: "half_width: 0.16 um", needle: "0.16 um",
			path: "geometry.half_width", want: []string{"at least two voxels"}},
		{name: "dt", old: "dt: auto", new: "dt: 1 us", needle: "1 us",
			path: "run.dt", want: []string{"rms step"}},
		{name: "duration", old: "duration: 0.2 ms", new: "duration: 0.20005 ms", needle: "0.20005 ms",
			path: "run.duration", want: []string{"whole number"}},
		{name: "density too high", old: "density: 3000 /um^2", new: "density: 20000 /um^2", needle: "20000",
			path: "placement[1].density", want: []string{"more than one site"}},
		{name: "name", old: "- name: glt1", new: "- name: glt-1", needle: "glt-1", also: [2]string{"site: glt1", "site: glt-1"},
			path: "sites[1].name", want: []string{"letters, digits"}},
		{name: "placement shares tiles", old: "count: 20", new: "count: 300", needle: "300",
			path: "placement[0].count", want: []string{"do not fit"}},
		{name: "release point", old: "at: cleft", new: "at: [0 um, 0 um, 0.05 um]", needle: "[0 um",
			path: "release[0].at", want: []string{"not in the extracellular space"}},
		{name: "hit probability", old: "rate: 1e7 /M/s", new: "rate: 1e13 /M/s", needle: "1e13",
			path: "sites[1].scheme.transitions[0].rate", want: []string{"hit probability"}},
		{name: "unknown state", old: "ToS -> Ti transport", new: "ToX -> Ti transport", needle: "ToX",
			path: "sites[1].scheme.transitions[2].from", want: []string{`unknown state "ToX"`, `did you mean "ToS"`}},
		{name: "unknown species", old: "species: glu\n          rate", new: "species: gly\n          rate", needle: "gly",
			path: "sites[1].scheme.transitions[0].species", want: []string{`unknown species "gly"`, `did you mean "glu"`}},
		{name: "unknown region", old: "region: peri", new: "region: perí", needle: "perí",
			path: "placement[1].region", want: []string{"no membrane region", `did you mean "peri"`}},
		{name: "unknown site", old: "site: glt1", new: "site: glt2", needle: "glt2",
			path: "placement[1].site", want: []string{`unknown site type "glt2"`, `did you mean "glt1"`}},
		{name: "unreachable state", old: "states: [C0, C1, O]", new: "states: [C0, C1, O, D]", needle: "[C0", anchor: "name: ampa",
			path: "sites[0].scheme.states", want: []string{"cannot be reached"}},
	}, true)
}

// Errors montecarlo.NewModel finds in a Spec (here, edited after parsing
// so that the parser's own checks do not catch them) map to the field.
func TestLocateFieldErrors(t *testing.T) {
	text := smallModel()
	cases := []struct {
		edit   func(*montecarlo.Spec)
		path   string
		anchor string
		needle string
		want   string
	}{
		{func(s *montecarlo.Spec) { s.SiteTypes[0].Scheme.Transitions[1].Species = "nope" }, "sites[0].scheme.transitions[1].species",
			"C1 -> C0", "glu", `unknown species "nope" (species: glu, drug)`},
		{func(s *montecarlo.Spec) { s.SiteTypes[1].Scheme.Transitions[0].To = "Nope" }, "sites[1].scheme.transitions[0].to",
			"from: To", "ToS", `unknown state "Nope" (states: To, ToS, Ti)`},
		{func(s *montecarlo.Spec) { s.SiteTypes[0].Scheme.Transitions[3].From = "X" }, "sites[0].scheme.transitions[3].from",
			"{from: O", "O", `unknown state "X" (did you mean "O"?) (states: C0, C1, O)`},
		{func(s *montecarlo.Spec) { s.SiteTypes[0].Scheme.Initial = "Q" }, "sites[0].scheme.initial",
			"name: ampa", "scheme:", `unknown state "Q" (did you mean "O"?)`},
		{func(s *montecarlo.Spec) { s.SiteTypes[0].Scheme.Conducting = []string{"Z"} }, "sites[0].scheme.conducting[0]",
			"conducting:", "O]", `unknown state "Z" (did you mean "O"?)`},
		{func(s *montecarlo.Spec) { s.Placements[0].State = "Z" }, "placement[0].state",
			"placement:", "site: ampa", `unknown state "Z"`},
		{func(s *montecarlo.Spec) { s.Releases[0].Species = "x" }, "release[0].species",
			"release:", "glu", `unknown species "x"`},
		{func(s *montecarlo.Spec) { s.Run.SampleInterval = 0.01005 }, "run.sample_interval",
			"", "10 us", "whole number"},
	}
	for _, tc := range cases {
		spec, src, err := Parse("m.yaml", []byte(text))
		if err != nil {
			t.Fatal(err)
		}
		tc.edit(&spec)
		_, err = Compile(spec, src)
		if err == nil {
			t.Errorf("%s: no error", tc.path)
			continue
		}
		var fe *montecarlo.FieldError
		if !errors.As(err, &fe) {
			t.Errorf("%s: error does not wrap a FieldError: %v", tc.path, err)
		}
		line, col := where(t, text, tc.anchor, tc.needle)
		prefix := fmt.Sprintf("m.yaml:%d:%d: %s: ", line, col, tc.path)
		if !strings.HasPrefix(err.Error(), prefix) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("got  %q\nwant %q...%q", err, prefix, tc.want)
		}
	}
}

func TestManyErrors(t *testing.T) {
	text := smallModel()
	for _, r := range [][2]string{{"width: 20 nm", "width: 20"}, {"D: 0.4 um^2/ms", "D: 0.4 um"}, {"rate: 0.1 /ms", "rate: 0.1"},
		{"duration: 0.2 ms", "durtion: 0.2 ms"}} {
		text = strings.Replace(text, r[0], r[1], 1)
	}
	_, _, err := Parse("m.yaml", []byte(text))
	var list ErrorList
	if !errors.As(err, &list) {
		t.Fatalf("got %v", err)
	}
	// width, D, rate, the unknown durtion, and the then-missing duration.
	if len(list) != 5 {
		t.Errorf("got %d errors, want 5:\n%v", len(list), err)
	}
	// Many more errors stop at maxErrors.
	var b strings.Builder
	b.WriteString("run:\n")
	for i := 0; i < 30; i++ {
		fmt.Fprintf(&b, "  bogus%d: 1\n", i)
	}
	_, _, err = Parse("m.yaml", []byte(b.String()))
	if !errors.As(err, &list) || len(list) != maxErrors+1 || !strings.Contains(list[maxErrors].Msg, "too many errors") {
		t.Errorf("got %d errors:\n%v", len(list), err)
	}
}

func TestSyntaxErrors(t *testing.T) {
	for _, tc := range []struct{ text, want string }{
		{"", "m.yaml: the model file is empty"},
		{"# only a comment\n", "m.yaml: the model file is empty"},
		{"name: a\n  bad: [\n", "m.yaml:"},
		{"run:\n  dt: 1 us\n dur: 2\n", "m.yaml:2: YAML syntax"},
		{"name: a\n---\nname: b\n", "m.yaml:2:1: a model file holds one YAML document"},
		{"- a\n- b\n", "m.yaml:1:1: must be a mapping"},
	} {
		_, _, err := Parse("m.yaml", []byte(tc.text))
		if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
			t.Errorf("Parse(%q) = %v, want prefix %q", tc.text, err, tc.want)
		}
	}
}

func TestAliases(t *testing.T) {
	text := strings.Replace(smallModel(), "  - name: glt1\n    scheme:", "  - name: glt1\n    scheme: &glt", 1) +
		"" // the anchor is reused by an override test below
	text = strings.Replace(text, "placement:", `  - name: glt2
    scheme: *glt
placement:`, 1)
	s, _, err := Parse("m.yaml", []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	if len(s.SiteTypes) != 3 || len(s.SiteTypes[2].Scheme.Transitions) != 4 {
		t.Fatalf("alias not followed: %+v", s.SiteTypes)
	}
	// An override of one occurrence leaves the other alone.
	s, err = ParseWithOverrides("m.yaml", []byte(text), []string{"sites.glt2.scheme.transitions[2].rate=2 /ms"})
	if err != nil {
		t.Fatal(err)
	}
	if s.SiteTypes[1].Scheme.Transitions[2].Rate != 1 || s.SiteTypes[2].Scheme.Transitions[2].Rate != 2 {
		t.Errorf("rates %v, %v", s.SiteTypes[1].Scheme.Transitions[2].Rate, s.SiteTypes[2].Scheme.Transitions[2].Rate)
	}
}

// A document whose aliases multiply (sites × transitions) must fail
// quickly, not exhaust time or memory.
func TestAliasBomb(t *testing.T) {
	var b strings.Builder
	b.WriteString("x: &t C0 -> C0 first-order 1 /ms\ny: &s {name: s, scheme: {states: [C0], transitions: [")
	for j := 0; j < 2000; j++ {
		if j > 0 {
			b.WriteString(", ")
		}
		b.WriteString("*t")
	}
	b.WriteString("]}}\nsites: [")
	for j := 0; j < 2000; j++ {
		if j > 0 {
			b.WriteString(", ")
		}
		b.WriteString("*s")
	}
	b.WriteString("]\n")
	_, _, err := Parse("bomb.yaml", []byte(b.String()))
	if err == nil {
		t.Fatal("no error")
	}
	if !strings.Contains(err.Error(), "too large") {
		t.Errorf("got %v", err)
	}
	// The work is bounded, not timed: the decoder (as Decode sets it up)
	// visits at most its budget of nodes and then only the siblings it
	// skips, never the 4 million nodes the aliases expand to.
	root, e := readYAML("bomb.yaml", []byte(b.String()))
	if e != nil {
		t.Fatal(e)
	}
	d := &decoder{file: "bomb.yaml", origin: map[*yaml.Node]string{}, pos: map[string]Pos{}, budget: maxVisits}
	d.decode(root)
	if visits := maxVisits - d.budget; visits > maxVisits+10_000 {
		t.Errorf("decoding visited %d nodes; the budget is %d", visits, maxVisits)
	}
}

func TestBoxGeometry(t *testing.T) {
	text := `geometry:
  kind: box
  voxel: 50 nm
  size: [1 um, 1 um, 0.5 um]
  absorbing: [xmin, xmax]
species: [{name: a, D: 0.5 um^2/ms}]
release:
  - species: a
    at: [0.5 um, 0.5 um, 250 nm]
    train: {start: 1 ms, frequency: 100 Hz, count: 3}
    molecules: 100
    distribution: gaussian
    cv: 0.2
    probability: 50 %
run: {duration: 1 ms, sample_interval: 0.1 ms}
`
	s, _, err := Parse("box.yaml", []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	r := s.Releases[0]
	if s.Geometry.Box.Size != [3]float64{1, 1, 0.5} || fmt.Sprint(s.Geometry.Box.Absorbing) != "[xmin xmax]" ||
		fmt.Sprint(r.Times) != "[1 11 21]" || r.Dist != agents.Gaussian || r.CV != 0.2 || r.Probability != 0.5 || r.At != [3]float64{0.5, 0.5, 0.25} {
		t.Errorf("spec %+v", s)
	}
	if s.Run.Replicates != 1 || s.Run.Seed != 1 || s.Run.Dt != 0 {
		t.Errorf("run defaults %+v", s.Run)
	}
	if _, err := LoadBytes("box.yaml", []byte(text)); err != nil {
		t.Fatal(err)
	}
	_, err = LoadBytes("box.yaml", []byte(strings.Replace(text, "[xmin, xmax]", "[xmin, xmx]", 1)))
	if err == nil || !strings.Contains(err.Error(), `box.yaml:5:21: geometry.absorbing[1]: unknown face "xmx" (did you mean "xmax"?`) {
		t.Errorf("got %v", err)
	}
}
