package transporters

import (
	"math"
	"strings"
	"testing"

	"github.com/reuptake/reuptake/agents"
)

func rel(a, b float64) float64 { return math.Abs(a-b) / math.Max(math.Abs(b), 1e-300) }

// TestDeriveClosedForms compares Derive with the closed forms of the two
// topologies whose algebra is known: the one-step Michaelis–Menten carrier
// and the four-state cycle of the presets (King–Altman by hand).
func TestDeriveClosedForms(t *testing.T) {
	for _, c := range []struct {
		name                 string
		k1, km1, k2, k3, k4  float64 // k1 in /M/s, others /ms; k3 = k4 = 0 for MM (k2 = kcat)
		km, kcat, buf, dwell float64 // µM, /s, 1, ms
		relax                float64 // ms
	}{
		{name: "mm", k1: 1e7, km1: 0.166, k2: 0.014},
		{name: "cycle", k1: 1e7, km1: 5.93, k2: 0.5, k3: 1, k4: 0.0146},
		{name: "cycle-slow-bind", k1: 1.2e6, km1: 0.3, k2: 2, k3: 0.7, k4: 0.02},
	} {
		t.Run(c.name, func(t *testing.T) {
			var b build
			var s agents.Scheme
			var km, kcat, buf, dwell, relax float64
			if c.k3 == 0 {
				b.mm("x", KOn(c.k1), c.km1, c.k2, 1)
				kcat = c.k2
				km = (c.km1 + kcat) / (c.k1 * 1e-3) * 1e6 // (1/ms)/(1/(M ms)) = M → µM
				buf = c.km1 / (c.km1 + c.k2)
				dwell = 1 / (c.km1 + c.k2)
				relax = dwell
			} else {
				b.cycle4("x", KOn(c.k1), c.km1, c.k2, c.k3, c.k4, 1)
				kcat = 1 / (1/c.k2 + 1/c.k3 + 1/c.k4)
				km = (c.km1 + c.k2) / (c.k1 * 1e-3) * kcat / c.k2 * 1e6
				buf = c.km1 / (c.km1 + c.k2)
				// bound in ToS, then (if translocated) in TiS until released
				dwell = (1 + c.k2/c.k3) / (c.km1 + c.k2)
				relax = math.NaN()
			}
			s = b.m.Scheme
			d, err := Derive(s, "x")
			if err != nil {
				t.Fatal(err)
			}
			for _, chk := range []struct {
				what      string
				got, want float64
			}{
				{"Km", d.KmUM, km}, {"kcat", d.KcatPerS, kcat * 1e3}, {"buffering", d.Buffering, buf},
				{"dwell", d.BoundDwellMs, dwell}, {"Hill", d.Hill, 1}, {"charge", d.ChargePerCycle, 1},
				{"capacity", d.Capacity, 1}, {"cycle", d.CycleMs, 1 / kcat},
			} {
				if rel(chk.got, chk.want) > 1e-6 {
					t.Errorf("%s = %.10g, want %.10g", chk.what, chk.got, chk.want)
				}
			}
			if !math.IsNaN(relax) && rel(d.RelaxMs, relax) > 1e-9 {
				t.Errorf("relaxation %g ms, want %g", d.RelaxMs, relax)
			}
		})
	}
}

// TestExpectTwoState checks the master-equation integrator against the
// closed form of the two-state carrier under a step of substrate:
// p(t) = a/(a+b)(1 − e^{−(a+b)t}), uptake = kcat ∫p dt.
func TestExpectTwoState(t *testing.T) {
	var b build
	b.mm("x", KOn(1e7), 0.166, 0.014, 2)
	ch, err := NewChain(b.m.Scheme, "x", nil)
	if err != nil {
		t.Fatal(err)
	}
	S := Conc(100)
	a, bb := KOn(1e7)*S, 0.166+0.014
	ex := ch.Expect([]float64{1, 0}, []Step{{Dur: 2, S: S}}, 0.1)
	for i, tt := range ex.T {
		k := a + bb
		p := a / k * (1 - math.Exp(-k*tt))
		up := 0.014 * a / k * (tt - (1-math.Exp(-k*tt))/k)
		if rel(ex.P[i][1], p) > 1e-9 && math.Abs(ex.P[i][1]-p) > 1e-14 {
			t.Errorf("t=%g: p(TS) = %g, want %g", tt, ex.P[i][1], p)
		}
		if math.Abs(ex.Uptake[i]-up) > 1e-12 || math.Abs(ex.Charge[i]-2*up) > 1e-12 {
			t.Errorf("t=%g: uptake %g charge %g, want %g and %g", tt, ex.Uptake[i], ex.Charge[i], up, 2*up)
		}
	}
}

