// Package benchmarks measures the engine's speed and memory on named
// models with Go benchmarks. Run:
//
//	go test ./benchmarks -bench . -benchtime 3x -run '^$'
//
// Each benchmark reports molecule-steps/s, ns/molecule-step, bytes/molecule
// and allocations per step (0 in steady state).
package benchmarks

import (
	"context"
	"fmt"
	"runtime"
	"testing"

	"github.com/reuptake/reuptake/agents"
	"github.com/reuptake/reuptake/montecarlo"
	"github.com/reuptake/reuptake/space"
)

// m1Spec is benchmark M1 of the engine-core issue: free diffusion of
// molecules with D = 0.4 µm²/ms in a 1×1×0.02 µm box with reflecting walls,
// Δt = 0.1 µs. Voxels of 20 nm make the box one voxel high.
func m1Spec(n int) montecarlo.Spec {
	return montecarlo.Spec{
		Name:     "M1",
		Geometry: montecarlo.GeometrySpec{Kind: "box", Box: space.BoxSpec{Size: [3]float64{1, 1, 0.02}, Voxel: 0.02}},
		Species:  []montecarlo.SpeciesSpec{{Name: "x", D: 0.4}},
		Releases: []montecarlo.ReleaseSpec{{Release: agents.Release{Species: "x", At: [3]float64{0.5, 0.5, 0.01}, N: float64(n)}}},
		Run:      montecarlo.RunSpec{Dt: 1e-4, Duration: 1, SampleInterval: 0.1, Replicates: 1, Seed: 1},
	}
}

// report adds the standard metrics for molSteps molecule-steps done in b.N
// iterations.
func report(b *testing.B, molSteps float64, before, after *runtime.MemStats, steps int) {
	b.Helper()
	secs := b.Elapsed().Seconds()
	b.ReportMetric(molSteps/secs, "molsteps/s")
	b.ReportMetric(secs*1e9/molSteps, "ns/molstep")
	b.ReportMetric(float64(agents.BytesPerMolecule), "B/molecule")
	b.ReportMetric(float64(after.Mallocs-before.Mallocs)/float64(steps), "allocs/step")
}

// benchSteps runs b.N × steps engine steps of spec after warm-up, with
// molecules spread by a warm-up period so the benchmark measures the steady
// state.
func benchSteps(b *testing.B, spec montecarlo.Spec, warm, steps int) {
	m, err := montecarlo.NewModel(spec)
	if err != nil {
		b.Fatal(err)
	}
	e := montecarlo.NewEngine(m)
	e.Reset(1, 0)
	for i := 0; i < warm; i++ {
		e.Step()
	}
	timeSteps(b, e, steps, nil)
}

// timeSteps times b.N rounds of steps engine steps (calling restart before
// each round, when given) and reports the standard metrics.
func timeSteps(b *testing.B, e *montecarlo.Engine, steps int, restart func(round int)) {
	var before, after runtime.MemStats
	molSteps := 0.0
	b.ResetTimer()
	runtime.ReadMemStats(&before)
	for it := 0; it < b.N; it++ {
		if restart != nil {
			restart(it)
		}
		for i := 0; i < steps; i++ {
			molSteps += float64(e.Molecules().Len())
			e.Step()
		}
	}
	runtime.ReadMemStats(&after)
	b.StopTimer()
	report(b, molSteps, &before, &after, b.N*steps)
}

// BenchmarkM1FreeDiffusion: 100,000 molecules in the M1 box, one core.
func BenchmarkM1FreeDiffusion(b *testing.B) {
	benchSteps(b, m1Spec(100000), 200, 100)
}

// BenchmarkCA1Cleft: the default CA1 synapse (preset glutamate-ca1): 3000
// glutamate released at the PSD centre, 80 AMPA receptors on the PSD,
// GLT-1 on the perisynaptic ring, absorbing outer boundary. Measured over
// the first 0.5 ms after release (the busy part of the run), restarting
// each iteration.
func BenchmarkCA1Cleft(b *testing.B) {
	benchPreset(b, "glutamate-ca1", 5000)
}

// BenchmarkM1Workers runs whole M1 replicates (10,000 molecules, 1000
// steps each) on pools of 1, 2, 4, 8 and 16 workers, as far as GOMAXPROCS
// allows; molsteps/s at w workers over w × the 1-worker figure is the
// parallel efficiency.
func BenchmarkM1Workers(b *testing.B) {
	for _, w := range []int{1, 2, 4, 8, 16} {
		if w > runtime.GOMAXPROCS(0) {
			break
		}
		b.Run(fmt.Sprintf("workers=%d", w), func(b *testing.B) {
			spec := m1Spec(10000)
			spec.Run.Duration = 0.1
			spec.Run.SampleInterval = 0.1
			m, err := montecarlo.NewModel(spec)
			if err != nil {
				b.Fatal(err)
			}
			reps := make([]int, 4*w)
			for i := range reps {
				reps[i] = i
			}
			b.ResetTimer()
			for it := 0; it < b.N; it++ {
				err := montecarlo.Runner{Workers: w}.Run(context.Background(), m, 1, reps, func(montecarlo.Replicate) error { return nil })
				if err != nil {
					b.Fatal(err)
				}
			}
			molSteps := float64(b.N) * float64(len(reps)) * 10000 * float64(m.Steps())
			b.ReportMetric(molSteps/b.Elapsed().Seconds(), "molsteps/s")
			b.ReportMetric(b.Elapsed().Seconds()*1e9/molSteps, "ns/molstep")
		})
	}
}
