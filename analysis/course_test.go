package analysis

import (
	"math"
	"math/rand/v2"
	"testing"
)

type row struct {
	rep  int64
	t, v float64
}

func courseRows(reps, times int) []row {
	rng := rand.New(rand.NewPCG(7, 7))
	var rows []row
	for r := range reps {
		for k := range times {
			tk := 0.1 * float64(k)
			rows = append(rows, row{int64(r), tk, 100*math.Exp(-tk/2) + 5*rng.NormFloat64()})
		}
	}
	rng.Shuffle(len(rows), func(i, j int) { rows[i], rows[j] = rows[j], rows[i] })
	return rows
}

func TestCourseAccumulator(t *testing.T) {
	const reps, times = 20, 50
	rows := courseRows(reps, times)
	var acc CourseAccumulator
	byTime := map[float64][]float64{}
	for _, r := range rows {
		acc.Add(r.rep, r.t, r.v)
		byTime[r.t] = append(byTime[r.t], r.v)
	}
	acc.Add(3, math.NaN(), 1) // skipped
	acc.Add(3, 0.5, math.NaN())
	if acc.Len() != times || acc.Rows() != reps*times || acc.Skipped() != 2 {
		t.Fatalf("Len, Rows, Skipped = %d, %d, %d", acc.Len(), acc.Rows(), acc.Skipped())
	}
	if lo, hi, ok := acc.ReplicateRange(); !ok || lo != 0 || hi != reps-1 {
		t.Errorf("ReplicateRange = %d, %d, %v", lo, hi, ok)
	}
	b := acc.Band()
	if len(b.T) != times {
		t.Fatalf("band has %d times, want %d", len(b.T), times)
	}
	for i := range b.T {
		if i > 0 && !(b.T[i] > b.T[i-1]) {
			t.Fatalf("times not ascending at %d: %g after %g", i, b.T[i], b.T[i-1])
		}
		s := Describe(byTime[b.T[i]])
		if b.N[i] != reps || !near(b.Mean[i], s.Mean, 1e-10) || !near(b.SE[i], s.SE, 1e-10) ||
			!near(b.Lo[i], s.CI95[0], 1e-10) || !near(b.Hi[i], s.CI95[1], 1e-10) {
			t.Errorf("t=%g: band (n %d, mean %g, se %g, [%g, %g]) != Describe (%g, %g, [%g, %g])",
				b.T[i], b.N[i], b.Mean[i], b.SE[i], b.Lo[i], b.Hi[i], s.Mean, s.SE, s.CI95[0], s.CI95[1])
		}
	}

	// Merging partial accumulators equals accumulating everything at once.
	var parts [3]CourseAccumulator
	for i, r := range rows {
		parts[i%3].Add(r.rep, r.t, r.v)
	}
	var merged CourseAccumulator
	for i := range parts {
		merged.Merge(&parts[i])
	}
	m := merged.Band()
	for i := range b.T {
		if m.T[i] != b.T[i] || m.N[i] != b.N[i] || !near(m.Mean[i], b.Mean[i], 1e-10) || !near(m.SE[i], b.SE[i], 1e-10) {
			t.Errorf("merged band differs at t=%g", b.T[i])
		}
	}

	// A single replicate gives NaN uncertainty; −0 and +0 are one time.
	var one CourseAccumulator
	one.Add(0, 0, 1)
	one.Add(1, math.Copysign(0, -1), 3)
	one.Add(0, 1, 2)
	ob := one.Band()
	if len(ob.T) != 2 || ob.N[0] != 2 || ob.Mean[0] != 2 || !math.IsNaN(ob.SE[1]) || !math.IsNaN(ob.Lo[1]) {
		t.Errorf("small band = %+v", ob)
	}
}

func TestPeak(t *testing.T) {
	// y rises linearly to 10 at t = 2, then decays as 10·exp(−(t−2)/3) to
	// t = 40. Exact: area 10 (rise) + 30·(1 − e^{−38/3}) (decay), τ = 3·(1 −
	// e^{−38/3}). The trapezoid error on the decay is ≈ h²/(12τ²) relative
	// (1e-6 for h = 0.01).
	var ts, ys []float64
	for i := 0; i <= 4000; i++ {
		ti := 0.01 * float64(i)
		y := 5 * ti
		if ti > 2 {
			y = 10 * math.Exp(-(ti-2)/3)
		}
		ts, ys = append(ts, ti), append(ys, y)
	}
	p := Peak(ts, ys)
	tail := 1 - math.Exp(-38.0/3)
	tests := []struct {
		name      string
		got, want float64
		tol       float64
	}{
		{"Peak", p.Peak, 10, 1e-12},
		{"TPeak", p.TPeak, 2, 1e-12},
		{"Area", p.Area, 10 + 30*tail, 1e-4},
		{"AreaAfter", p.AreaAfter, 30 * tail, 1e-4},
		{"Tau", p.Tau, 3 * tail, 1e-5},
	}
	for _, tc := range tests {
		if !near(tc.got, tc.want, tc.tol) {
			t.Errorf("%s = %.10g, want %.10g", tc.name, tc.got, tc.want)
		}
	}
	if e := Peak(nil, nil); !math.IsNaN(e.Peak) || !math.IsNaN(e.Tau) {
		t.Errorf("empty Peak = %+v", e)
	}
	if z := Peak([]float64{0, 1}, []float64{0, 0}); z.Peak != 0 || z.TPeak != 0 || !math.IsNaN(z.Tau) {
		t.Errorf("zero Peak = %+v", z)
	}
}