// TestLibrary checks every model: its scheme compiles, its derived
// quantities exist, its numbers carry provenance tags, and the reported
// values the model was built to match are matched.
func TestLibrary(t *testing.T) {
	fams := map[string]int{}
	for _, m := range All() {
		fams[m.Family]++
		d, err := Derive(m.Scheme, m.Substrate)
		if err != nil {
			t.Errorf("%s: %v", m.Name, err)
			continue
		}
		if !(d.KmUM > 0 && d.KcatPerS > 0 && d.Buffering >= 0 && d.Buffering <= 1 && d.Capacity > 0 && d.Capacity <= 1) {
			t.Errorf("%s: implausible derived quantities %+v", m.Name, d)
		}
		for _, p := range m.Params {
			if !strings.HasPrefix(p.Tag, "[") || p.Source == "" {
				t.Errorf("%s: parameter %s has no provenance (%q, %q)", m.Name, p.Name, p.Tag, p.Source)
			}
		}
		if m.Outward == "" || m.Inward == "" || m.Summary == "" {
			t.Errorf("%s: outward/inward state or summary missing", m.Name)
		}
		if _, err := agents.TransporterClass(m.Class); m.Class != "" && !err {
			t.Errorf("%s: class %q not in the drug table", m.Name, m.Class)
		}
	}
	for fam, want := range map[string]int{GLT1: 2, DAT: 2, EAAC1: 1, SERT: 1, NET: 1} {
		if fams[fam] < want {
			t.Errorf("family %s has %d models, want at least %d", fam, fams[fam], want)
		}
	}
	// Constructed targets: these are [D] values, so exact.
	for _, c := range []struct {
		model string
		get   func(Derived) float64
		want  float64
	}{
		{"glt1-bergles2002", func(d Derived) float64 { return d.Buffering }, 0.35},
		{"glt1-bergles2002", func(d Derived) float64 { return d.KmUM }, 18},
		{"glt1-mm", func(d Derived) float64 { return d.KcatPerS }, 14},
		{"dat-erreger2008", func(d Derived) float64 { return d.KmUM }, 0.2},
		{"dat-erreger2008", func(d Derived) float64 { return d.KcatPerS }, 4},
		{"net-cycle", func(d Derived) float64 { return d.KmUM }, 0.4},
	} {
		m, err := Lookup(c.model)
		if err != nil {
			t.Fatal(err)
		}
		d, _ := Derive(m.Scheme, m.Substrate)
		if rel(c.get(d), c.want) > 1e-6 {
			t.Errorf("%s: got %g, want %g", c.model, c.get(d), c.want)
		}
	}
}

func TestLookup(t *testing.T) {
	if _, err := Lookup("GLT1-Preset"); err != nil {
		t.Errorf("case-insensitive lookup: %v", err)
	}
	_, err := Lookup("glt1-bergles")
	if err == nil || !strings.Contains(err.Error(), `did you mean "glt1-bergles2002"`) || !strings.Contains(err.Error(), "dat-mm") {
		t.Errorf("unknown name: %v", err)
	}
	m, _ := Lookup("dat-preset")
	s := m.WithSubstrate("dopamine")
	for _, tr := range s.Transitions {
		if tr.Species == "da" {
			t.Errorf("WithSubstrate left %v", tr)
		}
	}
	if m.Scheme.Transitions[0].Species != "da" {
		t.Error("WithSubstrate changed the library")
	}
	for _, c := range []struct{ in, want string }{{"eaat2", GLT1}, {"GLT-1", GLT1}, {"EAAT3", EAAC1}, {"dat", DAT}} {
		if got, ok := FamilyOfClass(c.in); !ok || got != c.want {
			t.Errorf("FamilyOfClass(%q) = %q, %v", c.in, got, ok)
		}
	}
}

func TestSetRate(t *testing.T) {
	for _, m := range All() {
		if len(m.RateNames) != len(m.Scheme.Transitions) {
			t.Errorf("%s: %d rate names for %d transitions", m.Name, len(m.RateNames), len(m.Scheme.Transitions))
		}
	}
	m, _ := Lookup("glt1-preset")
	orig := m.Scheme.Transitions[4].Rate
	if err := m.SetRate("k4", 0.02); err != nil || m.Scheme.Transitions[4].Rate != 0.02 {
		t.Errorf("SetRate k4: %v, rate %g", err, m.Scheme.Transitions[4].Rate)
	}
	if fresh, _ := Lookup("glt1-preset"); fresh.Scheme.Transitions[4].Rate != orig {
		t.Error("SetRate changed the library")
	}
	if err := m.SetRate("k9", 1); err == nil || !strings.Contains(err.Error(), "k-1") {
		t.Errorf("unknown rate: %v", err)
	}
	if !m.IsBinding("k1") || m.IsBinding("k2") {
		t.Error("IsBinding")
	}
}
