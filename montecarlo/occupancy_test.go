package montecarlo

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/reuptake/reuptake/agents"
	"github.com/reuptake/reuptake/space"
	"gonum.org/v1/gonum/stat"
)

// twoSite is a receptor with two binding sites for species lig (diffusing
// or bath), with independent-site rates: R →2k_on→ RL →k_on→ RLL and
// RLL →2k_off→ RL →k_off→ R.
func twoSite(lig string, kon, koff float64) agents.Scheme {
	return agents.Scheme{States: []string{"R", "RL", "RLL"}, Transitions: []agents.Transition{
		{From: "R", To: "RL", Kind: agents.Bind, Species: lig, Rate: 2 * kon},
		{From: "RL", To: "RLL", Kind: agents.Bind, Species: lig, Rate: kon},
		{From: "RLL", To: "RL", Kind: agents.Unbind, Species: lig, Rate: 2 * koff},
		{From: "RL", To: "R", Kind: agents.Unbind, Species: lig, Rate: koff},
	}}
}

// occupancyCleft is a small cleft with surface sites r (psd, peri, pre)
// and volume sites v (cleft, extrasynaptic) in fixed states: the receptors
// have two sites for glu, and nothing moves (no glu, no unbinding within
// the run).
func occupancyCleft(obs ...ObservableSpec) Spec {
	frozen := twoSite("glu", KOnFromMolar(1e6), 1e-12)
	return Spec{
		Geometry: GeometrySpec{Kind: "cleft", Cleft: space.CleftSpec{Voxel: 0.01, Width: 0.02, SynapseRadius: 0.1,
			PSDRadius: 0.08, MembraneRadius: 0.15, HalfWidth: 0.2, HalfHeight: 0.1}},
		Species: []SpeciesSpec{{Name: "glu", D: 0.3}},
		Baths:   []BathSpec{{Name: "drug", Conc: ConcFromMolar(1e-6)}},
		SiteTypes: []SiteTypeSpec{
			{Name: "r", Scheme: frozen},
			{Name: "v", Scheme: frozen},
		},
		Placements: []PlacementSpec{
			{Site: "r", Region: "psd", Count: 10, State: "RLL"},
			{Site: "r", Region: "peri", Count: 20, State: "RL"},
			{Site: "r", Region: "pre", Count: 30, State: "R"},
			{Site: "v", Region: "cleft", Count: 5, State: "RLL"},
			{Site: "v", Region: "extrasynaptic", Count: 15, State: "RL"},
		},
		Observables: obs,
		Run:         RunSpec{Duration: 0.01, SampleInterval: 0.005},
	}
}

