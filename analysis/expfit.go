package analysis

import (
	"fmt"
	"math"
	"sort"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat"
)

// Fit1 is a single-exponential decay y = A·exp(−t/τ) fitted by least
// squares. Parameter intervals are t-based 95% (Value ∓ t(0.975, DoF)·SE).
type Fit1 struct {
	A   Param // amplitude at t = 0
	Tau Param // time constant τ (> 0), in the units of t
	FitStats
}

// Eval returns A·exp(−t/τ).
func (f Fit1) Eval(t float64) float64 { return f.A.Value * math.Exp(-t/f.Tau.Value) }

// Fit2 is a double-exponential decay y = A1·exp(−t/τ1) + A2·exp(−t/τ2)
// fitted by least squares, ordered so that Tau1 < Tau2 (component 1 is the
// fast one). Parameter intervals are t-based 95%.
type Fit2 struct {
	A1, Tau1 Param // fast component: amplitude and time constant
	A2, Tau2 Param // slow component: amplitude and time constant
	FitStats
}

// Eval returns A1·exp(−t/τ1) + A2·exp(−t/τ2).
func (f Fit2) Eval(t float64) float64 {
	return f.A1.Value*math.Exp(-t/f.Tau1.Value) + f.A2.Value*math.Exp(-t/f.Tau2.Value)
}

// exp1Model is y = A·exp(−t/τ) with p = (A, τ).
func exp1Model(t []float64) nlsModel {
	return nlsModel{np: 2, logp: []bool{false, true}, eval: func(p, f []float64, jac *mat.Dense) {
		a, tau := p[0], p[1]
		for i, ti := range t {
			e := math.Exp(-ti / tau)
			f[i] = a * e
			if jac != nil {
				jac.Set(i, 0, e)
				jac.Set(i, 1, a*e*ti/(tau*tau))
			}
		}
	}}
}

// exp2Model is y = A1·exp(−t/τ1) + A2·exp(−t/τ2) with p = (A1, τ1, A2, τ2).
func exp2Model(t []float64) nlsModel {
	return nlsModel{np: 4, logp: []bool{false, true, false, true}, eval: func(p, f []float64, jac *mat.Dense) {
		a1, t1, a2, t2 := p[0], p[1], p[2], p[3]
		for i, ti := range t {
			e1, e2 := math.Exp(-ti/t1), math.Exp(-ti/t2)
			f[i] = a1*e1 + a2*e2
			if jac != nil {
				jac.Set(i, 0, e1)
				jac.Set(i, 1, a1*e1*ti/(t1*t1))
				jac.Set(i, 2, e2)
				jac.Set(i, 3, a2*e2*ti/(t2*t2))
			}
		}
	}}
}

// FitExp1 fits y = A·exp(−t/τ) by nonlinear least squares (Levenberg–
// Marquardt with τ on a log scale), starting from a log-linear regression of
// ln|y| on t weighted by y². Standard errors come from the Jacobian at the
// optimum: covariance s²(JᵀJ)⁻¹, s² = RSS/(N−2). Points where t or y is NaN
// are dropped; at least three must remain. The error wraps ErrFit when no
// fit could be made and ErrSingular when the estimates are returned without
// standard errors.
func FitExp1(t, y []float64) (Fit1, error) {
	t, y, err := cleanPairs("FitExp1", t, y, 3)
	if err != nil {
		return Fit1{}, err
	}
	tau0 := logLinearTau(t, y)
	var starts [][]float64
	for _, k := range []float64{1, 0.3, 3} {
		tau := tau0 * k
		if a, ok := linearAmplitudes(t, y, tau); ok {
			starts = append(starts, []float64{a[0], tau})
		}
	}
	res, err := fitNLS(exp1Model(t), y, starts)
	if res.p == nil {
		return Fit1{}, fmt.Errorf("FitExp1: %w", err)
	}
	f := Fit1{A: res.param(0), Tau: res.param(1), FitStats: res.FitStats}
	if err != nil {
		return f, fmt.Errorf("FitExp1: %w", err)
	}
	return f, nil
}

// FitExp2 fits y = A1·exp(−t/τ1) + A2·exp(−t/τ2) by nonlinear least squares
// (Levenberg–Marquardt with the τs on a log scale). Starting values come
// from exponential peeling (a log-linear fit of the late half of the data
// gives the slow component; a log-linear fit of what remains early gives the
// fast one) and from a small grid of time-constant pairs around the
// single-exponential τ with amplitudes solved linearly; the best fit wins.
// The result is ordered τ1 < τ2. Standard errors are as in FitExp1 (N−4
// degrees of freedom); at least five points are needed. Data that carry only
// one exponential make the two components unidentifiable and return an error
// wrapping ErrSingular with the estimates.
func FitExp2(t, y []float64) (Fit2, error) {
	t, y, err := cleanPairs("FitExp2", t, y, 5)
	if err != nil {
		return Fit2{}, err
	}
	var starts [][]float64
	add := func(t1, t2 float64) {
		if !(t1 > 0 && t2 > 0) || math.IsInf(t1, 0) || math.IsInf(t2, 0) {
			return
		}
		if a, ok := linearAmplitudes(t, y, t1, t2); ok {
			starts = append(starts, []float64{a[0], t1, a[1], t2})
		}
	}
	if t1, t2, ok := peel(t, y); ok {
		add(t1, t2)
	}
	tau0 := logLinearTau(t, y)
	for _, k1 := range []float64{0.05, 0.2, 0.5} {
		for _, k2 := range []float64{1.2, 2, 5} {
			add(tau0*k1, tau0*k2)
		}
	}
	res, err := fitNLS(exp2Model(t), y, starts)
	if res.p == nil {
		return Fit2{}, fmt.Errorf("FitExp2: %w", err)
	}
	i1, i2 := 0, 2
	if res.p[3] < res.p[1] {
		i1, i2 = 2, 0
	}
	f := Fit2{
		A1: res.param(i1), Tau1: res.param(i1 + 1),
		A2: res.param(i2), Tau2: res.param(i2 + 1),
		FitStats: res.FitStats,
	}
	if err != nil {
		return f, fmt.Errorf("FitExp2: %w", err)
	}
	return f, nil
}

