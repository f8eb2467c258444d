package validate

import (
	"fmt"
	"math"

	"github.com/reuptake/reuptake/montecarlo"
	"github.com/reuptake/reuptake/space"
)

// modelError is the Result of a check whose model did not build: it fails
// and says why.
func modelError(quantity string, err error) []Result {
	return []Result{{Quantity: quantity, Z: math.NaN(), Detail: "model error: " + err.Error()}}
}

// boxSpec is a closed reflecting box of the given size and voxel holding
// diffusing species, run with timestep dt for duration (sampled every step;
// the checks drive the engine step by step).
func boxSpec(size [3]float64, voxel, dt, duration float64, species ...montecarlo.SpeciesSpec) montecarlo.Spec {
	return montecarlo.Spec{
		Geometry: montecarlo.GeometrySpec{Kind: "box", Box: space.BoxSpec{Size: size, Voxel: voxel}},
		Species:  species,
		Run:      montecarlo.RunSpec{Dt: dt, Duration: duration, SampleInterval: dt, Replicates: 1},
	}
}

// stepsFor is the number of steps of length dt in t, which must be a whole
// number of them.
func stepsFor(t, dt float64) int {
	n := math.Round(t / dt)
	if math.Abs(n*dt-t) > 1e-9*t {
		panic(fmt.Sprintf("validate: %g ms is not a whole number of %g ms steps", t, dt))
	}
	return int(n)
}

// runTo steps e until its time reaches t (a whole number of steps).
func runTo(e *montecarlo.Engine, m *montecarlo.Model, t float64) {
	n := stepsFor(t, m.Dt)
	for cur := stepsFor(e.Time(), m.Dt); cur < n; cur++ {
		e.Step()
	}
}

// fmtTime formats a time in ms as µs or ms for quantity labels.
func fmtTime(ms float64) string {
	if ms < 0.1 {
		return fmt.Sprintf("%g µs", math.Round(ms*1e6)/1e3)
	}
	return fmt.Sprintf("%g ms", ms)
}
