package validate

import (
	"fmt"

	"github.com/reuptake/reuptake/montecarlo"
)

// Long steps (RunSpec.LongSteps = K > 1, docs/design.md §3.11): a molecule far
// from every wall, tile, sink, region boundary and volume site takes one
// step of K·Δt at steps that are multiples of K and sits out the next
// K − 1. Free diffusion and first-order decay are exact over any step, and
// near boundaries the molecules take ordinary steps, so T1, T5 and T10 must
// give the same answers as with K = 1; the checks "... long steps ×10" run
// them with K = 10 in geometries where long steps cover much of the run.

// longStepsTaken is the number of molecules of e that took a long step in
// the step just run, for RunSpec.LongSteps = long: a molecule that takes
// one sits out the next long − 1 steps, so right after the step its
// agents.Molecules.Skip is long − 1, and no molecule has that value after
// any other step. It is 0 when long ≤ 1.
func longStepsTaken(e *montecarlo.Engine, long int) int64 {
	if long <= 1 {
		return 0
	}
	var n int64
	for _, s := range e.Molecules().Skip {
		if int(s) == long-1 {
			n++
		}
	}
	return n
}

// runToLong is runTo for a model with RunSpec.LongSteps = long; it returns
// the number of long steps taken on the way (0 when long ≤ 1).
func runToLong(e *montecarlo.Engine, m *montecarlo.Model, t float64, long int) int64 {
	if long <= 1 {
		runTo(e, m, t)
		return 0
	}
	var taken int64
	n := stepsFor(t, m.Dt)
	for cur := stepsFor(e.Time(), m.Dt); cur < n; cur++ {
		e.Step()
		taken += longStepsTaken(e, long)
	}
	return taken
}

// longStepsRow is the exact row of a run in which every molecule must take
// a long step at every multiple of long steps (want of them in all).
func longStepsRow(label string, want, got int64, long int) Result {
	return exact(fmt.Sprintf("long steps of %d·dt taken, %s", long, label), float64(want), float64(got),
		"every molecule is far from all walls: one long step per molecule per multiple of the long step (RunSpec.LongSteps)")
}
