package validate

import (
	"fmt"
	"math"
	"sort"
)

// Kinetics is a kinetic scheme as a master equation for the occupancy
// probabilities of its states, dp/dt = Q(t)ᵀp. It is written independently
// of the engine's agents.Scheme so that the engine can be checked against
// it.
type Kinetics struct {
	States []string
	Edges  []Edge
}

// Edge is one transition of a Kinetics. Its rate is K (1/ms), or K·L(t)
// when Ligand is set (K in 1/(mM·ms), L the ligand concentration in mM).
type Edge struct {
	From, To int
	K        float64
	Ligand   bool
}

// Index returns the index of the named state; it panics on an unknown name.
func (k Kinetics) Index(name string) int {
	for i, s := range k.States {
		if s == name {
			return i
		}
	}
	panic(fmt.Sprintf("validate: no state %q", name))
}

// deriv writes dp/dt at ligand concentration l into dp.
func (k Kinetics) deriv(p []float64, l float64, dp []float64) {
	clear(dp)
	for _, e := range k.Edges {
		r := e.K
		if e.Ligand {
			r *= l
		}
		f := r * p[e.From]
		dp[e.From] -= f
		dp[e.To] += f
	}
}

// Solve integrates the master equation from p0 at t = 0 with the classical
// fourth-order Runge–Kutta method and returns p at each of times (ms,
// ascending). The ligand concentration is lig(t) in mM; breaks lists times
// where lig jumps, and the integration lands exactly on them so that RK4
// never straddles a discontinuity. h is the largest step (ms).
func (k Kinetics) Solve(p0 []float64, lig func(t float64) float64, breaks, times []float64, h float64) [][]float64 {
	n := len(k.States)
	p := append([]float64(nil), p0...)
	k1, k2, k3, k4, tmp := make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n)
	// Stop points: every break and every output time, in order.
	stops := append(append([]float64(nil), breaks...), times...)
	sort.Float64s(stops)
	out := make([][]float64, len(times))
	t := 0.0
	// rk4 advances p from t by dt; the ligand is evaluated strictly inside
	// the interval so that a jump at either end is never sampled across.
	rk4 := func(dt float64) {
		mid := t + dt/2
		l0, lm, l1 := lig(t+dt*1e-9), lig(mid), lig(t+dt*(1-1e-9))
		k.deriv(p, l0, k1)
		for i := range p {
			tmp[i] = p[i] + dt/2*k1[i]
		}
		k.deriv(tmp, lm, k2)
		for i := range p {
			tmp[i] = p[i] + dt/2*k2[i]
		}
		k.deriv(tmp, lm, k3)
		for i := range p {
			tmp[i] = p[i] + dt*k3[i]
		}
		k.deriv(tmp, l1, k4)
		for i := range p {
			p[i] += dt / 6 * (k1[i] + 2*k2[i] + 2*k3[i] + k4[i])
		}
		t += dt
	}
	next := 0
	for _, s := range stops {
		if s > t {
			steps := int(math.Ceil((s - t) / h))
			dt := (s - t) / float64(steps)
			for i := 0; i < steps; i++ {
				rk4(dt)
			}
			t = s
		}
		for next < len(times) && times[next] <= t {
			out[next] = append([]float64(nil), p...)
			next++
		}
	}
	return out
}

// Peak finds the maximum of the summed occupancy of states on [0, tMax]
// by integrating on a grid of step h and refining the best grid point with
// a parabola through its neighbours. It returns the time and the value.
func (k Kinetics) Peak(p0 []float64, lig func(float64) float64, breaks []float64, states []int, tMax, h float64) (tPeak, peak float64) {
	n := int(math.Round(tMax / h))
	times := make([]float64, n+1)
	for i := range times {
		times[i] = float64(i) * h
	}
	ps := k.Solve(p0, lig, breaks, times, h)
	val := func(p []float64) float64 {
		s := 0.0
		for _, i := range states {
			s += p[i]
		}
		return s
	}
	best := 0
	for i := range ps {
		if val(ps[i]) > val(ps[best]) {
			best = i
		}
	}
	tPeak, peak = times[best], val(ps[best])
	if best > 0 && best < n {
		a, b, c := val(ps[best-1]), val(ps[best]), val(ps[best+1])
		if den := a - 2*b + c; den < 0 {
			x := 0.5 * (a - c) / den
			tPeak += x * h
			peak = b - 0.25*(a-c)*x
		}
	}
	return tPeak, peak
}

// Steady returns the stationary distribution at constant ligand l (mM):
// the solution of Qᵀπ = 0 with Σπ = 1, by Gaussian elimination with
// partial pivoting.
func (k Kinetics) Steady(l float64) []float64 {
	n := len(k.States)
	a := make([][]float64, n)
	for i := range a {
		a[i] = make([]float64, n+1)
	}
	for _, e := range k.Edges {
		r := e.K
		if e.Ligand {
			r *= l
		}
		a[e.From][e.From] -= r
		a[e.To][e.From] += r
	}
	// Replace the last balance equation by the normalisation.
	for j := 0; j < n; j++ {
		a[n-1][j] = 1
	}
	a[n-1][n] = 1
	for c := 0; c < n; c++ {
		piv := c
		for r := c + 1; r < n; r++ {
			if math.Abs(a[r][c]) > math.Abs(a[piv][c]) {
				piv = r
			}
		}
		a[c], a[piv] = a[piv], a[c]
		for r := 0; r < n; r++ {
			if r == c || a[r][c] == 0 {
				continue
			}
			f := a[r][c] / a[c][c]
			for j := c; j <= n; j++ {
				a[r][j] -= f * a[c][j]
			}
		}
	}
	pi := make([]float64, n)
	for i := range pi {
		pi[i] = a[i][n] / a[i][i]
	}
	return pi
}

// Jonas is the Jonas, Major & Sakmann (1993) AMPA receptor scheme as
// transcribed in docs/parameters.md §A2 (rates in 1/ms; ligand-driven rates in
// 1/(mM·ms)). States: C0 C1 C2 O C3 C4 C5; O conducts.
func Jonas() Kinetics {
	const (
		C0 = iota
		C1
		C2
		O
		C3
		C4
		C5
	)
	return Kinetics{
		States: []string{"C0", "C1", "C2", "O", "C3", "C4", "C5"},
		Edges: []Edge{
			{C0, C1, 4.59, true}, {C1, C0, 4.26, false},
			{C1, C2, 28.4, true}, {C2, C1, 3.26, false},
			{C2, O, 4.24, false}, {O, C2, 0.90, false},
			{C1, C3, 2.89, false}, {C3, C1, 0.0392, false},
			{C2, C4, 0.172, false}, {C4, C2, 0.000727, false},
			{O, C5, 0.0177, false}, {C5, O, 0.004, false},
			{C3, C4, 1.27, true}, {C4, C3, 0.0457, false},
			{C4, C5, 0.0168, false}, {C5, C4, 0.1904, false},
		},
	}
}
