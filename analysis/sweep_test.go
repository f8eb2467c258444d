package analysis

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

func TestParseDose(t *testing.T) {
	cases := []struct {
		name string
		ok   bool
		d    Dose
	}{
		{"drugs.cocaine.concentration@1uM", true, Dose{"drugs.cocaine.concentration", 1, "uM"}},
		{"species.glu.D@0.2um_2_ms", true, Dose{"species.glu.D", 0.2, "um_2_ms"}},
		{"a@1,b@2", false, Dose{}},
		{"@1uM", false, Dose{}},
		// Runs made before conditions were named key@value.
		{"drug.cocaine=1uM", true, Dose{"drug.cocaine", 1, "uM"}},
		{"species.glu.D=0.2um_2_ms", true, Dose{"species.glu.D", 0.2, "um_2_ms"}},
		{"release_0_.molecules=3000", true, Dose{"release_0_.molecules", 3000, ""}},
		{"placement_1_.density=500_um_2", true, Dose{"placement_1_.density", 500, "_um_2"}},
		{"k=1e-3M", true, Dose{"k", 1e-3, "M"}},
		{"k=-2.5mV", true, Dose{"k", -2.5, "mV"}},
		{"base", false, Dose{}},
		{"a=1_b=2", false, Dose{}},
		{"k=abc", false, Dose{}},
		{"=1uM", false, Dose{}},
	}
	for _, c := range cases {
		d, ok := ParseDose(c.name)
		if ok != c.ok || (ok && d != c.d) {
			t.Errorf("ParseDose(%q) = %+v, %v; want %+v, %v", c.name, d, ok, c.d, c.ok)
		}
	}
}

func TestSweepOf(t *testing.T) {
	s, ok := SweepOf([]string{"drug.x@100nM", "drug.x@1uM", "drug.x@0.01mM"})
	if !ok || s.Unit != "uM" || s.Key != "drug.x" {
		t.Fatalf("SweepOf = %+v, %v", s, ok)
	}
	for c, want := range map[string]float64{"drug.x@100nM": 0.1, "drug.x@1uM": 1, "drug.x@0.01mM": 10} {
		if got := s.Doses[c]; math.Abs(got-want) > 1e-12 {
			t.Errorf("%s: %v µM, want %v", c, got, want)
		}
	}
	for _, bad := range [][]string{
		{"drug.x@1uM"},               // one condition
		{"drug.x@1uM", "drug.y@2uM"}, // two keys
		{"k=1ms", "k=2mV"},           // incompatible units
		{"base", "drug.x@1uM"},       // not a dose
		{"a=1_b=2", "a=1_b=3"},       // two-key sweep
		{"species.glu.D@0.2um_2_ms", "species.glu.D@fast"},
		{"a@1,b@2", "a@1,b@3"}, // two-key sweep
	} {
		if _, ok := SweepOf(bad); ok {
			t.Errorf("SweepOf(%v) is a sweep", bad)
		}
	}
	for in, want := range map[string]string{"um_2_ms": "um^2/ms", "_um_2": "/um^2", "uM": "uM", "": ""} {
		if got := DisplayUnit(in); got != want {
			t.Errorf("DisplayUnit(%q) = %q, want %q", in, got, want)
		}
	}
}

// sweepConditions builds the conditions of a synthetic sweep: for each
// dose, reps replicates of f(dose) plus Gaussian noise.
func sweepConditions(key, unit string, doses []float64, reps int, quantity string, f func(float64) float64, sigma float64) []*Condition {
	rng := rand.New(rand.NewPCG(11, 13))
	var out []*Condition
	for _, d := range doses {
		c := &Condition{Name: fmt.Sprintf("%s@%g%s", key, d, unit), Seeds: []string{"1"}}
		q := &Quantity{Name: quantity, Source: "summary"}
		for r := range reps {
			c.Replicates = append(c.Replicates, int64(r))
			q.Replicates = append(q.Replicates, int64(r))
			q.Values = append(q.Values, f(d)+sigma*rng.NormFloat64())
		}
		c.Quantities = []*Quantity{q}
		out = append(out, c)
	}
	return out
}

