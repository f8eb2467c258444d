package benchmarks

import (
	"context"
	"fmt"
	"math"
	"os"
	"runtime"
	"runtime/metrics"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/reuptake/reuptake/agents"
	"github.com/reuptake/reuptake/montecarlo"
	"github.com/reuptake/reuptake/montecarlo/modelfile"
)

// The striatal block benchmark (issue: "a striatal block of at least
// 10×10×10 µm with ≥ 100 release sites firing and DAT in the volume,
// 100 ms simulated"): testdata/striatal_block.yaml, one replicate, all
// parallelism inside it (spatial shards, RunSpec.Shards).
const (
	striatalFile = "testdata/striatal_block.yaml"
	// striatalShards is used when the model file gives no run.shards. The
	// shard count is part of the model, so the result is the same for
	// every number of workers.
	striatalShards = 16
	// striatalEnv holds extra --set overrides for the model, separated by
	// semicolons, e.g. "geometry.size=[15 um, 15 um, 15 um]" for a bigger
	// block on a bigger machine.
	striatalEnv = "STRIATAL_SET"
)

// striatalWorkers are the worker counts of BenchmarkStriatalBlock.
var striatalWorkers = []int{1, 2, 4, 8, 16}

// loadStriatal decodes the striatal block with the overrides of
// $STRIATAL_SET and then extra, sets the shard count when the file leaves
// it out, and compiles it.
func loadStriatal(tb testing.TB, extra ...string) *montecarlo.Model {
	tb.Helper()
	data, err := os.ReadFile(striatalFile)
	if err != nil {
		tb.Fatal(err)
	}
	var ov []string
	for _, s := range strings.Split(os.Getenv(striatalEnv), ";") {
		if s = strings.TrimSpace(s); s != "" {
			ov = append(ov, s)
		}
	}
	ov = append(ov, extra...)
	spec, src, err := modelfile.Decode(striatalFile, data, ov)
	if err != nil {
		tb.Fatal(err)
	}
	if spec.Run.Shards == 0 {
		spec.Run.Shards = striatalShards
	}
	m, err := modelfile.Compile(spec, src)
	if err != nil {
		tb.Fatal(err)
	}
	return m
}

// runStriatal runs replicate 0 of m on w workers and returns it.
func runStriatal(tb testing.TB, m *montecarlo.Model, w int) montecarlo.Replicate {
	tb.Helper()
	var out montecarlo.Replicate
	err := montecarlo.Runner{Workers: w}.Run(context.Background(), m, m.Spec.Run.Seed, []int{0},
		func(r montecarlo.Replicate) error { out = r; return nil })
	if err != nil {
		tb.Fatal(err)
	}
	return out
}

// striatalCount is the exact work and the memory of one replicate of the
// striatal block.
type striatalCount struct {
	steps    int
	dt       float64 // ms
	molSteps float64 // Σ over steps of the free molecules at the start of the step
	peak     float64 // most free molecules at any step boundary
	released float64 // molecules released over the run
	// byStep holds the counting run's samples at the model's own sample
	// times, keyed by step index, to check the benchmark's samples against.
	byStep map[int][]float64
	cols   []string
	// engine is the live heap of an engine reset for the replicate, before
	// any release (shards, sites, their voxel index, event queue), bytes.
	engine float64
	// perMol is the live heap per free molecule near the peak: (live heap
	// − live heap after Reset) / free molecules, measured after a forced
	// collection whenever the free count reached a new high; peakLive is
	// the whole live heap then (models included), bytes.
	perMol, peakLive float64
}

var (
	countMu    sync.Mutex
	countCache = map[string]*striatalCount{}
)

