package montecarlo

import (
	"context"
	"runtime"
	"sync"
)

// Replicate is the result of one replicate: its samples and summary.
type Replicate struct {
	Index   int
	T       []float64   // sample times, ms
	Rows    [][]float64 // one row per sample, in the order of Model.Columns
	Summary []float64   // in the order of Model.SummaryColumns
	// Tape holds the replicate's events and snapshots when the model asks
	// for them (Model.Output), else nil; Release frees it.
	Tape *Tape
}

// RunReplicate simulates replicate rep of model m with the given seed on a
// fresh engine.
func RunReplicate(m *Model, seed uint64, rep int) Replicate {
	return runOn(NewEngine(m), m, seed, rep, nil)
}

// runOn simulates replicate rep on e; clock, if not nil, advances with
// each sample.
func runOn(e *Engine, m *Model, seed uint64, rep int, clock *Clock) Replicate {
	r, _ := runOnContext(context.Background(), e, m, seed, rep, clock)
	return r
}

// runOnContext runs one replicate, stopping with ctx's error (and no
// result) when ctx is cancelled while it runs; clock, if not nil, advances
// with each sample.
func runOnContext(ctx context.Context, e *Engine, m *Model, seed uint64, rep int, clock *Clock) (Replicate, error) {
	n := m.steps/m.sampleEvery + 1
	r := Replicate{Index: rep, T: make([]float64, 0, n), Rows: make([][]float64, 0, n)}
	if m.out.on() {
		r.Tape = &Tape{}
	}
	e.Record(r.Tape)
	e.Reset(seed, rep)
	ncol := len(m.obs.cols)
	flat := make([]float64, 0, n*ncol)
	last := 0.0
	err := e.RunContext(ctx, func(t float64, v []float64) {
		clock.advance(t - last)
		last = t
		r.T = append(r.T, DecimalTime(t))
		flat = append(flat, v...)
		r.Rows = append(r.Rows, flat[len(flat)-ncol:len(flat):len(flat)])
	})
	if err != nil {
		return Replicate{}, err
	}
	r.Summary = m.Summarise(r.T, r.Rows)
	m.applyStepPeaks(e.pk, r.Summary)
	return r, nil
}

// Runner runs replicates on a pool of workers.
type Runner struct {
	// Workers is the number of goroutines; 0 means GOMAXPROCS. With fewer
	// replicates than workers and a sharded model (RunSpec.Shards), the
	// spare workers step the shards of each replicate in parallel.
	Workers int
	// Clock, if set, advances with the simulated time of every replicate
	// as it is simulated (see Clock), for progress displays.
	Clock *Clock
}

// Run simulates the replicates reps of m and calls emit with each result
// in the order of reps, from a single goroutine, whatever the number of
// workers: the output is a function of (model, seed, replicate) only.
// At most about 2×Workers results wait in memory. Run stops early and
// returns the error when emit fails or ctx is cancelled; replicates already
// emitted stay emitted. A replicate in progress when ctx is cancelled stops
// within a few hundred steps and is not emitted.
func (r Runner) Run(ctx context.Context, m *Model, seed uint64, reps []int, emit func(Replicate) error) error {
	workers := r.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	// A sharded model's replicates are themselves parallel: workers left
	// over once each replicate in flight has one step its shards.
	inner := 1
	if workers > len(reps) {
		if len(reps) > 0 {
			inner = workers / len(reps)
		}
		workers = len(reps)
	}
	if workers == 0 {
		return nil
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	type job struct{ pos, rep int }
	type done struct {
		pos int
		res Replicate
	}
	jobs := make(chan job)
	results := make(chan done, workers)
	// Tokens bound the results held out of order.
	tokens := make(chan struct{}, 2*workers)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			e := NewEngine(m)
			e.SetWorkers(inner)
			for j := range jobs {
				res, err := runOnContext(ctx, e, m, seed, j.rep, r.Clock)
				if err != nil {
					return // cancelled mid-replicate: no partial result
				}
				select {
				case results <- done{j.pos, res}:
				case <-ctx.Done():
					return
				}
			}
		}()
	}
	go func() {
		defer close(jobs)
		for pos, rep := range reps {
			select {
			case tokens <- struct{}{}:
			case <-ctx.Done():
				return
			}
			select {
			case jobs <- job{pos, rep}:
			case <-ctx.Done():
				return
			}
		}
	}()
	go func() { wg.Wait(); close(results) }()
	pending := map[int]Replicate{}
	next := 0
	var err error
	for d := range results {
		if err != nil {
			d.res.Release()
			continue
		}
		pending[d.pos] = d.res
		for {
			res, ok := pending[next]
			if !ok {
				break
			}
			delete(pending, next)
			next++
			<-tokens
			if err = emit(res); err != nil {
				cancel()
				break
			}
		}
	}
	for _, res := range pending {
		res.Release()
	}
	if err != nil {
		return err
	}
	if next < len(reps) {
		return ctx.Err()
	}
	return nil
}