// TestDoseResponseRecoversHill fits a Hill curve through a synthetic drug
// sweep: an inhibitor with IC50 = 2 µM and n = 1.5 acting on a response
// that falls from 10 to 2.
func TestDoseResponseRecoversHill(t *testing.T) {
	const ic50, n, top, bottom = 2.0, 1.5, 10.0, 2.0
	hill := func(c float64) float64 { return bottom + (top-bottom)/(1+math.Pow(c/ic50, n)) }
	doses := []float64{0.1, 0.3, 1, 3, 10, 30}
	conds := sweepConditions("drug.cocaine", "uM", doses, 8, "decay_tau_ms", hill, 0.2)
	fits := DoseResponse(conds)
	if len(fits) != 1 {
		t.Fatalf("%d fits", len(fits))
	}
	f := fits[0]
	if f.Err != nil {
		t.Fatal(f.Err)
	}
	h := f.Hill
	if h.Increasing || f.DoseUnit != "uM" || len(f.Points) != 6 {
		t.Errorf("increasing %v, unit %q, %d points", h.Increasing, f.DoseUnit, len(f.Points))
	}
	if !(h.IC50.Lo < ic50 && ic50 < h.IC50.Hi) || math.Abs(h.IC50.Value/ic50-1) > 0.1 {
		t.Errorf("IC50 %.3g [%.3g, %.3g], want %g", h.IC50.Value, h.IC50.Lo, h.IC50.Hi, ic50)
	}
	if !(h.Slope.Lo < n && n < h.Slope.Hi) || math.Abs(h.Slope.Value/n-1) > 0.15 {
		t.Errorf("Hill slope %.3g [%.3g, %.3g], want %g", h.Slope.Value, h.Slope.Lo, h.Slope.Hi, n)
	}
	if math.Abs(h.Top.Value-top) > 0.3 || math.Abs(h.Bottom.Value-bottom) > 0.3 {
		t.Errorf("top %.3g bottom %.3g", h.Top.Value, h.Bottom.Value)
	}
	// Two doses are not enough for a fit.
	fits = DoseResponse(conds[:2])
	if len(fits) != 1 || !errors.Is(fits[0].Err, ErrTooFewDoses) || len(fits[0].Points) != 2 {
		t.Errorf("two doses: %+v", fits)
	}
	// Not a sweep: nothing.
	conds[0].Name = "control"
	if fits := DoseResponse(conds); fits != nil {
		t.Errorf("not a sweep: %d fits", len(fits))
	}
}

// TestKmVmax recovers Km and Vmax from initial rates of a bath
// concentration sweep, and from window-mean concentrations otherwise.
func TestKmVmax(t *testing.T) {
	const km, vmax = 20.0, 100.0
	mm := func(s float64) float64 { return vmax * s / (km + s) }
	doses := []float64{2, 5, 10, 20, 50, 100, 200}
	conds := sweepConditions("baths.glu.concentration", "uM", doses, 6, "transported.rate0", mm, 2)
	ds := &Dataset{Conditions: conds, Uptake: &UptakeOptions{Window: 1}}
	f := KmVmax(ds)
	if f.Err != nil {
		t.Fatal(f.Err)
	}
	if f.Substrate != "baths.glu.concentration" || len(f.S) != 42 {
		t.Errorf("substrate %q, %d points", f.Substrate, len(f.S))
	}
	if !(f.MM.Km.Lo < km && km < f.MM.Km.Hi) || math.Abs(f.MM.Km.Value/km-1) > 0.15 {
		t.Errorf("Km %.3g [%.3g, %.3g], want %g", f.MM.Km.Value, f.MM.Km.Lo, f.MM.Km.Hi, km)
	}
	if !(f.MM.Vmax.Lo < vmax && vmax < f.MM.Vmax.Hi) {
		t.Errorf("Vmax %.3g [%.3g, %.3g], want %g", f.MM.Vmax.Value, f.MM.Vmax.Lo, f.MM.Vmax.Hi, vmax)
	}

	// A sweep of released molecules: S from each replicate's mean
	// concentration (here 0.01·molecules µM).
	conds = sweepConditions("release_0_.molecules", "", []float64{500, 1000, 2000, 4000, 8000}, 4, "transported.rate0",
		func(m float64) float64 { return mm(0.01 * m) }, 0.5)
	for _, c := range conds {
		d, _ := ParseDose(c.Name)
		q := &Quantity{Name: "conc_cleft_uM.mean0", Unit: "µM", Replicates: c.Replicates}
		for range c.Replicates {
			q.Values = append(q.Values, 0.01*d.Value)
		}
		c.Quantities = append(c.Quantities, q)
	}
	f = KmVmax(&Dataset{Conditions: conds, Uptake: &UptakeOptions{Window: 1}})
	if f.Err != nil || f.Substrate != "conc_cleft_uM.mean0" {
		t.Fatalf("substrate %q: %v", f.Substrate, f.Err)
	}
	if math.Abs(f.MM.Km.Value/km-1) > 0.2 {
		t.Errorf("Km %.3g, want %g", f.MM.Km.Value, km)
	}
	// Too few conditions.
	f = KmVmax(&Dataset{Conditions: conds[:2], Uptake: &UptakeOptions{Window: 1}})
	if !errors.Is(f.Err, ErrTooFewDoses) {
		t.Errorf("two conditions: %v", f.Err)
	}
}
