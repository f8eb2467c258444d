package montecarlo

import (
	"context"
	"errors"
	"testing"
	"time"
)

// TestRunContextStopsWithinSteps: a replicate cancelled from within stops
// within cancelEvery steps of the cancellation (issue 13 B.10: a replicate
// in progress ignored cancellation and could outlast Slurm's grace time).
func TestRunContextStopsWithinSteps(t *testing.T) {
	spec := bathSpec(nil)
	spec.Run.Duration = 1000 // 1e5 steps of 0.01 ms
	m, err := NewModel(spec)
	if err != nil {
		t.Fatal(err)
	}
	e := NewEngine(m)
	e.Reset(1, 0)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	cancelAt := -1
	err = e.RunContext(ctx, func(tm float64, _ []float64) {
		if tm >= 10 && cancelAt < 0 {
			cancelAt = e.step
			cancel()
		}
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("RunContext = %v, want context.Canceled", err)
	}
	if e.step-cancelAt > cancelEvery || e.step >= m.steps {
		t.Fatalf("stopped at step %d, cancelled at %d: more than %d steps later", e.step, cancelAt, cancelEvery)
	}
}

// TestRunnerCancelsLongReplicate: a Runner whose only replicate would take
// hours returns soon after its context is cancelled, without emitting the
// partial replicate.
func TestRunnerCancelsLongReplicate(t *testing.T) {
	spec := bathSpec(nil)
	spec.Run.Duration = 1e6 // 1e8 steps: hours
	m, err := NewModel(spec)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	emitted := 0
	go func() {
		errc <- Runner{Workers: 1}.Run(ctx, m, 1, []int{0}, func(Replicate) error { emitted++; return nil })
	}()
	time.Sleep(50 * time.Millisecond)
	cancel()
	select {
	case err := <-errc:
		if !errors.Is(err, context.Canceled) || emitted != 0 {
			t.Fatalf("Run = %v with %d emitted, want context.Canceled and none", err, emitted)
		}
	case <-time.After(2 * time.Minute):
		t.Fatal("Run did not stop after its context was cancelled")
	}
}
