package benchmarks

import (
	"os"
	"testing"

	"github.com/reuptake/reuptake/montecarlo"
	"github.com/reuptake/reuptake/montecarlo/modelfile"
)

// cleftUptakeFile is the thin cleft with receptors and uptake of the speed
// issue (testdata/cleft_uptake.yaml), the model compared with Smoldyn.
const cleftUptakeFile = "testdata/cleft_uptake.yaml"

// loadModelFile decodes and compiles a model file of testdata.
func loadModelFile(tb testing.TB, path string) *montecarlo.Model {
	tb.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	spec, src, err := modelfile.Decode(path, data, nil)
	if err != nil {
		tb.Fatal(err)
	}
	m, err := modelfile.Compile(spec, src)
	if err != nil {
		tb.Fatal(err)
	}
	return m
}

// countMolSteps runs replicate rep of m step by step, untimed, and returns
// the free molecules summed over the steps (each counted at the start of
// its step): the exact work of the replicate.
func countMolSteps(m *montecarlo.Model, seed uint64, rep int) float64 {
	e := montecarlo.NewEngine(m)
	e.Reset(seed, rep)
	n := 0.0
	for i := 0; i < m.Steps(); i++ {
		n += float64(e.Molecules().Len())
		e.Step()
	}
	return n
}

// BenchmarkCleftUptake runs whole replicates of testdata/cleft_uptake.yaml
// on one worker, end to end as `mc run --workers 1` does (set-up, every
// step, a sample every 1 µs, the summary), and reports seconds per
// replicate and ns per free molecule-step (the molecule-steps counted
// exactly by an untimed run of the same replicate, which is a function of
// model, seed and index, so every round does the same work).
func BenchmarkCleftUptake(b *testing.B) {
	timeReplicate(b, loadModelFile(b, cleftUptakeFile))
}

// timeReplicate times replicate 0 of m (its run.seed) end to end and
// reports seconds per replicate and ns per free molecule-step, the
// molecule-steps counted by an untimed run of the same replicate.
func timeReplicate(b *testing.B, m *montecarlo.Model) {
	b.Helper()
	seed := m.Spec.Run.Seed
	molSteps := countMolSteps(m, seed, 0)
	b.ResetTimer()
	for it := 0; it < b.N; it++ {
		montecarlo.RunReplicate(m, seed, 0)
	}
	b.StopTimer()
	secs := b.Elapsed().Seconds() / float64(b.N)
	b.ReportMetric(secs, "s/replicate")
	b.ReportMetric(secs*1e9/molSteps, "ns/molstep")
	b.ReportMetric(molSteps, "molsteps/replicate")
}
