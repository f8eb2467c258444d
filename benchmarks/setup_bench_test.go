package benchmarks

import (
	"fmt"
	"testing"

	"github.com/reuptake/reuptake/agents"
	"github.com/reuptake/reuptake/montecarlo"
)

// setupSpec is M1 started from a uniform density: n single-molecule
// release sites placed at random in the M1 box (0.02 µm³), all firing at
// t = 0, the natural way to write "start uniform" in a model file:
//
//	release: [{species: x, sites: {density: 5e6 /um^3}, molecules: 1}]
//
// (5·10⁶ /µm³ gives 10⁵ sites).
func setupSpec(n int) montecarlo.Spec {
	s := m1Spec(0)
	s.Releases = []montecarlo.ReleaseSpec{{
		Release: agents.Release{Species: "x", N: 1, Times: []float64{0}, Probability: 1},
		Sites:   &montecarlo.ReleaseSites{Density: float64(n) / 0.02},
	}}
	return s
}

// BenchmarkSetupReleaseSites measures the set-up of a replicate with
// 10⁴ and 10⁵ single-molecule release sites: Reset (draw the sites and
// the event queue) and the first step, in which every site releases its
// molecule. It reports seconds per set-up and ns per release site; the
// cost must grow linearly with the number of sites (agents.Molecules.Grow
// grows geometrically).
func BenchmarkSetupReleaseSites(b *testing.B) {
	for _, n := range []int{10_000, 100_000} {
		b.Run(fmt.Sprintf("sites=%d", n), func(b *testing.B) {
			m, err := montecarlo.NewModel(setupSpec(n))
			if err != nil {
				b.Fatal(err)
			}
			e := montecarlo.NewEngine(m)
			b.ResetTimer()
			for it := 0; it < b.N; it++ {
				// A fresh engine each round: a reused one keeps the capacity
				// of the previous replicate and would hide the growth.
				b.StopTimer()
				e = montecarlo.NewEngine(m)
				b.StartTimer()
				e.Reset(1, it)
				e.Step()
			}
			b.StopTimer()
			if got := e.Molecules().Len(); got != n {
				b.Fatalf("%d molecules after the first step, want %d", got, n)
			}
			secs := b.Elapsed().Seconds() / float64(b.N)
			b.ReportMetric(secs, "s/setup")
			b.ReportMetric(secs*1e9/float64(n), "ns/site")
		})
	}
}
