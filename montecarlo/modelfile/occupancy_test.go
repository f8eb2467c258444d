package modelfile

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/reuptake/reuptake/montecarlo"
)

// occupancyObservables are added to the small model: AMPA receptors in the
// psd and glt1 transporters on the peri ring.
const occupancyObservables = `observables:
  - {kind: occupancy, site: ampa, species: glu, region: psd, name: occ_psd}
  - kind: above_threshold
    site: ampa
    threshold: 50 %
  - {kind: occupancy, site: glt1}
  - {kind: concentration_at, species: glu, at: [0 um, 0 um, 0 um], radius: 20 nm, name: c0}
run:`

func occupancyModel() string {
	return strings.Replace(smallModel(), "run:", occupancyObservables, 1)
}

// TestOccupancyDecode reads occupancy and above_threshold observables,
// overrides them by name, and runs the model: the columns exist with
// their units, and the transporters start (and, with no glu near most of
// them, stay) unbound by the drug at t = 0.
func TestOccupancyDecode(t *testing.T) {
	text := occupancyModel()
	s, _, err := Parse("m.yaml", []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	o := s.Observables
	if len(o) != 4 || o[0].Kind != "occupancy" || o[0].Site != "ampa" || o[0].Species != "glu" || o[0].Region != "psd" || o[0].Name != "occ_psd" ||
		o[1].Kind != "above_threshold" || o[1].Threshold != 0.5 || o[1].Species != "" || o[2].Species != "" || o[3].Radius != 0.02 {
		t.Fatalf("observables %+v", o)
	}
	s, err = ParseWithOverrides("m.yaml", []byte(text), []string{"observables.occ_psd.region=peri", "observables.occ_psd.site=glt1", "observables.occ_psd.species=glu",
		"observables[1].threshold=1"})
	if err != nil {
		t.Fatal(err)
	}
	if o := s.Observables; o[0].Region != "peri" || o[0].Site != "glt1" || o[1].Threshold != 1 {
		t.Errorf("overridden %+v", o)
	}
	m, err := LoadBytes("m.yaml", []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	r := m.Columns()
	for _, c := range []struct{ name, unit string }{{"occ_psd", "1"}, {"above50_ampa_glu", "sites"}, {"occupancy_glt1_glu", "1"}, {"c0", "uM"}} {
		k := m.Column(c.name)
		if k < 0 || r[k].Unit != c.unit {
			t.Errorf("column %s: index %d, columns %v", c.name, k, r)
		}
	}
	res := montecarlo.RunReplicate(m, 1, 0).Rows
	if v := res[0][m.Column("occ_psd")]; v != 0 {
		t.Errorf("occupancy at t = 0 is %v, want 0", v)
	}
	for _, row := range res {
		for _, c := range []string{"occ_psd", "occupancy_glt1_glu"} {
			if v := row[m.Column(c)]; v < 0 || v > 1 || math.IsNaN(v) {
				t.Fatalf("%s = %v", c, v)
			}
		}
	}
}

// TestOccupancyDecodeErrors: mistakes are reported at their position,
// by the decoder or (names that refer to other parts, and what needs the
// compiled model) by NewModel.
func TestOccupancyDecodeErrors(t *testing.T) {
	for _, tc := range []struct {
		name, old, new, needle, path string
		compile                      bool
		want                         []string
	}{
		{"unknown kind", "kind: occupancy, site: ampa, species: glu", "kind: ocupancy, site: ampa, species: glu", "ocupancy", "observables[0].kind", false,
			[]string{`did you mean "occupancy"`}},
		{"unknown site", "site: ampa, species: glu", "site: ampx, species: glu", "ampx", "observables[0].site", true,
			[]string{`unknown site type "ampx"`, `did you mean "ampa"`}},
		{"unknown region", "region: psd, name", "region: psdd, name", "psdd", "observables[0].region", true,
			[]string{`no region "psdd"`, `did you mean "psd"`, "membrane regions, for surface sites"}},
		{"unknown species", "site: glt1}", "site: glt1, species: drugg}", "drugg", "observables[2].species", true,
			[]string{`unknown species "drugg"`, `did you mean "drug"`}},
		{"missing threshold", "    threshold: 50 %\n", "", "kind: above_threshold", "observables[1].threshold", false,
			[]string{"is required", "(0, 1]"}},
		{"threshold above 1", "threshold: 50 %", "threshold: 1.5", "1.5", "observables[1].threshold", false,
			[]string{"(0, 1]", "1.5"}},
		{"threshold zero", "threshold: 50 %", "threshold: 0", "0\n", "observables[1].threshold", false,
			[]string{"must be positive"}},
		{"threshold with a unit", "threshold: 50 %", "threshold: 0.5 ms", "0.5 ms", "observables[1].threshold", false,
			[]string{"time"}},
		{"threshold on occupancy", "region: psd, name: occ_psd", "region: psd, threshold: 0.5, name: occ_psd", "threshold", "observables[0].threshold", false,
			[]string{"not a field of kind occupancy"}},
		{"radius on occupancy", "region: psd, name: occ_psd", "region: psd, radius: 1 um, name: occ_psd", "radius", "observables[0].radius", false,
			[]string{"not a field of kind occupancy"}},
		{"site on a probe", "species: glu, at:", "species: glu, site: ampa, at:", "site: ampa, at", "observables[3].site", false,
			[]string{"not a field of kind concentration_at"}},
		{"missing site", "{kind: occupancy, site: glt1}", "{kind: occupancy, species: glu}", "{kind: occupancy, species", "observables[2].site", false,
			[]string{"is required"}},
		{"region without those sites", "region: psd, name", "region: peri, name", "peri, name", "observables[0].region", true,
			[]string{`no ampa sites are placed in region "peri" (they are placed in: psd)`}},
		{"species never held", "site: ampa, species: glu", "site: ampa, species: drug", "drug, region", "observables[0].species", true,
			[]string{"ampa sites never hold drug"}},
		{"bath occupancy undefined", "site: glt1}", "site: glt1, species: drug}", "drug}", "observables[2].species", true,
			[]string{`glt1 sites: state "Ti" is reached holding 1 and 0 molecules of drug, so its occupancy is not defined`}},
		{"name clash", "name: occ_psd", "name: free_total", "free_total", "observables[0].name", true,
			[]string{`column "free_total" is already defined`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			base := occupancyModel()
			if !strings.Contains(base, tc.old) {
				t.Fatalf("%q not in the model", tc.old)
			}
			text := strings.Replace(base, tc.old, tc.new, 1)
			var err error
			if tc.compile {
				_, err = LoadBytes("m.yaml", []byte(text))
			} else {
				_, _, err = Parse("m.yaml", []byte(text))
			}
			var list ErrorList
			if !errors.As(err, &list) || len(list) == 0 {
				t.Fatalf("got %v, want an ErrorList", err)
			}
			line, col := where(t, text, "observables:", tc.needle)
			prefix := fmt.Sprintf("m.yaml:%d:%d: %s: ", line, col, tc.path)
			if !strings.HasPrefix(list[0].Error(), prefix) {
				t.Errorf("got  %q\nwant prefix %q", list[0], prefix)
			}
			for _, w := range tc.want {
				if !strings.Contains(list[0].Error(), w) {
					t.Errorf("%q does not mention %q", list[0], w)
				}
			}
		})
	}
}
