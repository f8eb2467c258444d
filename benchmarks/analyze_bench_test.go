package benchmarks

import (
	"math"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/reuptake/reuptake/analysis"
	"github.com/reuptake/reuptake/analysis/analysistest"
	"github.com/reuptake/reuptake/montecarlo/results"
)

// Shape of the 10M-row benchmark: 2 conditions × 10 part files × 1000
// replicates × 500 samples = 10,000,000 timeseries rows of 8 observables
// (plus 20,000 summary rows), as mc run would write 20,000 replicates of a
// 5 ms run sampled every 10 µs.
const (
	benchConditions = 2
	benchParts      = 10
	benchPerPart    = 1000
	benchSamples    = 500
	benchRows       = benchConditions * benchParts * benchPerPart * benchSamples
)

var benchColumns = []results.Column{
	{Name: "released", Unit: "molecules"},
	{Name: "free_total", Unit: "molecules"},
	{Name: "free_cleft", Unit: "molecules"},
	{Name: "bound_ampa", Unit: "molecules"},
	{Name: "open_ampa", Unit: "sites"},
	{Name: "transported", Unit: "molecules"},
	{Name: "escaped", Unit: "molecules"},
	{Name: "current_pA", Unit: "pA"},
}

// benchSeries is a CA1-like replicate: clearance with τ ≈ 0.12 ms, a slow
// receptor response and cumulative fates, with integer-valued noise so
// that compression and fits see realistic data.
func benchSeries(_ string, ci, rep int, t float64, out []float64) {
	h := uint64(rep)*0x9e3779b97f4a7c15 ^ math.Float64bits(t)
	h ^= h >> 29
	h *= 0xbf58476d1ce4e5b9
	h ^= h >> 32
	noise := float64(h%7) - 3 // −3..3
	tau := 0.12 + 0.01*float64(ci) + 0.002*float64(rep%5)
	e := math.Exp(-t / tau)
	free := math.Max(0, math.Round(3000*e+noise))
	open := math.Max(0, math.Round(20*t/0.5*math.Exp(1-t/0.5)+noise/3))
	out[0] = 3000
	out[1] = free + math.Round(0.05*free)
	out[2] = free
	out[3] = math.Round(70 * t / 0.2 * math.Exp(1-t/0.2))
	out[4] = open
	out[5] = math.Round(130 * (1 - math.Exp(-t/1.5)))
	out[6] = 3000 - free - out[5]
	out[7] = -0.7 * open
}

// BenchmarkAnalyze10M measures mc analyze on 10 million timeseries rows:
// streaming every file (Load) and summarising (Summarize: statistics,
// 2000-resample bootstraps, per-replicate and mean-curve exponential fits).
// It reports rows/s and the peak Go heap (sampled every 20 ms with
// runtime.ReadMemStats). The data (≈100 MB of Parquet) are written once,
// before the timer starts. Run it alone, it takes about a minute:
//
//	go test ./benchmarks -run '^$' -bench Analyze10M -benchtime 1x
func BenchmarkAnalyze10M(b *testing.B) {
	dir := b.TempDir()
	conds := make([]string, benchConditions)
	for i := range conds {
		conds[i] = []string{"control", "drug"}[i%2]
	}
	start := time.Now()
	_, err := analysistest.Write(dir, analysistest.Spec{
		Conditions: conds, Replicates: benchParts * benchPerPart, PerPart: benchPerPart,
		Samples: benchSamples, Dt: 0.01, Columns: benchColumns, Series: benchSeries,
	})
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("wrote %d timeseries rows in %d files in %v", benchRows, benchConditions*benchParts, time.Since(start).Round(time.Millisecond))

	runtime.GC()
	var base runtime.MemStats
	runtime.ReadMemStats(&base)
	var peak atomic.Uint64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		tick := time.NewTicker(20 * time.Millisecond)
		defer tick.Stop()
		var ms runtime.MemStats
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
				runtime.ReadMemStats(&ms)
				if ms.HeapAlloc > peak.Load() {
					peak.Store(ms.HeapAlloc)
				}
			}
		}
	}()

	b.ResetTimer()
	var rep *analysis.Report
	for range b.N {
		rep, err = analysis.Analyze([]string{dir}, analysis.Options{Seed: 1})
		if err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	close(stop)
	wg.Wait()

	if n := len(rep.Conditions); n != benchConditions {
		b.Fatalf("%d conditions", n)
	}
	var rows int64
	for _, c := range rep.Conditions {
		rows += c.Rows
	}
	if want := int64(benchRows + benchConditions*benchParts*benchPerPart); rows != want {
		b.Fatalf("read %d rows, want %d", rows, want)
	}
	sec := b.Elapsed().Seconds() / float64(b.N)
	b.ReportMetric(float64(benchRows)/sec, "rows/s")
	b.ReportMetric(float64(peak.Load())/(1<<20), "peak-heap-MiB")
	b.ReportMetric(float64(base.HeapAlloc)/(1<<20), "base-heap-MiB")
}