// TestOccupancyExact checks occupancy and above_threshold by region
// against sites placed in known states, the default column names, units
// and order, for surface and volume sites and for the all-sites (state
// count) and by-region (scan) paths.
func TestOccupancyExact(t *testing.T) {
	cases := []struct {
		obs  ObservableSpec
		name string
		unit string
		want float64
	}{
		{ObservableSpec{Kind: "occupancy", Site: "r", Species: "glu", Region: "psd"}, "occupancy_r_glu_psd", "1", 1},
		{ObservableSpec{Kind: "occupancy", Site: "r", Region: "peri"}, "occupancy_r_glu_peri", "1", 0.5},
		{ObservableSpec{Kind: "occupancy", Site: "r", Region: "pre"}, "occupancy_r_glu_pre", "1", 0},
		{ObservableSpec{Kind: "occupancy", Site: "r"}, "occupancy_r_glu", "1", (10 + 10) / 60.0},
		{ObservableSpec{Kind: "occupancy", Site: "v", Region: "cleft"}, "occupancy_v_glu_cleft", "1", 1},
		{ObservableSpec{Kind: "occupancy", Site: "v", Region: "extrasynaptic", Name: "v_extra"}, "v_extra", "1", 0.5},
		{ObservableSpec{Kind: "occupancy", Site: "v"}, "occupancy_v_glu", "1", (5 + 7.5) / 20},
		{ObservableSpec{Kind: "above_threshold", Site: "r", Threshold: 0.5}, "above50_r_glu", "sites", 30},
		{ObservableSpec{Kind: "above_threshold", Site: "r", Threshold: 0.5000001}, "above50p00001_r_glu", "sites", 10},
		{ObservableSpec{Kind: "above_threshold", Site: "r", Threshold: 1}, "above100_r_glu", "sites", 10},
		{ObservableSpec{Kind: "above_threshold", Site: "r", Region: "peri", Threshold: 0.25}, "above25_r_glu_peri", "sites", 20},
		{ObservableSpec{Kind: "above_threshold", Site: "r", Region: "pre", Threshold: 0.1}, "above10_r_glu_pre", "sites", 0},
		{ObservableSpec{Kind: "above_threshold", Site: "v", Region: "extrasynaptic", Threshold: 0.5}, "above50_v_glu_extrasynaptic", "sites", 15},
		{ObservableSpec{Kind: "above_threshold", Site: "v", Threshold: 1}, "above100_v_glu", "sites", 5},
	}
	var obs []ObservableSpec
	for i, c := range cases {
		obs = append(obs, c.obs)
		if i == 3 { // a probe between them keeps its place in the order
			obs = append(obs, ObservableSpec{Kind: "concentration_at", Species: "glu", At: [3]float64{0, 0, 0}, Radius: 0.01, Name: "probe"})
		}
	}
	m, err := NewModel(occupancyCleft(obs...))
	if err != nil {
		t.Fatal(err)
	}
	cols := m.Columns()
	first := m.Column(cases[0].name)
	if first < 0 || m.Column("probe") != first+4 {
		t.Fatalf("columns %v", cols)
	}
	r := RunReplicate(m, 1, 0)
	for _, c := range cases {
		k := m.Column(c.name)
		if k < 0 {
			t.Errorf("no column %q", c.name)
			continue
		}
		if cols[k].Unit != c.unit || cols[k].Description == "" {
			t.Errorf("%s: unit %q, description %q", c.name, cols[k].Unit, cols[k].Description)
		}
		for i, row := range r.Rows {
			if math.Abs(row[k]-c.want) > 1e-12 {
				t.Errorf("%s at %g ms = %v, want %v", c.name, r.T[i], row[k], c.want)
			}
		}
	}
}

// meanSE is the mean of xs and its standard error from the sample SD.
func meanSE(xs []float64) (mean, se float64) {
	mean, sd := stat.MeanStdDev(xs, nil)
	return mean, sd / math.Sqrt(float64(len(xs)))
}

