package benchmarks

import (
	"testing"

	"github.com/reuptake/reuptake/montecarlo"
	"github.com/reuptake/reuptake/montecarlo/modelfile"
)

// benchPreset runs the first `steps` steps of a built-in model (its busy
// phase after release) from a fresh replicate each iteration, on one
// core, and reports molecule-steps per second.
func benchPreset(b *testing.B, name string, steps int) {
	m, err := modelfile.LoadPreset(name)
	if err != nil {
		b.Fatal(err)
	}
	if steps > m.Steps() {
		steps = m.Steps()
	}
	e := montecarlo.NewEngine(m)
	e.Reset(1, 0)
	for i := 0; i < steps; i++ { // warm the allocations
		e.Step()
	}
	timeSteps(b, e, steps, func(round int) { e.Reset(1, round+1) })
	b.ReportMetric(float64(steps)*m.Dt, "sim-ms/op")
}

// BenchmarkPresetGlutamateCA1: the default preset, first 0.5 ms (3000
// glutamate, AMPA receptors, GLT-1 with its transporter current).
func BenchmarkPresetGlutamateCA1(b *testing.B) { benchPreset(b, "glutamate-ca1", 5000) }

// BenchmarkPresetDopamineStriatum: first 1 ms of the dopamine preset (3000
// dopamine in a 15 nm cleft, DAT on the membrane and as volume sites in
// the neuropil, 0.08 µs steps).
func BenchmarkPresetDopamineStriatum(b *testing.B) { benchPreset(b, "dopamine-striatum", 12500) }

// BenchmarkPresetSerotonin: first 100 ms of the serotonin preset (4700
// serotonin in a block of neuropil, SERT and receptors as volume sites,
// 0.1 ms steps).
func BenchmarkPresetSerotonin(b *testing.B) { benchPreset(b, "serotonin", 1000) }

// BenchmarkPresetNMJ: first 0.5 ms of the neuromuscular-junction preset
// (6200 acetylcholine released over 0.2 ms, 31,000 AChR, AChE as volume
// sites in the cleft).
func BenchmarkPresetNMJ(b *testing.B) { benchPreset(b, "nmj-ach", 2500) }
