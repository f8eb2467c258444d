package montecarlo

import (
	"math"
	"strings"
	"testing"

	"github.com/reuptake/reuptake/agents"
	"github.com/reuptake/reuptake/space"
)

// TestSummaryPeaksIndependentOfSampling: the peak, peak-time and
// half-clearance summaries are measured at step resolution, so halving (or
// quartering) sample_interval leaves them unchanged. Sampling draws no
// random numbers, so the trajectories are the same and the summaries are
// equal exactly, not just within their SE; before, the sampled peak of
// free transmitter was the first sample (20 steps after release) and its
// time the sample time.
func TestSummaryPeaksIndependentOfSampling(t *testing.T) {
	spec := func(sample float64) Spec {
		return Spec{
			Geometry: GeometrySpec{Kind: "box", Box: space.BoxSpec{Size: [3]float64{0.5, 0.5, 0.1}, Voxel: 0.02}},
			Species:  []SpeciesSpec{{Name: "glu", D: 0.33}},
			SiteTypes: []SiteTypeSpec{{Name: "r", Scheme: agents.Scheme{
				States:     []string{"R", "RL", "O"},
				Conducting: []string{"O"},
				Transitions: []agents.Transition{
					{From: "R", To: "RL", Kind: agents.Bind, Species: "glu", Rate: KOnFromMolar(5e7)},
					{From: "RL", To: "R", Kind: agents.Unbind, Species: "glu", Rate: 5},
					{From: "RL", To: "O", Kind: agents.FirstOrder, Rate: 20},
					{From: "O", To: "RL", Kind: agents.FirstOrder, Rate: 5},
				}}}},
			Placements: []PlacementSpec{{Site: "r", Region: "zmin", Count: 200}},
			Releases:   []ReleaseSpec{{Release: agents.Release{Species: "glu", At: [3]float64{0.25, 0.25, 0.05}, N: 2000}}},
			Run:        RunSpec{Dt: 1e-4, Duration: 0.4, SampleInterval: sample},
		}
	}
	var ref []float64
	var names []string
	for _, sample := range []float64{0.002, 0.001, 0.0005} {
		m, err := NewModel(spec(sample))
		if err != nil {
			t.Fatal(err)
		}
		r := RunReplicate(m, 3, 0)
		if ref == nil {
			ref = r.Summary
			for _, c := range m.SummaryColumns() {
				names = append(names, c.Name)
			}
			// The step peak of free transmitter is the release itself.
			if i := indexOf(names, "peak_free_total"); i < 0 || ref[i] != 2000 || ref[indexOf(names, "t_peak_free_total_ms")] != 1e-4 {
				t.Fatalf("peak_free_total %v at %v ms, want 2000 at 1e-4 ms", ref[i], ref[indexOf(names, "t_peak_free_total_ms")])
			}
			continue
		}
		for i, n := range names {
			if !strings.HasPrefix(n, "peak_") && !strings.HasPrefix(n, "t_peak_") && n != "half_clearance_ms" {
				continue
			}
			if a, b := ref[i], r.Summary[i]; a != b && !(math.IsNaN(a) && math.IsNaN(b)) {
				t.Errorf("sample_interval %g ms: %s = %v, with 0.002 ms %v", sample, n, b, a)
			}
		}
	}
}

func indexOf(xs []string, x string) int {
	for i, s := range xs {
		if s == x {
			return i
		}
	}
	return -1
}