// countStriatal returns the work of replicate 0 of the striatal block (with
// the overrides of $STRIATAL_SET and extra). It runs the replicate once,
// untimed, as Runner.Run would (Engine.Reset, then Engine.Run on
// GOMAXPROCS workers) but with the sample interval set to one timestep:
// free_total at the start of each step, summed over the steps, is the
// number of molecule-steps. Sampling only reads the state, so this run
// follows the same trajectory as one with the file's sample interval (the
// benchmark checks that its samples agree). The same run measures the live
// heap (see striatalCount); the timed runs are not disturbed by memory
// probes. The result is cached per process:
// it does not depend on the number of workers.
func countStriatal(tb testing.TB, extra ...string) *striatalCount {
	tb.Helper()
	key := os.Getenv(striatalEnv) + "\x00" + strings.Join(extra, "\x00")
	countMu.Lock()
	defer countMu.Unlock()
	if c := countCache[key]; c != nil {
		return c
	}
	m := loadStriatal(tb, extra...)
	fine := loadStriatal(tb, append(append([]string(nil), extra...), fmt.Sprintf("run.sample_interval=%v ms", m.Dt))...)
	if fine.Dt != m.Dt || fine.Steps() != m.Steps() {
		tb.Fatalf("counting model: dt %g ms, %d steps; want %g ms, %d steps", fine.Dt, fine.Steps(), m.Dt, m.Steps())
	}
	free, rel := fine.Column("free_total"), fine.Column("released")
	if free < 0 || rel < 0 {
		tb.Fatal("the model has no free_total or released column")
	}
	every := max(1, int(math.Round(m.Spec.Run.SampleInterval/m.Dt)))
	c := &striatalCount{steps: fine.Steps(), dt: fine.Dt, byStep: map[int][]float64{}}
	for _, col := range fine.Columns() {
		c.cols = append(c.cols, col.Name)
	}
	live := func() float64 {
		var ms runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&ms)
		return float64(ms.HeapAlloc)
	}
	start := time.Now()
	before := live()
	e := montecarlo.NewEngine(fine)
	e.SetWorkers(runtime.GOMAXPROCS(0))
	e.Reset(fine.Spec.Run.Seed, 0)
	base := live()
	c.engine = base - before
	k, measured := 0, 0.0
	e.Run(func(t float64, v []float64) {
		n := v[free]
		if k < c.steps {
			c.molSteps += n
		}
		c.peak = math.Max(c.peak, n)
		if k%every == 0 {
			c.byStep[k] = append([]float64(nil), v...)
		}
		if n > 1.01*measured {
			c.peakLive = live()
			c.perMol = (c.peakLive - base) / n
			measured = n
		}
		c.released = v[rel]
		k++
	})
	runtime.KeepAlive(e)
	tb.Logf("striatal block: counting run (every step sampled, %d workers) took %.1f s",
		runtime.GOMAXPROCS(0), time.Since(start).Seconds())
	if k != c.steps+1 {
		tb.Fatalf("counting run: %d samples, want %d", k, c.steps+1)
	}
	countCache[key] = c
	return c
}

// checkAgainstCount reports samples of r (a run with the model's own sample
// interval) that differ from the counting run at the same step. Columns
// averaged over the sample interval (currents) are skipped.
func checkAgainstCount(tb testing.TB, r montecarlo.Replicate, c *striatalCount) {
	tb.Helper()
	bad := 0
	for i, t := range r.T {
		k := int(math.Round(t / c.dt))
		ref, ok := c.byStep[k]
		if !ok || len(ref) != len(r.Rows[i]) {
			tb.Errorf("sample at t = %g ms has no counterpart in the counting run", t)
			return
		}
		for j, v := range r.Rows[i] {
			if strings.HasSuffix(c.cols[j], "current_pA") {
				continue
			}
			if math.Float64bits(v) != math.Float64bits(ref[j]) {
				if bad < 5 {
					tb.Errorf("t = %g ms, %s = %v, but %v when every step is sampled", t, c.cols[j], v, ref[j])
				}
				bad++
			}
		}
	}
	if bad > 0 {
		tb.Errorf("%d sampled values differ from the counting run: molecule-steps are not exact", bad)
	}
}

