package montecarlo

import (
	"fmt"
	"testing"
)

// TestWorkPoolBatches runs many short batches on pools whose idle workers
// park after 0, 1 or 64 polls (so that wake-ups race with workers that
// have already finished the batch), and checks
// after each batch that every task ran exactly once and nothing runs
// after run returns (the tasks write without atomics, so the race
// detector also sees any overlap). A late wake-up once counted a batch
// twice and let run return while a worker was still busy.
func TestWorkPoolBatches(t *testing.T) {
	batches := 2000
	if testing.Short() {
		batches = 300 // the race detector runs the short suite
	}
	for _, spin := range []int{0, 1, 64} {
		t.Run(fmt.Sprintf("spin=%d", spin), func(t *testing.T) {
			p := newWorkPoolSpin(4, spin)
			defer p.close()
			subs := make([]*Engine, 7)
			for i := range subs {
				subs[i] = &Engine{}
			}
			for b := 1; b <= batches; b++ {
				p.run(subs, func(e *Engine) { e.step++ })
				for i, e := range subs {
					if e.step != b {
						t.Fatalf("batch %d: task %d ran %d times in all, want %d", b, i, e.step, b)
					}
				}
			}
		})
	}
}
