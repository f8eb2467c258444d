package agents

import (
	"math"
	"testing"
)

func TestStationaryCycle(t *testing.T) {
	// A → B (1), B → C (2), C → A (4), B → A (1): by hand, π ∝ (6, 2, 1).
	s := Scheme{States: []string{"A", "B", "C"}, Transitions: []Transition{
		{From: "A", To: "B", Kind: FirstOrder, Rate: 1},
		{From: "B", To: "C", Kind: FirstOrder, Rate: 2},
		{From: "C", To: "A", Kind: FirstOrder, Rate: 4},
		{From: "B", To: "A", Kind: FirstOrder, Rate: 1},
	}}
	c, err := s.Compile([]string{"x"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	pi := c.Stationary(0)
	// Balance: A: πA = πB + 4πC; B: 3πB = πA; C: 4πC = 2πB.
	b := 1 / (3 + 1 + 0.5)
	want := []float64{3 * b, b, 0.5 * b}
	for i := range want {
		if math.Abs(pi[i]-want[i]) > 1e-12 {
			t.Errorf("π = %v, want %v", pi, want)
		}
	}
	// A state with no way out: point mass.
	s.Transitions = s.Transitions[:2]
	c, _ = s.Compile([]string{"x"}, nil)
	if pi := c.Stationary(0); pi[0] != 1 {
		t.Errorf("absorbing chain: %v", pi)
	}
}