// TestOccupancyDissociation: two-site receptors loaded with glu that
// practically cannot rebind it (each bound molecule leaves independently
// at k_off) hold Binomial(2, e^{−k_off t}) molecules at t. The mean
// occupancy is
// e^{−k_off t}, the fraction at least half occupied 1 − (1 − e^{−k_off t})²
// and the fraction fully occupied e^{−2k_off t}; sites are independent, so
// the SE is binomial over sites × replicates. Checked by region (the scan
// path, zmin only) and over all sites (the state-count path), unsharded
// and with 3 spatial shards.
func TestOccupancyDissociation(t *testing.T) {
	const (
		koff = 1.0 // 1/ms
		per  = 150 // sites per region
		reps = 20
	)
	spec := Spec{
		Geometry: GeometrySpec{Kind: "box", Box: space.BoxSpec{Size: [3]float64{1, 1, 1}, Voxel: 0.05}},
		Species:  []SpeciesSpec{{Name: "glu", D: 0.1}},
		// k_on = 1e-3 /M/s: rebinding of the freed glu has a probability
		// of order 1e-15 over the run.
		SiteTypes: []SiteTypeSpec{{Name: "r", Scheme: twoSite("glu", KOnFromMolar(1e-3), koff)}},
		Placements: []PlacementSpec{
			{Site: "r", Region: "zmin", Count: per, State: "RLL"},
			{Site: "r", Region: "zmax", Count: per, State: "RLL"},
		},
		Observables: []ObservableSpec{
			{Kind: "occupancy", Site: "r", Region: "zmin", Name: "occ_zmin"},
			{Kind: "occupancy", Site: "r", Name: "occ_all"},
			{Kind: "above_threshold", Site: "r", Region: "zmin", Threshold: 0.5, Name: "half_zmin"},
			{Kind: "above_threshold", Site: "r", Threshold: 1, Name: "full_all"},
		},
		Run: RunSpec{Dt: 0.01, Duration: 2, SampleInterval: 0.5},
	}
	// With 3 spatial shards the sites of zmin and zmax belong to
	// different shards; the columns read the states they share.
	for _, shards := range []int{1, 3} {
		spec.Run.Shards = shards
		t.Run(fmt.Sprintf("shards=%d", shards), func(t *testing.T) {
			m, err := NewModel(spec)
			if err != nil {
				t.Fatal(err)
			}
			var rows [][][]float64
			for rep := 0; rep < reps; rep++ {
				rows = append(rows, RunReplicate(m, 5, rep).Rows)
			}
			worst := 0.0
			for _, tc := range []struct {
				col   string
				sites int
				frac  bool // the column is a mean over sites, else a count
				p     func(q float64) float64
				// var is the variance of one site's contribution.
				v func(q float64) float64
			}{
				{"occ_zmin", per, true, func(q float64) float64 { return q }, func(q float64) float64 { return q * (1 - q) / 2 }},
				{"occ_all", 2 * per, true, func(q float64) float64 { return q }, func(q float64) float64 { return q * (1 - q) / 2 }},
				{"half_zmin", per, false, func(q float64) float64 { return 1 - (1-q)*(1-q) }, nil},
				{"full_all", 2 * per, false, func(q float64) float64 { return q * q }, nil},
			} {
				k := m.Column(tc.col)
				for i := 1; i < len(rows[0]); i++ {
					tm := float64(i) * spec.Run.SampleInterval
					q := math.Exp(-koff * tm)
					p := tc.p(q)
					v := p * (1 - p)
					if tc.v != nil {
						v = tc.v(q)
					}
					var xs []float64
					for _, r := range rows {
						x := r[i][k]
						if !tc.frac {
							x /= float64(tc.sites)
						}
						xs = append(xs, x)
					}
					mean, sampleSE := meanSE(xs)
					se := math.Sqrt(v / float64(tc.sites*reps))
					z := (mean - p) / se
					worst = math.Max(worst, math.Abs(z))
					t.Logf("%s at %g ms: %.4f, theory %.4f ± %.4f (sample SE %.4f), z = %.2f", tc.col, tm, mean, p, se, sampleSE, z)
					if math.Abs(z) >= 4 {
						t.Errorf("%s at %g ms: %.4f, want %.4f ± %.4f (z = %.2f)", tc.col, tm, mean, p, se, z)
					}
				}
			}
			t.Logf("largest |z| = %.2f", worst)
		})
	}
}

