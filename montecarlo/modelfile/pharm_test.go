package modelfile

import (
	"math"
	"strings"
	"testing"

	"github.com/reuptake/reuptake/montecarlo"
)

const pharmModel = `
name: pharm
geometry: {kind: box, voxel: 0.1 um, size: [1 um, 1 um, 0.5 um]}
regions:
  - {name: box, volume_fraction: 0.2, tortuosity: 1.6}
species:
  - {name: da, D: 0.763 um^2/ms}
baths:
  - {name: da_cyt, concentration: 0 uM}
drugs:
  - {name: cocaine, concentration: 1 uM, targets: [dat], k_on: 1e6 /M/s}
sites:
  - name: dat
    transporter: dat
    outward: To
    inward: Ti
    scheme:
      states: [To, ToS, TiS, Ti]
      transitions:
        - To -> ToS bind da 5e7 /M/s
        - ToS -> To unbind da 0.15 /ms
        - ToS -> TiS first-order 0.1 /ms
        - {from: TiS, to: Ti, kind: transport, species: da, rate: 1 /ms, charge: 2}
        - Ti -> To first-order 0.004 /ms
placement:
  - {site: dat, region: box, volume_density: 1 uM}
release:
  - {species: da, at: [0.5 um, 0.5 um, 0.25 um], molecules: 100}
run: {dt: 0.005 ms, duration: 0.05 ms, sample_interval: 0.005 ms}
`

func TestParsePharmacology(t *testing.T) {
	s, src, err := Decode("pharm.yaml", []byte(pharmModel), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Regions) != 1 || s.Regions[0].Alpha != 0.2 || s.Regions[0].Tortuosity != 1.6 {
		t.Errorf("regions %+v", s.Regions)
	}
	d := s.Drugs[0]
	if d.Name != "cocaine" || d.Conc != montecarlo.ConcFromMolar(1e-6) || d.KOn != montecarlo.KOnFromMolar(1e6) || strings.Join(d.Targets, ",") != "dat" {
		t.Errorf("drug %+v", d)
	}
	st := s.SiteTypes[0]
	if st.Transporter != "DAT" || st.Outward != "To" || st.Inward != "Ti" || st.Scheme.Transitions[3].Charge != 2 {
		t.Errorf("site %+v", st)
	}
	if s.Placements[0].VolumeDensity != montecarlo.ConcFromMolar(1e-6) {
		t.Errorf("placement %+v", s.Placements[0])
	}
	m, err := Compile(s, src)
	if err != nil {
		t.Fatal(err)
	}
	if m.Column("transporter_current_pA") < 0 || m.Column("dat_blocked_cocaine") < 0 {
		t.Errorf("columns lack transporter_current_pA or dat_blocked_cocaine")
	}
	montecarlo.RunReplicate(m, 1, 0)
}

