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
}

// RunReplicate simulates replicate rep of model m with the given seed on a
// fresh engine.
func RunReplicate(m *Model, seed uint64, rep int) Replicate {
	return runOn(NewEngine(m), m, seed, rep)
}

func runOn(e *Engine, m *Model, seed uint64, rep int) Replicate {
	e.Reset(seed, rep)
	n := m.steps/m.sampleEvery + 1
	r := Replicate{Index: rep, T: make([]float64, 0, n), Rows: make([][]float64, 0, n)}
	ncol := len(m.obs.cols)
	flat := make([]float64, 0, n*ncol)
	e.Run(func(t float64, v []float64) {
		r.T = append(r.T, t)
		flat = append(flat, v...)
		r.Rows = append(r.Rows, flat[len(flat)-ncol:len(flat):len(flat)])
	})
	r.Summary = m.Summarise(r.T, r.Rows)
	m.applyStepPeaks(e.pk, r.Summary)
	return r
}

// Runner runs replicates on a pool of workers.
type Runner struct {
	// Workers is the number of goroutines; 0 means GOMAXPROCS. With fewer
	// replicates than workers and a sharded model (RunSpec.Shards), the
	// spare workers step the shards of each replicate in parallel.
	Workers int
}

// Run simulates the replicates reps of m and calls emit with each result
// in the order of reps, from a single goroutine, whatever the number of
// workers: the output is a function of (model, seed, replicate) only.
// At most about 2×Workers results wait in memory. Run stops early and
// returns the error when emit fails or ctx is cancelled; replicates already
// emitted stay emitted.
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
				res := runOn(e, m, seed, j.rep)
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
	if err != nil {
		return err
	}
	if next < len(reps) {
		return ctx.Err()
	}
	return nil
}
