package agents

import (
	"math"
	"strings"
	"testing"
)

// TestCompileErrors feeds Compile broken schemes and checks that each is
// refused with a message naming the problem.
func TestCompileErrors(t *testing.T) {
	explicit := []string{"glu", "da"}
	bath := map[string]float64{"cocaine": 602.2, "none": 0}
	ok := []Transition{
		{From: "R", To: "RL", Kind: Bind, Species: "glu", Rate: 1e-5},
		{From: "RL", To: "R", Kind: Unbind, Species: "glu", Rate: 1},
	}
	with := func(extra ...Transition) []Transition { return append(append([]Transition(nil), ok...), extra...) }
	cases := []struct {
		name   string
		scheme Scheme
		want   []string // substrings of the error
	}{
		{"no states", Scheme{}, []string{"no states"}},
		{"empty state name", Scheme{States: []string{"R", ""}}, []string{"empty name"}},
		{"duplicate state", Scheme{States: []string{"R", "R"}}, []string{`"R"`, "twice"}},
		{"undefined initial", Scheme{States: []string{"R"}, Initial: "X"}, []string{"initial state", `"X"`}},
		{"undefined conducting", Scheme{States: []string{"R"}, Conducting: []string{"O"}}, []string{"conducting state", `"O"`}},
		{"undefined from-state", Scheme{States: []string{"R", "RL"}, Transitions: with(Transition{From: "X", To: "R", Kind: FirstOrder, Rate: 1})},
			[]string{"transition 3", "from-state", `"X"`}},
		{"undefined to-state", Scheme{States: []string{"R", "RL"}, Transitions: with(Transition{From: "RL", To: "Y", Kind: FirstOrder, Rate: 1})},
			[]string{"transition 3", "to-state", `"Y"`}},
		{"unreachable state", Scheme{States: []string{"R", "RL", "D", "E"}, Transitions: with(Transition{From: "D", To: "R", Kind: FirstOrder, Rate: 1})},
			[]string{"D, E", "cannot be reached"}},
		{"unknown species", Scheme{States: []string{"R", "RL"}, Transitions: []Transition{{From: "R", To: "RL", Kind: Bind, Species: "ach", Rate: 1}}},
			[]string{`"ach"`, "does not exist"}},
		{"missing species", Scheme{States: []string{"R", "RL"}, Transitions: []Transition{{From: "R", To: "RL", Kind: Bind, Rate: 1}}},
			[]string{"needs a species"}},
		{"species on first-order", Scheme{States: []string{"R", "RL"}, Transitions: []Transition{{From: "R", To: "RL", Kind: FirstOrder, Species: "glu", Rate: 1}}},
			[]string{"takes no species"}},
		{"negative rate", Scheme{States: []string{"R", "RL"}, Transitions: with(Transition{From: "RL", To: "R", Kind: FirstOrder, Rate: -2})},
			[]string{"transition 3", "positive", "-2"}},
		{"zero rate", Scheme{States: []string{"R", "RL"}, Transitions: []Transition{{From: "R", To: "RL", Kind: FirstOrder, Rate: 0}}},
			[]string{"positive"}},
		{"NaN rate", Scheme{States: []string{"R", "RL"}, Transitions: []Transition{{From: "R", To: "RL", Kind: FirstOrder, Rate: math.NaN()}}},
			[]string{"positive and finite"}},
		{"infinite rate", Scheme{States: []string{"R", "RL"}, Transitions: []Transition{{From: "R", To: "RL", Kind: FirstOrder, Rate: math.Inf(1)}}},
			[]string{"positive and finite"}},
		{"inconsistent ligand count", Scheme{States: []string{"R", "RL"}, Transitions: with(Transition{From: "R", To: "RL", Kind: FirstOrder, Rate: 1})},
			[]string{`"RL"`, "holding", "does not conserve"}},
		{"two ligands reach one state", Scheme{States: []string{"R", "A", "B"}, Transitions: []Transition{
			{From: "R", To: "A", Kind: Bind, Species: "glu", Rate: 1e-5},
			{From: "R", To: "B", Kind: Bind, Species: "da", Rate: 1e-5},
			{From: "A", To: "B", Kind: FirstOrder, Rate: 1},
		}}, []string{`"B"`, "does not conserve"}},
		{"releases a ligand it does not hold", Scheme{States: []string{"R", "X"}, Transitions: []Transition{{From: "R", To: "X", Kind: Transport, Species: "glu", Rate: 1}}},
			[]string{`"R"`, "does not hold"}},
		{"bath kind on a diffusing species", Scheme{States: []string{"R", "RL"}, Transitions: []Transition{{From: "R", To: "RL", Kind: Bath, Species: "glu", Rate: 1}}},
			[]string{"not a clamped bath species"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := c.scheme.Compile(explicit, bath)
			if err == nil {
				t.Fatal("compiled; want an error")
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
}

// TestCompileValid checks the compiled form of a scheme using every
// transition kind.
func TestCompileValid(t *testing.T) {
	s := Scheme{
		States:     []string{"To", "ToS", "TiS", "Ti", "TI", "E"},
		Conducting: []string{"TiS"},
		Transitions: []Transition{
			{From: "To", To: "ToS", Kind: Bind, Species: "glu", Rate: 2e-5},
			{From: "ToS", To: "To", Kind: Unbind, Species: "glu", Rate: 0.1},
			{From: "ToS", To: "TiS", Kind: FirstOrder, Rate: 0.2},
			{From: "TiS", To: "Ti", Kind: Transport, Species: "glu", Rate: 1},
			{From: "Ti", To: "To", Kind: Emit, Species: "glu", Rate: 0.5},
			{From: "To", To: "TI", Kind: Bind, Species: "cocaine", Rate: 1e-5},
			{From: "TI", To: "To", Kind: Unbind, Species: "cocaine", Rate: 0.3},
			{From: "To", To: "E", Kind: Bath, Species: "none", Rate: 1e-5},
			{From: "E", To: "To", Kind: FirstOrder, Rate: 1},
		},
	}
	c, err := s.Compile([]string{"glu"}, map[string]float64{"cocaine": 100, "none": 0})
	if err != nil {
		t.Fatal(err)
	}
	if c.Initial != 0 || !c.Conducting[2] || c.Conducting[0] {
		t.Errorf("initial %d, conducting %v", c.Initial, c.Conducting)
	}
	for st, want := range []int{0, 1, 1, 0, 0, 0} {
		if c.Held[st][0] != want {
			t.Errorf("state %s holds %d glu, want %d", s.States[st], c.Held[st][0], want)
		}
	}
	if len(c.Binds[0]) != 1 || c.Binds[0][0].To != 1 || c.BindsSpecies[0] != 1 || c.BindsSpecies[1] != 0 {
		t.Errorf("binds of To: %+v, mask %b", c.Binds[0], c.BindsSpecies[0])
	}
	// From To: the cocaine bath (k_on·[I] = 1e-3 /ms) and the zero bath,
	// kept with rate 0 so that a schedule can switch it on.
	if len(c.Out[0]) != 2 {
		t.Fatalf("To has %d unimolecular transitions, want 2: %+v", len(c.Out[0]), c.Out[0])
	}
	if u := c.Out[0][0]; u.Kind != Bath || u.Bath != "cocaine" || math.Abs(u.Rate-1e-3) > 1e-15 || u.KOn != 1e-5 || u.Species != -1 {
		t.Errorf("cocaine transition %+v", u)
	}
	if u := c.Out[0][1]; u.Kind != Bath || u.Bath != "none" || u.Rate != 0 {
		t.Errorf("zero-concentration bath transition %+v", u)
	}
	if math.Abs(c.KOut[0]-1e-3) > 1e-15 || math.Abs(c.KOut[1]-0.3) > 1e-15 {
		t.Errorf("KOut = %v", c.KOut)
	}
	// Unbinding a bath species is a unimolecular transition with no
	// explicit species.
	if u := c.Out[4][0]; u.Kind != Unbind || u.Species != -1 {
		t.Errorf("cocaine unbinding %+v", u)
	}
}

func TestParseKind(t *testing.T) {
	for k := Bind; k <= Bath; k++ {
		got, err := ParseKind(k.String())
		if err != nil || got != k {
			t.Errorf("ParseKind(%q) = %v, %v", k.String(), got, err)
		}
	}
	if _, err := ParseKind("teleport"); err == nil {
		t.Error("ParseKind accepted an unknown kind")
	}
}
