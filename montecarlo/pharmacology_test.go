package montecarlo

import (
	"context"
	"math"
	"strings"
	"testing"

	"github.com/reuptake/reuptake/agents"
	"github.com/reuptake/reuptake/space"
)

// transporterSpec is a small reflecting box with a charged transporter
// cycle as volume sites (every transition kind that volume sites use:
// bind, unbind, first-order, transport with charge, emit) and an initial
// load of substrate.
func transporterSpec() Spec {
	t := agents.Scheme{
		States: []string{"To", "ToS", "TiS", "Ti", "TiC"},
		Transitions: []agents.Transition{
			{From: "To", To: "ToS", Kind: agents.Bind, Species: "s", Rate: KOnFromMolar(5e7)},
			{From: "ToS", To: "To", Kind: agents.Unbind, Species: "s", Rate: 0.5},
			{From: "ToS", To: "TiS", Kind: agents.FirstOrder, Rate: 0.5},
			{From: "TiS", To: "Ti", Kind: agents.Transport, Species: "s", Rate: 1, Charge: 2},
			{From: "Ti", To: "To", Kind: agents.FirstOrder, Rate: 0.2},
			{From: "Ti", To: "TiC", Kind: agents.Bath, Species: "cyt", Rate: KOnFromMolar(1e7)},
			{From: "TiC", To: "To", Kind: agents.Emit, Species: "s", Rate: 0.1, Charge: -1},
		},
	}
	return Spec{
		Geometry:   GeometrySpec{Kind: "box", Box: space.BoxSpec{Size: [3]float64{0.5, 0.5, 0.5}, Voxel: 0.05}},
		Species:    []SpeciesSpec{{Name: "s", D: 0.5}},
		Baths:      []BathSpec{{Name: "cyt", Conc: ConcFromMolar(10e-6)}},
		SiteTypes:  []SiteTypeSpec{{Name: "t", Scheme: t, Transporter: "DAT", Inward: "Ti"}},
		Placements: []PlacementSpec{{Site: "t", Region: "box", VolumeDensity: ConcFromMolar(20e-6)}},
		Releases:   []ReleaseSpec{{Release: agents.Release{Species: "s", At: [3]float64{0.25, 0.25, 0.25}, N: 2000}}},
		Run:        RunSpec{Dt: 1e-3, Duration: 20, SampleInterval: 0.1, Replicates: 2, Seed: 3},
	}
}

func TestVolumeSitesConservationAndCharge(t *testing.T) {
	m, err := NewModel(transporterSpec())
	if err != nil {
		t.Fatal(err)
	}
	want := int(math.Round(ConcFromMolar(20e-6) * 0.125))
	e := NewEngine(m)
	e.Reset(1, 0)
	if got := e.sites.Len(); got != want {
		t.Fatalf("%d volume sites, want round(density·α·V) = %d", got, want)
	}
	for s := range e.sites.Type {
		if e.sites.Tile[s] != -1 || m.Grid.Kind(int(e.sites.Voxel[s])) != space.Free {
			t.Fatalf("site %d: tile %d voxel %d", s, e.sites.Tile[s], e.sites.Voxel[s])
		}
	}
	for i := 0; i < m.Steps(); i++ {
		e.Step()
		c := e.Counts(0)
		if c.Released+c.Emitted != c.Free+c.Bound+c.Transported+c.Degraded+c.Escaped {
			t.Fatalf("step %d: conservation broken: %+v", i, c)
		}
	}
	c := e.Counts(0)
	if c.Transported == 0 || c.Emitted == 0 || c.Bound == 0 {
		t.Fatalf("transport, emission and binding should all occur: %+v", c)
	}
	// The transporter current integrates to the charge moved: 2 e per
	// transport, −1 per emission; inward charge is a negative current.
	r := RunReplicate(m, 5, 1)
	ci, ct, ce := m.Column("transporter_current_pA"), m.Column("transported"), m.Column("emitted")
	if ci < 0 {
		t.Fatal("no transporter_current_pA column")
	}
	lastRow := r.Rows[len(r.Rows)-1]
	q := -(2*lastRow[ct] - lastRow[ce]) * elementaryChargePAms
	var got float64
	for i, col := range m.SummaryColumns() {
		if col.Name == "transporter_charge_fC" {
			got = r.Summary[i]
		}
	}
	if math.Abs(got-q) > 1e-9*math.Abs(q) || q == 0 {
		t.Errorf("transporter_charge_fC = %v, want −(2·transported − emitted)·e = %v fC", got, q)
	}
	if r.Rows[0][ci] != 0 {
		t.Errorf("current at t = 0 is %v, want 0", r.Rows[0][ci])
	}
}

