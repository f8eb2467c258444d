package agents

import (
	"sort"
	"testing"
)

// TestDrugTable checks the drug table against docs/parameters.md §A6 and its
// own invariants: names usable as species, a source for every value,
// substrate rates for substrates only.
func TestDrugTable(t *testing.T) {
	want := map[string]map[string]float64{
		"fluoxetine":      {SERT: 0.8, NET: 240, DAT: 3600},
		"citalopram":      {SERT: 1.2, NET: 4070, DAT: 28100},
		"escitalopram":    {SERT: 1.1},
		"sertraline":      {SERT: 0.29, NET: 420, DAT: 25},
		"paroxetine":      {SERT: 0.13, NET: 40, DAT: 490},
		"bupropion":       {SERT: 9100, NET: 52000, DAT: 520},
		"cocaine":         {SERT: 300, NET: 300, DAT: 300},
		"methylphenidate": {SERT: 100000, NET: 100, DAT: 100},
		"amphetamine":     {SERT: 30000, NET: 85, DAT: 600},
	}
	names := DrugNames()
	if !sort.StringsAreSorted(names) || len(names) != len(want) {
		t.Fatalf("drug names %v", names)
	}
	for _, d := range Drugs() {
		w, ok := want[d.Name]
		if !ok {
			t.Errorf("unexpected drug %s", d.Name)
			continue
		}
		if len(d.Ki) != len(w) {
			t.Errorf("%s: Ki at %d transporters, want %d", d.Name, len(d.Ki), len(w))
		}
		for c, ki := range w {
			a := d.Ki[c]
			if a.KiNM != ki || a.Source == "" {
				t.Errorf("%s at %s: %+v, want Ki %g nM with a source", d.Name, c, a, ki)
			}
		}
		if (d.Kind == Substrate) != (d.Translocation > 0 && d.ReleaseInside > 0) {
			t.Errorf("%s: kind %v with rates %g, %g", d.Name, d.Kind, d.Translocation, d.ReleaseInside)
		}
		for _, r := range d.Name {
			if !(r >= 'a' && r <= 'z') {
				t.Errorf("%s is not a plain lower-case name", d.Name)
			}
		}
	}
	if d, ok := LookupDrug("Cocaine"); !ok || d.Name != "cocaine" {
		t.Error("LookupDrug is not case-insensitive")
	}
	if _, ok := LookupDrug("caffeine"); ok {
		t.Error("LookupDrug found caffeine")
	}
	// Drugs returns copies.
	Drugs()[0].Ki[DAT] = Affinity{KiNM: -1}
	if Drugs()[0].Ki[DAT].KiNM == -1 {
		t.Error("Drugs exposes the table")
	}
	if c, ok := TransporterClass("sert"); !ok || c != SERT {
		t.Error("TransporterClass(sert)")
	}
	if _, ok := TransporterClass("GAT1"); ok {
		t.Error("TransporterClass(GAT1)")
	}
	for _, k := range []DrugKind{Blocker, Substrate} {
		if got, ok := ParseDrugKind(k.String()); !ok || got != k {
			t.Errorf("ParseDrugKind(%q)", k)
		}
	}
}

// TestCompileCharge: charge travels with unimolecular transitions and is
// refused on the binding of a diffusing species.
func TestCompileCharge(t *testing.T) {
	s := Scheme{States: []string{"To", "ToS", "Ti"}, Transitions: []Transition{
		{From: "To", To: "ToS", Kind: Bind, Species: "glu", Rate: 1e-5},
		{From: "ToS", To: "Ti", Kind: Transport, Species: "glu", Rate: 1, Charge: 2},
		{From: "Ti", To: "To", Kind: FirstOrder, Rate: 0.1, Charge: -1},
	}}
	c, err := s.Compile([]string{"glu"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.Out[1][0].Charge != 2 || c.Out[2][0].Charge != -1 {
		t.Errorf("charges %+v %+v", c.Out[1], c.Out[2])
	}
	s.Transitions[0].Charge = 1
	if _, err := s.Compile([]string{"glu"}, nil); err == nil {
		t.Error("a charged bind compiled")
	}
}