// cleanPairs checks lengths, drops pairs with a NaN and requires at least
// minN remaining points.
func cleanPairs(name string, x, y []float64, minN int) ([]float64, []float64, error) {
	if len(x) != len(y) {
		return nil, nil, fmt.Errorf("%s: %w: %d x values but %d y values", name, ErrFit, len(x), len(y))
	}
	cx := make([]float64, 0, len(x))
	cy := make([]float64, 0, len(y))
	for i := range x {
		if math.IsNaN(x[i]) || math.IsNaN(y[i]) || math.IsInf(x[i], 0) || math.IsInf(y[i], 0) {
			continue
		}
		cx = append(cx, x[i])
		cy = append(cy, y[i])
	}
	if len(cx) < minN {
		return nil, nil, fmt.Errorf("%s: %w: %d usable points, need at least %d", name, ErrFit, len(cx), minN)
	}
	return cx, cy, nil
}

// logLinearTau estimates τ from a regression of ln|y| on t over the points
// whose sign matches the dominant sign of y, weighted by y² (which mimics
// least squares on the original scale). It falls back to a third of the time
// span when the slope is not negative.
func logLinearTau(t, y []float64) float64 {
	var sum float64
	for _, v := range y {
		sum += v
	}
	sign := 1.0
	if sum < 0 {
		sign = -1
	}
	var lx, ly, w []float64
	for i, v := range y {
		if v*sign > 0 {
			lx = append(lx, t[i])
			ly = append(ly, math.Log(v*sign))
			w = append(w, v*v)
		}
	}
	lo, hi := span(t)
	fallback := (hi - lo) / 3
	if !(fallback > 0) {
		fallback = 1
	}
	if len(lx) < 2 {
		return fallback
	}
	_, beta := stat.LinearRegression(lx, ly, w, false)
	if !(beta < 0) || math.IsInf(beta, 0) {
		return fallback
	}
	return -1 / beta
}

// peel estimates (τfast, τslow) by exponential peeling.
func peel(t, y []float64) (t1, t2 float64, ok bool) {
	idx := make([]int, len(t))
	for i := range idx {
		idx[i] = i
	}
	sort.Slice(idx, func(a, b int) bool { return t[idx[a]] < t[idx[b]] })
	h := len(idx) / 2
	lateT := make([]float64, 0, len(idx)-h)
	lateY := make([]float64, 0, len(idx)-h)
	for _, i := range idx[h:] {
		lateT = append(lateT, t[i])
		lateY = append(lateY, y[i])
	}
	t2 = logLinearTau(lateT, lateY)
	a, okA := linearAmplitudes(lateT, lateY, t2)
	if !okA {
		return 0, 0, false
	}
	earlyT := make([]float64, 0, h)
	earlyR := make([]float64, 0, h)
	for _, i := range idx[:h] {
		earlyT = append(earlyT, t[i])
		earlyR = append(earlyR, y[i]-a[0]*math.Exp(-t[i]/t2))
	}
	if len(earlyT) < 2 {
		return 0, 0, false
	}
	t1 = logLinearTau(earlyT, earlyR)
	if t1 >= t2 {
		t1 = t2 / 10
	}
	return t1, t2, true
}

// linearAmplitudes solves the linear least-squares problem for the
// amplitudes of exp(−t/τk) given the time constants.
func linearAmplitudes(t, y []float64, taus ...float64) ([]float64, bool) {
	x := mat.NewDense(len(t), len(taus), nil)
	for i, ti := range t {
		for k, tau := range taus {
			x.Set(i, k, math.Exp(-ti/tau))
		}
	}
	var a mat.VecDense
	if err := a.SolveVec(x, mat.NewVecDense(len(y), y)); err != nil {
		return nil, false
	}
	out := make([]float64, len(taus))
	for k := range out {
		out[k] = a.AtVec(k)
		if math.IsNaN(out[k]) || math.IsInf(out[k], 0) {
			return nil, false
		}
	}
	return out, true
}

// span returns the smallest and largest value of x.
func span(x []float64) (lo, hi float64) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, v := range x {
		lo, hi = math.Min(lo, v), math.Max(hi, v)
	}
	return lo, hi
}
