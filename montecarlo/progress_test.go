package montecarlo

import (
	"context"
	"math"
	"reflect"
	"testing"

	"github.com/reuptake/reuptake/agents"
	"github.com/reuptake/reuptake/space"
)

// TestClock checks that a Runner's Clock adds up exactly the simulated
// time of the replicates (replicates × duration, to the nanosecond of
// rounding per sample) and that watching it changes no result.
func TestClock(t *testing.T) {
	s := Spec{Geometry: GeometrySpec{Kind: "box", Box: space.BoxSpec{Size: [3]float64{0.2, 0.06, 0.06}, Voxel: 0.02}},
		Species:  []SpeciesSpec{{Name: "x", D: 0.5}},
		Releases: []ReleaseSpec{{Release: agents.Release{Species: "x", At: [3]float64{0.1, 0.03, 0.03}, Times: []float64{0}, N: 200, Probability: 1}}},
		Run:      RunSpec{Dt: 1e-4, Duration: 0.2, SampleInterval: 0.01}}
	m, err := NewModel(s)
	if err != nil {
		t.Fatal(err)
	}
	reps := []int{0, 1, 2, 3, 4}
	run := func(c *Clock) []Replicate {
		var out []Replicate
		err := Runner{Workers: 2, Clock: c}.Run(context.Background(), m, 9, reps, func(r Replicate) error {
			out = append(out, r)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	var c Clock
	with := run(&c)
	if got, want := c.Simulated(), float64(len(reps))*s.Run.Duration; math.Abs(got-want) > 1e-9 {
		t.Errorf("clock %g ms, want %g ms", got, want)
	}
	if !sameBits(with, run(nil)) {
		t.Error("results differ with and without a clock")
	}
}

// sameBits compares replicates bit for bit (NaN summaries equal).
func sameBits(a, b []Replicate) bool {
	bits := func(r []Replicate) [][]uint64 {
		var out [][]uint64
		for _, x := range r {
			var v []uint64
			for _, row := range append(append([][]float64{x.T}, x.Rows...), x.Summary) {
				for _, f := range row {
					v = append(v, math.Float64bits(f))
				}
			}
			out = append(out, append(v, uint64(x.Index)))
		}
		return out
	}
	return reflect.DeepEqual(bits(a), bits(b))
}