// TestVolumeDeterminism: results with volume sites and drugs do not depend
// on the number of workers.
func TestVolumeDeterminism(t *testing.T) {
	spec := transporterSpec()
	spec.Run.Duration = 2
	spec.Drugs = []DrugSpec{{Name: "cocaine", Conc: ConcFromMolar(1e-6)}, {Name: "amphetamine", Conc: ConcFromMolar(1e-6)}}
	m, err := NewModel(spec)
	if err != nil {
		t.Fatal(err)
	}
	run := func(workers int) [][]float64 {
		var out [][]float64
		err := Runner{Workers: workers}.Run(context.Background(), m, 9, []int{0, 1, 2, 3}, func(r Replicate) error {
			for _, row := range r.Rows {
				out = append(out, append([]float64(nil), row...))
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	a, b := run(1), run(3)
	for i := range a {
		for j := range a[i] {
			if math.Float64bits(a[i][j]) != math.Float64bits(b[i][j]) {
				t.Fatalf("row %d col %s differs: %v vs %v", i, m.Columns()[j].Name, a[i][j], b[i][j])
			}
		}
	}
}

// TestDrugExpansion checks the states and transitions a blocker and a
// substrate add, and the equilibrium initial occupancy.
func TestDrugExpansion(t *testing.T) {
	spec := transporterSpec()
	ic := ConcFromMolar(0.6e-6)
	spec.Drugs = []DrugSpec{{Name: "cocaine", Conc: ic}, {Name: "amphetamine", Conc: ConcFromMolar(2e-6), KOn: KOnFromMolar(1e6)}}
	m, err := NewModel(spec)
	if err != nil {
		t.Fatal(err)
	}
	st := m.SiteStates(0)
	if strings.Join(st, ",") != "To,ToS,TiS,Ti,TiC,blocked_cocaine,amphetamine_out,amphetamine_in" {
		t.Fatalf("states %v", st)
	}
	if len(m.Spec.Baths) != 1 || len(m.Spec.SiteTypes[0].Scheme.States) != 5 {
		t.Error("NewModel changed the caller's Spec")
	}
	c := m.schemes[0]
	found := 0
	for _, u := range c.Out[0] {
		switch {
		case u.Kind == agents.Bath && u.Bath == "cocaine":
			found++
			if math.Abs(u.Rate-KOnFromMolar(agents.DefaultDrugKOn)*ic) > 1e-15 {
				t.Errorf("cocaine on-rate %v", u.Rate)
			}
		case u.Kind == agents.Bath && u.Bath == "amphetamine":
			found++
		}
	}
	if found != 2 {
		t.Errorf("To has transitions %+v", c.Out[0])
	}
	// blocked → To at k_on·Ki (Ki cocaine at DAT 300 nM).
	koff := c.Out[5][0].Rate
	if want := KOnFromMolar(1e7) * ConcFromMolar(300e-9); math.Abs(koff-want) > 1e-12 || c.Out[5][0].To != 0 {
		t.Errorf("cocaine off-rate %v, want %v", koff, want)
	}
	// amphetamine_in → Ti (the declared inward state).
	if u := c.Out[7][0]; u.To != 3 || u.Rate != 1 {
		t.Errorf("amphetamine release %+v", u)
	}
	// Blocker alone: stationary = [I]/([I]+Ki).
	spec.Drugs = spec.Drugs[:1]
	m, err = NewModel(spec)
	if err != nil {
		t.Fatal(err)
	}
	pi := m.schemes[0].Stationary(0)
	if want := 0.6 / 0.9; math.Abs(pi[5]-want) > 1e-12 || math.Abs(pi[0]-(1-want)) > 1e-12 {
		t.Errorf("stationary %v, want blocked %v", pi, want)
	}
}

func TestDrugErrors(t *testing.T) {
	cases := []struct {
		name string
		edit func(*Spec)
		want []string
	}{
		{"unknown drug", func(s *Spec) { s.Drugs = []DrugSpec{{Name: "cocain", Conc: 1}} },
			[]string{"drugs[0].name", `unknown drug "cocain"`, "cocaine", "fluoxetine", "amphetamine"}},
		{"no such transporter", func(s *Spec) {
			s.SiteTypes[0].Transporter = ""
			s.Drugs = []DrugSpec{{Name: "cocaine", Conc: 1}}
		}, []string{"cocaine acts on DAT, NET, SERT", "no such transporter"}},
		{"target class missing", func(s *Spec) { s.Drugs = []DrugSpec{{Name: "fluoxetine", Conc: 1, Targets: []string{"SERT"}}} },
			[]string{"drugs[0].targets[0]", "fluoxetine targets SERT", "no SERT transporter", "t (DAT)"}},
		{"target name unknown", func(s *Spec) { s.Drugs = []DrugSpec{{Name: "cocaine", Conc: 1, Targets: []string{"glt1"}}} },
			[]string{`"glt1"`, "site types: t"}},
		{"no Ki", func(s *Spec) { s.Drugs = []DrugSpec{{Name: "escitalopram", Conc: 1, Targets: []string{"t"}}} },
			[]string{"drugs[0].ki", "escitalopram has no Ki at t", "give ki"}},
		{"substrate without inward", func(s *Spec) {
			s.SiteTypes[0].Inward = ""
			s.Drugs = []DrugSpec{{Name: "amphetamine", Conc: 1}}
		}, []string{"sites[0].inward", "substrate"}},
		{"name taken", func(s *Spec) { s.Drugs = []DrugSpec{{Name: "cyt", Ki: 1, Targets: []string{"t"}}} },
			[]string{`"cyt" is already`}},
		{"negative concentration", func(s *Spec) { s.Drugs = []DrugSpec{{Name: "cocaine", Conc: -1}} },
			[]string{"drugs[0].concentration"}},
		{"bad transporter class", func(s *Spec) { s.SiteTypes[0].Transporter = "GAT1" },
			[]string{"sites[0].transporter", "GAT1", "DAT, NET, SERT"}},
		{"bad region", func(s *Spec) { s.Regions = []RegionSpec{{Name: "cleft", Alpha: 0.2}} },
			[]string{"regions[0].name", `"cleft"`}},
		{"bad alpha", func(s *Spec) { s.Regions = []RegionSpec{{Name: "box", Alpha: 1.5}} },
			[]string{"regions[0].volume_fraction"}},
		{"volume density on a membrane region", func(s *Spec) { s.Placements[0].Region = "zmin" },
			[]string{"placement[0].region", "volume region"}},
		{"hazard too large", func(s *Spec) { s.SiteTypes[0].Scheme.Transitions[0].Rate = KOnFromMolar(1e12) },
			[]string{"placement[0]", "k_on·Δt/(α·V_voxel)"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := transporterSpec()
			c.edit(&s)
			_, err := NewModel(s)
			if err == nil {
				t.Fatal("built; want an error")
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
}

// TestRegionTortuosityAndAlpha: D* = D/λ² in a porous region unless the
// species gives D there; concentrations divide by α.
func TestRegionTortuosityAndAlpha(t *testing.T) {
	s := transporterSpec()
	s.Placements = nil
	s.Regions = []RegionSpec{{Name: "box", Alpha: 0.25, Tortuosity: 2}}
	m, err := NewModel(s)
	if err != nil {
		t.Fatal(err)
	}
	r := m.regionIndex("box")
	if got := m.diff[r]; math.Abs(got-0.5/4) > 1e-15 {
		t.Errorf("D* = %v, want 0.125", got)
	}
	e := NewEngine(m)
	e.Reset(1, 0)
	e.Step() // the release
	c := m.Column("conc_box_uM")
	v := e.sample()[c]
	if want := ConcToMicroMolar(2000 / (0.25 * 0.125)); math.Abs(v-want) > 1e-9*want {
		t.Errorf("conc_box_uM = %v, want N/(α·V) = %v", v, want)
	}
	// An explicit D_region wins over the tortuosity.
	s.Species[0].DRegion = map[string]float64{"box": 0.3}
	m, err = NewModel(s)
	if err != nil {
		t.Fatal(err)
	}
	if got := m.diff[r]; got != 0.3 {
		t.Errorf("D with explicit D_region = %v, want 0.3", got)
	}
}

// TestVolumeBindingRate: with sites held free (no unbinding needed: an
// irreversible, non-saturating bind into a state that binds again), the
// number bound in a well-mixed box follows first-order decay of the free
// ligand at k_on·[sites].
func TestVolumeBindingRate(t *testing.T) {
	sch := agents.Scheme{States: []string{"A", "B"}, Transitions: []agents.Transition{
		{From: "A", To: "B", Kind: agents.Bind, Species: "s", Rate: KOnFromMolar(1e8)},
		{From: "B", To: "A", Kind: agents.Transport, Species: "s", Rate: 1e3},
	}}
	spec := Spec{
		Geometry:   GeometrySpec{Kind: "box", Box: space.BoxSpec{Size: [3]float64{0.5, 0.5, 0.5}, Voxel: 0.125}},
		Species:    []SpeciesSpec{{Name: "s", D: 0.2}},
		SiteTypes:  []SiteTypeSpec{{Name: "e", Scheme: sch}},
		Placements: []PlacementSpec{{Site: "e", Region: "box", Count: 300}},
		Run:        RunSpec{Dt: 0.01, Duration: 10, SampleInterval: 0.01},
	}
	m, err := NewModel(spec)
	if err != nil {
		t.Fatal(err)
	}
	k := KOnFromMolar(1e8) * 300 / 0.125 // 1/ms per free molecule
	e := NewEngine(m)
	const n0, reps = 2000, 4
	var left float64
	tEnd := 1.0
	for rep := 0; rep < reps; rep++ {
		e.Reset(2, rep)
		pos := NewStream(StreamKey(7, uint64(rep)))
		for i := 0; i < n0; i++ {
			e.AddMolecule([3]float64{0.5 * pos.Float64(), 0.5 * pos.Float64(), 0.5 * pos.Float64()}, 0)
		}
		for e.Time() < tEnd-1e-9 {
			e.Step()
		}
		left += float64(e.Molecules().Len())
	}
	// Sites spend 1/(1e3 /ms) in B: negligible. Binomial SE.
	p := math.Exp(-k * tEnd)
	n := float64(n0 * reps)
	if z := (left/n - p) / math.Sqrt(p*(1-p)/n); math.Abs(z) > 4 {
		t.Errorf("free fraction at %g ms = %.4f, want e^{-k t} = %.4f (z = %.2f)", tEnd, left/n, p, z)
	}
}
