package benchmarks

import (
	"testing"

	"github.com/reuptake/reuptake/montecarlo/modelfile"
)

// BenchmarkPresetGlutamateCA1Replicate runs whole replicates of the
// default preset (glutamate-ca1, 5 ms, the model of the README's first
// command) on one worker, as BenchmarkCleftUptake does, and reports
// seconds per replicate and ns per free molecule-step. It replaces a
// timed unit test: montecarlo/modelfile's TestDefaultPresetWork bounds the
// work of a replicate (steps and molecule-steps), this measures its speed.
func BenchmarkPresetGlutamateCA1Replicate(b *testing.B) {
	m, err := modelfile.LoadPreset(modelfile.DefaultPreset)
	if err != nil {
		b.Fatal(err)
	}
	timeReplicate(b, m)
}
