package montecarlo

import (
	"math"
	"sync/atomic"
)

// Clock adds up the simulated time of the replicates a Runner simulates,
// as they go: each sample of a replicate advances it by the time since the
// replicate's previous sample. A progress display reads it while the run
// goes on, so that replicates that take minutes each still show progress.
// It is safe for concurrent use and costs one atomic add per sample; it
// never changes what is simulated.
type Clock struct{ ns atomic.Int64 }

// Simulated returns the simulated time so far, summed over replicates, in
// ms.
func (c *Clock) Simulated() float64 { return float64(c.ns.Load()) / 1e6 }

// advance adds dt ms; a nil Clock does nothing.
func (c *Clock) advance(dt float64) {
	if c != nil {
		c.ns.Add(int64(math.Round(dt * 1e6)))
	}
}