// TestDrugOverrides: --set and --sweep keys under drugs work whether or
// not the file has a drugs section, adding the drug when needed.
func TestDrugOverrides(t *testing.T) {
	noDrugs := strings.Replace(pharmModel, "drugs:\n  - {name: cocaine, concentration: 1 uM, targets: [dat], k_on: 1e6 /M/s}\n", "", 1)
	for _, c := range []struct {
		name, model string
		over        []string
		drugs       int
	}{
		{"change", pharmModel, []string{"drugs.cocaine.concentration=0.3 uM"}, 1},
		{"add to list", pharmModel, []string{"drugs.fluoxetine.concentration=8 nM"}, 2},
		{"add section", noDrugs, []string{"drugs.cocaine.concentration=0.3 uM"}, 1},
		{"add with fields", noDrugs, []string{"drugs.cocaine.concentration=0.3 uM", "drugs.cocaine.k_on=1e8 /M/s"}, 1},
	} {
		t.Run(c.name, func(t *testing.T) {
			s, _, err := Decode("pharm.yaml", []byte(c.model), c.over)
			if err != nil {
				t.Fatal(err)
			}
			if len(s.Drugs) != c.drugs {
				t.Fatalf("%d drugs: %+v", len(s.Drugs), s.Drugs)
			}
			for _, d := range s.Drugs {
				if d.Name == "cocaine" && d.Conc != montecarlo.ConcFromMolar(0.3e-6) && c.name != "add to list" {
					t.Errorf("cocaine at %v", d.Conc)
				}
			}
			if _, err := montecarlo.NewModel(s); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestPharmacologyErrors(t *testing.T) {
	cases := []struct {
		name  string
		model string
		over  []string
		want  []string
	}{
		{"no unit", pharmModel, []string{"drugs.cocaine.concentration=1"},
			[]string{"--set drugs.cocaine.concentration=1", "has no unit", "concentration"}},
		{"unknown drug", pharmModel, []string{"drugs.cocain.concentration=1 uM"},
			[]string{"unknown drug \"cocain\"", "did you mean \"cocaine\"", "fluoxetine", "methylphenidate"}},
		{"unknown target", strings.Replace(pharmModel, "targets: [dat]", "targets: [dta]", 1), nil,
			[]string{"pharm.yaml:11:", "drugs[0].targets[0]", "unknown target \"dta\"", "did you mean \"dat\""}},
		{"bad transporter", strings.Replace(pharmModel, "transporter: dat", "transporter: EAAT2", 1), nil,
			[]string{"sites[0].transporter", "EAAT2"}},
		{"volume density on a membrane region", strings.Replace(pharmModel, "region: box, volume_density", "region: zmin, volume_density", 1), nil,
			[]string{"placement[0].region", "volume region"}},
		{"density in a volume region", strings.Replace(pharmModel, "volume_density: 1 uM", "density: 100 /um^2", 1), nil,
			[]string{"placement[0].density", "volume_density"}},
		{"bad volume fraction", strings.Replace(pharmModel, "volume_fraction: 0.2", "volume_fraction: 2", 1), nil,
			[]string{"regions[0].volume_fraction"}},
		{"missing transporter", strings.Replace(pharmModel, "targets: [dat]", "targets: [SERT]", 1), nil,
			[]string{"drugs[0].targets[0]", "cocaine targets SERT", "dat (DAT)"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := LoadBytes("pharm.yaml", []byte(c.model), c.over...)
			if err == nil {
				t.Fatal("loaded; want an error")
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
}

// mmCycle returns kcat (1/ms) and Km (molecules/µm³) of the explicit
// carrier cycle To ⇌ ToS → TiS → Ti → To of a preset.
func mmCycle(t *testing.T, s montecarlo.Spec, site string) (kcat, km float64) {
	t.Helper()
	for _, st := range s.SiteTypes {
		if st.Name != site {
			continue
		}
		r := map[string]float64{}
		for _, tr := range st.Scheme.Transitions {
			r[tr.From+">"+tr.To+":"+tr.Kind.String()] = tr.Rate
		}
		k1, km1, k2, k3, k4 := r["To>ToS:bind"], r["ToS>To:unbind"], r["ToS>TiS:first-order"], r["TiS>Ti:transport"], r["Ti>To:first-order"]
		kcat = 1 / (1/k2 + 1/k3 + 1/k4)
		return kcat, (km1 + k2) / k1 * kcat / k2
	}
	t.Fatalf("no site %s", site)
	return
}

// TestPharmacologyPresets checks the documented targets of the presets.
func TestPharmacologyPresets(t *testing.T) {
	uM := montecarlo.ConcFromMolar(1e-6)
	load := func(name string) montecarlo.Spec {
		data, err := Preset(name)
		if err != nil {
			t.Fatal(err)
		}
		s, _, err := Parse(name+".yaml", data)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	// Dopamine: Km 0.2 µM, Vmax = kcat·[DAT] = 4 µM/s, 15 nm cleft, 3000 DA,
	// D* = D/λ² outside.
	da := load("dopamine-striatum")
	kcat, km := mmCycle(t, da, "dat")
	var dat float64
	for _, p := range da.Placements {
		if p.Site == "dat" && p.VolumeDensity > 0 {
			dat = p.VolumeDensity
		}
	}
	if math.Abs(km/uM-0.2) > 0.005 || math.Abs(kcat*1e3*dat/uM-4) > 0.05 {
		t.Errorf("dopamine DAT: Km %.4g µM, Vmax %.4g µM/s; want 0.2 and 4", km/uM, kcat*1e3*dat/uM)
	}
	if da.Geometry.Cleft.Width != 0.015 || da.Releases[0].N != 3000 || da.Regions[0].Tortuosity != 1.54 || da.Regions[0].Alpha != 0.21 {
		t.Errorf("dopamine geometry %+v, release %+v, regions %+v", da.Geometry.Cleft, da.Releases[0], da.Regions)
	}
	m, err := montecarlo.NewModel(da)
	if err != nil {
		t.Fatal(err)
	}
	_ = m
	// Serotonin: Km 0.17 µM.
	ser := load("serotonin")
	if _, km := mmCycle(t, ser, "sert"); math.Abs(km/uM-0.17) > 0.003 {
		t.Errorf("SERT Km %.4g µM, want 0.17", km/uM)
	}
	// NMJ: 6200 ACh released in sub-releases over ≈ 200 µs.
	nmj := load("nmj-ach")
	r := nmj.Releases[0]
	if total := r.N * float64(len(r.Times)); total != 6200 || r.Times[len(r.Times)-1] > 0.2 || len(r.Times) < 10 {
		t.Errorf("NMJ release: %g molecules in %d events up to %g ms", total, len(r.Times), r.Times[len(r.Times)-1])
	}
}
