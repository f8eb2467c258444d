package modelfile

import (
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/reuptake/reuptake/montecarlo"
)

func TestPresetsLoad(t *testing.T) {
	names := Presets()
	if len(names) == 0 || !slices.Contains(names, DefaultPreset) {
		t.Fatalf("presets %v do not include the default %q", names, DefaultPreset)
	}
	for _, n := range names {
		m, err := LoadPreset(n)
		if err != nil {
			t.Errorf("preset %s: %v", n, err)
			continue
		}
		if m.Spec.Run.Replicates < 1 || m.Steps() < 1 {
			t.Errorf("preset %s: %d replicates, %d steps", n, m.Spec.Run.Replicates, m.Steps())
		}
	}
}

func TestPresetUnknown(t *testing.T) {
	_, err := Preset("glutamate-ca")
	if err == nil || !strings.Contains(err.Error(), "glutamate-ca1") {
		t.Fatalf("want an error naming the presets, got %v", err)
	}
}

// TestDefaultPresetContent checks the converted values of the default
// preset against the numbers in docs/parameters.md §A2.
func TestDefaultPresetContent(t *testing.T) {
	data, err := Preset(DefaultPreset)
	if err != nil {
		t.Fatal(err)
	}
	s, _, err := Parse("glutamate-ca1.yaml", data)
	if err != nil {
		t.Fatal(err)
	}
	c := s.Geometry.Cleft
	if s.Geometry.Kind != "cleft" || c.Width != 0.02 || c.Voxel != 0.01 || c.PSDRadius != 0.115 {
		t.Errorf("geometry %+v", s.Geometry)
	}
	if s.Species[0].D != 0.4 || s.Species[0].DRegion["cleft"] != 0.33 {
		t.Errorf("species %+v", s.Species)
	}
	ampa := s.SiteTypes[0]
	if len(ampa.Scheme.States) != 7 || len(ampa.Scheme.Transitions) != 16 || ampa.Conductance != 10 || ampa.DrivingForce != -70 {
		t.Errorf("ampa %+v", ampa)
	}
	if got, want := ampa.Scheme.Transitions[0].Rate, montecarlo.KOnFromMolar(4.59e6); got != want {
		t.Errorf("k+1 = %v, want %v", got, want)
	}
	// GLT-1: kcat ≈ 14 /s and Km ≈ 18 µM from the cycle's rates.
	tr := s.SiteTypes[1].Scheme.Transitions
	k1 := tr[0].Rate / montecarlo.KOnFromMolar(1) / 1000 // M⁻¹ ms⁻¹
	km1, k2, k3, k4 := tr[1].Rate, tr[2].Rate, tr[3].Rate, tr[4].Rate
	kcat := 1 / (1/k2 + 1/k3 + 1/k4) // 1/ms
	km := (km1 + k2) / k1 * kcat / k2
	if kcat*1000 < 13.5 || kcat*1000 > 14.5 || km < 17e-6 || km > 19e-6 {
		t.Errorf("GLT-1 kcat = %.3g /s, Km = %.3g µM; want ≈14 /s and ≈18 µM", kcat*1000, km*1e6)
	}
	if s.Placements[0].Count != 80 || s.Placements[1].Density != 5000 || s.Placements[1].Region != "peri" {
		t.Errorf("placements %+v", s.Placements)
	}
	r := s.Releases[0]
	if !r.AtCleft || r.N != 3000 || len(r.Times) != 1 || r.Times[0] != 0 {
		t.Errorf("release %+v", r)
	}
	if s.Run.Dt != 1e-4 || s.Run.Duration != 5 || s.Run.SampleInterval != 0.01 || s.Run.Replicates != 16 || s.Run.Seed != 1 {
		t.Errorf("run %+v", s.Run)
	}
}

// TestDefaultPresetWork bounds the work of one replicate of the default
// preset, which the README's first command runs 16 times and which must
// take well under a minute on 2 cores. The work is counted, not timed
// (time is measured by BenchmarkPresetGlutamateCA1 and
// BenchmarkPresetGlutamateCA1Replicate in benchmarks/): at most 60,000
// steps and 10 M diffusing molecule-steps (today 50,000 and 5.4 M). The
// replicate benchmark gave 0.77 s per replicate, 144 ns per molecule-step
// with sites, sampling and set-up included, on a loaded 2-core machine
// (2026-12-04); at that rate the bound is 1.5 s per replicate, 12 s for
// 16 replicates on 2 cores.
func TestDefaultPresetWork(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	m, err := LoadPreset(DefaultPreset)
	if err != nil {
		t.Fatal(err)
	}
	const maxSteps, maxMolSteps = 60_000, 10_000_000
	e := montecarlo.NewEngine(m)
	e.Reset(m.Spec.Run.Seed, 0)
	var molSteps int64
	for range m.Steps() {
		e.Step()
		molSteps += int64(e.Molecules().Len())
	}
	t.Logf("one replicate of %s: %d steps, %d molecule-steps, %d tiles", DefaultPreset, m.Steps(), molSteps, len(m.Grid.Tiles()))
	if m.Steps() > maxSteps || molSteps > maxMolSteps {
		t.Errorf("one replicate takes %d steps and %d molecule-steps, more than %d and %d: 16 replicates on 2 cores would no longer take well under a minute",
			m.Steps(), molSteps, maxSteps, maxMolSteps)
	}
}

// TestDocExample checks that the complete example in docs/model-format.md
// parses and builds.
func TestDocExample(t *testing.T) {
	doc, err := os.ReadFile("../../docs/model-format.md")
	if err != nil {
		t.Skip("docs/model-format.md not found:", err)
	}
	s := string(doc)
	i := strings.Index(s, "## Complete example")
	if i < 0 {
		t.Fatal("no complete example")
	}
	s = s[i:]
	a := strings.Index(s, "```yaml\n")
	b := strings.Index(s[a+8:], "```")
	if a < 0 || b < 0 {
		t.Fatal("no yaml block in the complete example")
	}
	m, err := LoadBytes("model-format.md", []byte(s[a+8:a+8+b]), "run.duration=0.1 ms")
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Spec.SiteTypes) != 2 || len(m.Spec.Releases[0].Times) != 3 || m.Spec.Baths[0].Conc != montecarlo.ConcFromMolar(10e-6) {
		t.Errorf("spec %+v", m.Spec)
	}
	montecarlo.RunReplicate(m, 1, 0)
}