// TestOccupancyBathEquilibrium: sites binding a clamped ligand at
// concentration c (pseudo-first-order k_on·c, unbinding k_off) reach the
// occupancy c/(c + K_d), K_d = k_off/k_on; a two-site receptor with
// independent sites has Binomial(2, c/(c + K_d)) bound, so the fraction
// of receptors at least half occupied is 1 − (1 − p)² and fully occupied
// p². A blocker drug (cocaine at 1 µM, K_i 300 nM on DAT) starts at and
// keeps [I]/([I] + K_i). The time average of each column after
// equilibration is compared with theory, the SE from the spread of the
// replicates' time averages (independent replicates).
func TestOccupancyBathEquilibrium(t *testing.T) {
	const (
		koff = 1.0 // 1/ms
		per  = 300
		reps = 24
		skip = 5.0 // ms of equilibration (relaxation rate ≥ 3/ms)
	)
	kon := KOnFromMolar(1e6)
	kd := koff / kon
	c := 2 * kd // p = 2/3
	dat := agents.Scheme{States: []string{"To", "ToS"}, Transitions: []agents.Transition{
		{From: "To", To: "ToS", Kind: agents.Bind, Species: "da", Rate: KOnFromMolar(1e7)},
		{From: "ToS", To: "To", Kind: agents.Transport, Species: "da", Rate: 1},
	}}
	one := agents.Scheme{States: []string{"R", "RL"}, Transitions: []agents.Transition{
		{From: "R", To: "RL", Kind: agents.Bath, Species: "lig", Rate: kon},
		{From: "RL", To: "R", Kind: agents.Unbind, Species: "lig", Rate: koff},
	}}
	spec := Spec{
		Geometry: GeometrySpec{Kind: "box", Box: space.BoxSpec{Size: [3]float64{1, 1, 1}, Voxel: 0.05}},
		Species:  []SpeciesSpec{{Name: "da", D: 0.1}},
		Baths:    []BathSpec{{Name: "lig", Conc: c}},
		Drugs:    []DrugSpec{{Name: "cocaine", Conc: ConcFromMolar(1e-6)}},
		SiteTypes: []SiteTypeSpec{
			{Name: "one", Scheme: one},
			{Name: "two", Scheme: twoSite("lig", kon, koff)},
			{Name: "dat", Scheme: dat, Transporter: "DAT"},
		},
		Placements: []PlacementSpec{
			{Site: "one", Region: "zmin", Count: per},
			{Site: "two", Region: "zmax", Count: per},
			{Site: "dat", Region: "xmin", Count: per},
		},
		Observables: []ObservableSpec{
			{Kind: "occupancy", Site: "one", Species: "lig"},
			{Kind: "occupancy", Site: "two", Species: "lig"},
			{Kind: "above_threshold", Site: "two", Species: "lig", Threshold: 0.5},
			{Kind: "above_threshold", Site: "two", Species: "lig", Threshold: 1},
			{Kind: "occupancy", Site: "dat", Species: "cocaine", Region: "xmin"},
		},
		Run: RunSpec{Dt: 0.01, Duration: 45, SampleInterval: 0.1},
	}
	m, err := NewModel(spec)
	if err != nil {
		t.Fatal(err)
	}
	p := c / (c + kd)
	x := 1 / (1 + 0.3) // [I]/([I] + Ki), [I] = 1 µM, Ki = 0.3 µM
	cases := []struct {
		col    string
		sites  float64 // divide a count column by this
		want   float64
		relax  float64 // 1/ms, for the analytic SE of a two-state site
		single bool
	}{
		{"occupancy_one_lig", 1, p, kon*c + koff, true},
		{"occupancy_two_lig", 1, p, kon*c + koff, false},
		{"above50_two_lig", per, 1 - (1-p)*(1-p), 0, false},
		{"above100_two_lig", per, p * p, 0, false},
		{"occupancy_dat_cocaine_xmin", 1, x, 0, false},
	}
	means := make([][]float64, len(cases))
	idx := make([]int, reps)
	for i := range idx {
		idx[i] = i
	}
	err = Runner{}.Run(context.Background(), m, 9, idx, func(r Replicate) error {
		for j, cs := range cases {
			k := m.Column(cs.col)
			s, n := 0.0, 0
			for i, row := range r.Rows {
				if r.T[i] >= skip-1e-9 {
					s += row[k] / cs.sites
					n++
				}
			}
			means[j] = append(means[j], s/float64(n))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for j, cs := range cases {
		mean, se := meanSE(means[j])
		z := (mean - cs.want) / se
		msg := ""
		if cs.single {
			// Two-state site sampled every δ over T: Var ≈ p(1−p)/n·(1+r)/(1−r), r = e^{−λδ}.
			n := (spec.Run.Duration - skip) / spec.Run.SampleInterval
			r := math.Exp(-cs.relax * spec.Run.SampleInterval)
			an := math.Sqrt(p * (1 - p) / n * (1 + r) / (1 - r) / float64(per*reps))
			msg = fmt.Sprintf(", analytic SE %.4f", an)
		}
		t.Logf("%s: %.4f ± %.4f, theory %.4f, z = %.2f%s", cs.col, mean, se, cs.want, z, msg)
		if math.Abs(z) >= 4 {
			t.Errorf("%s: %.4f ± %.4f, want %.4f (z = %.2f)", cs.col, mean, se, cs.want, z)
		}
	}
}

// TestOccupancyRefused: bad occupancy observables are refused, naming the
// field.
func TestOccupancyRefused(t *testing.T) {
	for _, tc := range []struct {
		name string
		obs  ObservableSpec
		path string
		want string
	}{
		{"unknown site", ObservableSpec{Kind: "occupancy", Site: "nope"}, "observables[0].site", `unknown site type "nope" (site types: r, v)`},
		{"no site", ObservableSpec{Kind: "occupancy"}, "observables[0].site", "needs a site type"},
		{"unknown region", ObservableSpec{Kind: "occupancy", Site: "r", Region: "psdd"}, "observables[0].region", `no region "psdd"`},
		{"region without those sites", ObservableSpec{Kind: "occupancy", Site: "r", Region: "post"}, "observables[0].region", "no r sites are placed in region \"post\" (they are placed in: psd, peri, pre)"},
		{"volume region without those sites", ObservableSpec{Kind: "occupancy", Site: "v", Region: "perisynaptic"}, "observables[0].region", "placed in: cleft, extrasynaptic"},
		{"unknown species", ObservableSpec{Kind: "occupancy", Site: "r", Species: "gaba"}, "observables[0].species", `unknown species "gaba" (diffusing and bath species: glu, drug)`},
		{"species never held", ObservableSpec{Kind: "occupancy", Site: "r", Species: "drug"}, "observables[0].species", "r sites never hold drug"},
		{"threshold zero", ObservableSpec{Kind: "above_threshold", Site: "r"}, "observables[0].threshold", "in (0, 1]"},
		{"threshold above one", ObservableSpec{Kind: "above_threshold", Site: "r", Threshold: 1.5}, "observables[0].threshold", "got 1.5"},
		{"threshold negative", ObservableSpec{Kind: "above_threshold", Site: "r", Threshold: -0.5}, "observables[0].threshold", "in (0, 1]"},
		{"threshold NaN", ObservableSpec{Kind: "above_threshold", Site: "r", Threshold: math.NaN()}, "observables[0].threshold", "in (0, 1]"},
		{"threshold on occupancy", ObservableSpec{Kind: "occupancy", Site: "r", Threshold: 0.5}, "observables[0].threshold", "applies only to kind above_threshold"},
		{"radius on occupancy", ObservableSpec{Kind: "occupancy", Site: "r", Radius: 0.1}, "observables[0].radius", "applies only to kind concentration_at"},
		{"site on a probe", ObservableSpec{Kind: "concentration_at", Species: "glu", Radius: 0.01, Site: "r"}, "observables[0].site", "applies to kinds occupancy and above_threshold"},
		{"unknown kind", ObservableSpec{Kind: "occupation", Site: "r"}, "observables[0].kind", "want concentration_at, occupancy or above_threshold"},
		{"name clash", ObservableSpec{Kind: "occupancy", Site: "r", Name: "free_total"}, "observables[0].name", `column "free_total" is already defined`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := NewModel(occupancyCleft(tc.obs))
			var fe *FieldError
			if !errors.As(err, &fe) {
				t.Fatalf("got %v, want a FieldError", err)
			}
			if fe.Path != tc.path || !strings.Contains(fe.Msg, tc.want) {
				t.Errorf("got %v\nwant %s: …%s…", err, tc.path, tc.want)
			}
		})
	}
	// Two observables with one name.
	o := ObservableSpec{Kind: "occupancy", Site: "r"}
	_, err := NewModel(occupancyCleft(o, o))
	if err == nil || !strings.Contains(err.Error(), `observables[1].name: column "occupancy_r_glu" is already defined`) {
		t.Errorf("got %v", err)
	}
	// A species the receptor does not hold, and a substrate drug whose
	// occupancy is not defined by its scheme.
	s := occupancyCleft(ObservableSpec{Kind: "occupancy", Site: "r", Species: "amphetamine"})
	s.SiteTypes[0] = SiteTypeSpec{Name: "r", Transporter: "DAT", Inward: "Ti", Scheme: agents.Scheme{
		States: []string{"To", "ToS", "Ti"},
		Transitions: []agents.Transition{
			{From: "To", To: "ToS", Kind: agents.Bind, Species: "glu", Rate: KOnFromMolar(1e6)},
			{From: "ToS", To: "Ti", Kind: agents.Transport, Species: "glu", Rate: 1},
			{From: "Ti", To: "To", Kind: agents.FirstOrder, Rate: 1},
		}}}
	s.Drugs = []DrugSpec{{Name: "amphetamine", Conc: ConcFromMolar(1e-6)}}
	for i := range s.Placements {
		s.Placements[i].State = ""
	}
	_, err = NewModel(s)
	if err == nil || !strings.Contains(err.Error(), "observables[0].species: r sites: state") || !strings.Contains(err.Error(), "occupancy is not defined") {
		t.Errorf("got %v", err)
	}
}