// heapInUse is the heap in use now (live objects and garbage not yet
// swept); right after runtime.GC, the live heap.
func heapInUse() uint64 {
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

// BenchmarkStriatalBlock runs one replicate of the striatal block
// (testdata/striatal_block.yaml: a 10 µm cube of striatum, 104 dopamine
// release sites, DAT as volume sites, 100 ms in 16 spatial shards) on 1,
// 2, 4, 8 and 16 workers (up to twice the number of CPUs), and, as
// "unsharded", the same model with run.shards=1 on one worker: the plain
// serial engine, to show what sharding costs on one core. With a single
// replicate, all parallelism is inside it: the workers step the shards.
//
// Metrics:
//   - molsteps/s and ns/molstep: molecule-steps (Σ over the 20,000 steps of
//     the free molecules at the start of each step, counted exactly by an
//     untimed run of the same replicate sampled at every step; see
//     countStriatal) over the wall time;
//   - molsteps: the molecule-steps of the replicate;
//   - wall-s: wall time of the 100 ms replicate;
//   - peak-molecules, mean-molecules: free dopamine at step boundaries;
//   - peak-live-MiB: the live heap (after a collection) when the free
//     molecules peak, the compiled model included: what a run needs;
//   - model-MiB: live heap of the compiled model (grid and tables);
//   - engine-MiB: live heap of an engine reset for the replicate, before
//     any release (shard engines, 126,000 DAT sites and their voxel index,
//     event queue);
//   - B/molecule: live heap per free molecule at the peak, over the
//     engine-MiB: molecule stores with their spare capacity, the shards'
//     hand-over buffers, events of the sites molecules bound (from the
//     counting run, forcing a collection at each new high); the molecule
//     store's own fields are store-B/molecule (agents.BytesPerMolecule);
//   - speedup and efficiency (T1/(w·Tw)) when workers=1 ran before in the
//     same process.
//
// The replicate's samples must be bit-identical for every worker count
// and equal to the counting run's; the benchmark fails otherwise.
//
//	go test ./benchmarks -run '^$' -bench StriatalBlock -benchtime 1x
//	benchmarks/scaling.sh     # table of wall time, speed-up and efficiency
func BenchmarkStriatalBlock(b *testing.B) {
	b.Run("unsharded", func(b *testing.B) {
		benchStriatal(b, 1, "run.shards=1")
	})
	var ref *montecarlo.Replicate
	t1 := 0.0
	for _, w := range striatalWorkers {
		if w > 2*runtime.NumCPU() {
			break
		}
		b.Run(fmt.Sprintf("workers=%d", w), func(b *testing.B) {
			r, wall := benchStriatal(b, w)
			if w == 1 {
				t1 = wall
			} else if t1 > 0 {
				b.ReportMetric(t1/wall, "speedup")
				b.ReportMetric(t1/(float64(w)*wall), "efficiency")
			}
			if ref == nil {
				ref = &r
			} else if d := diffReplicates(*ref, r); d != "" {
				b.Errorf("workers=%d: result differs from the first worker count run: %s", w, d)
			}
		})
	}
}

// benchStriatal times b.N runs of replicate 0 of the striatal block (with
// the overrides extra) on w workers, reports the metrics of
// BenchmarkStriatalBlock and returns the replicate and the wall time of
// one run (s).
func benchStriatal(b *testing.B, w int, extra ...string) (montecarlo.Replicate, float64) {
	c := countStriatal(b, extra...)
	runtime.GC()
	model := heapInUse()
	m := loadStriatal(b, extra...) // a fresh model, so each run starts alike
	runtime.GC()
	modelBytes := float64(heapInUse()) - float64(model)
	b.Logf("striatal block: %d shards, %d workers, dt %g us, %d steps, %d voxels, %.0f molecules released, peak %.0f free, mean %.0f, %.4g molecule-steps",
		max(1, m.Spec.Run.Shards), w, c.dt*1e3, c.steps, m.Grid.NumVoxels(), c.released, c.peak, c.molSteps/float64(c.steps), c.molSteps)
	var r montecarlo.Replicate
	b.ReportAllocs()
	b.ResetTimer()
	for it := 0; it < b.N; it++ {
		r = runStriatal(b, m, w)
	}
	b.StopTimer()
	wall := b.Elapsed().Seconds() / float64(b.N)
	b.ReportMetric(c.molSteps, "molsteps")
	b.ReportMetric(c.molSteps/wall, "molsteps/s")
	b.ReportMetric(wall*1e9/c.molSteps, "ns/molstep")
	b.ReportMetric(wall, "wall-s")
	b.ReportMetric(c.peak, "peak-molecules")
	b.ReportMetric(c.molSteps/float64(c.steps), "mean-molecules")
	b.ReportMetric(c.peakLive/(1<<20), "peak-live-MiB")
	b.ReportMetric(modelBytes/(1<<20), "model-MiB")
	b.ReportMetric(c.engine/(1<<20), "engine-MiB")
	b.ReportMetric(c.perMol, "B/molecule")
	b.ReportMetric(float64(agents.BytesPerMolecule), "store-B/molecule")
	checkAgainstCount(b, r, c)
	return r, wall
}

// diffReplicates describes the first difference between two replicates'
// samples and summaries, bit for bit ("" when identical).
func diffReplicates(a, b montecarlo.Replicate) string {
	if len(a.T) != len(b.T) || len(a.Rows) != len(b.Rows) || len(a.Summary) != len(b.Summary) {
		return fmt.Sprintf("%d/%d samples, %d/%d summary values", len(a.Rows), len(b.Rows), len(a.Summary), len(b.Summary))
	}
	for i := range a.Rows {
		if math.Float64bits(a.T[i]) != math.Float64bits(b.T[i]) || len(a.Rows[i]) != len(b.Rows[i]) {
			return fmt.Sprintf("sample %d: t %v and %v", i, a.T[i], b.T[i])
		}
		for j := range a.Rows[i] {
			if math.Float64bits(a.Rows[i][j]) != math.Float64bits(b.Rows[i][j]) {
				return fmt.Sprintf("sample %d (t = %g ms), column %d: %v and %v", i, a.T[i], j, a.Rows[i][j], b.Rows[i][j])
			}
		}
	}
	for j := range a.Summary {
		if math.Float64bits(a.Summary[j]) != math.Float64bits(b.Summary[j]) {
			return fmt.Sprintf("summary %d: %v and %v", j, a.Summary[j], b.Summary[j])
		}
	}
	return ""
}

// TestStriatalBlockWorkers checks, on the first 2 ms of the striatal block
// (0.5 ms with -short), that the replicate's samples and summary are
// bit-identical on 1, 2, 3, 4 and 16 workers (1, 3 and 16 with -short),
// and that the
// exact molecule-step count of the benchmark agrees with the free
// molecules an engine holds before each step.
func TestStriatalBlockWorkers(t *testing.T) {
	dur, workers := "run.duration=2 ms", []int{2, 3, 4, 16}
	if testing.Short() {
		dur, workers = "run.duration=0.5 ms", []int{3, 16}
	}
	m := loadStriatal(t, dur)
	if m.Spec.Run.Shards < 2 {
		t.Fatalf("the striatal block has %d shards; the benchmark needs several", m.Spec.Run.Shards)
	}
	ref := runStriatal(t, m, 1)
	for _, w := range workers {
		if d := diffReplicates(ref, runStriatal(t, m, w)); d != "" {
			t.Errorf("workers=%d differs from workers=1: %s", w, d)
		}
	}
	c := countStriatal(t, dur)
	checkAgainstCount(t, ref, c)
	if c.released == 0 || c.molSteps == 0 {
		t.Fatalf("nothing was released in %g ms (released %v)", m.Spec.Run.Duration, c.released)
	}
	// The same count stepping an engine by hand (slow for a sharded
	// replicate: Molecules gathers the shards).
	e := montecarlo.NewEngine(m)
	e.Reset(m.Spec.Run.Seed, 0)
	n := 0.0
	for k := 0; k < m.Steps(); k++ {
		n += float64(e.Molecules().Len())
		e.Step()
	}
	if n != c.molSteps {
		t.Errorf("molecule-steps: %v stepping the engine, %v from the sampled run", n, c.molSteps)
	}
}
