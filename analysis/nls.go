package analysis

import (
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// ErrSingular is returned (wrapped) by the fits when the parameters are not
// identifiable from the data at the optimum (JᵀJ is singular or nearly so).
// The point estimates returned alongside it are the least-squares solution,
// but standard errors and confidence intervals are NaN.
var ErrSingular = errors.New("analysis: fit parameters not identifiable (singular JᵀJ)")

// ErrFit is returned (wrapped) when a fit cannot be attempted or fails to
// produce finite estimates.
var ErrFit = errors.New("analysis: fit failed")

// Param is a fitted parameter: estimate, standard error and 95% confidence
// interval. Unless a fit documents otherwise, the interval is
// Value ∓ t(0.975, DoF)·SE.
type Param struct {
	Value, SE, Lo, Hi float64
}

// FitStats are goodness-of-fit figures shared by the least-squares fits.
type FitStats struct {
	N     int     // number of data points
	DoF   int     // residual degrees of freedom, N − number of parameters
	RSS   float64 // residual sum of squares
	Sigma float64 // residual standard deviation √(RSS/DoF)
	R2    float64 // coefficient of determination 1 − RSS/TSS
}

// nlsModel is a model y ≈ f(x; p) with natural parameters p.
type nlsModel struct {
	np int
	// logp marks parameters that are optimised on a log scale (they must
	// stay positive); the covariance is still reported for p itself.
	logp []bool
	// eval fills f[i] = f(x_i; p) and, when jac is non-nil, jac[i][j] =
	// ∂f(x_i; p)/∂p_j.
	eval func(p, f []float64, jac *mat.Dense)
}

// nlsResult is the outcome of a least-squares fit.
type nlsResult struct {
	p   []float64
	cov *mat.SymDense // nil when singular
	FitStats
}

// fitNLS minimises Σ(y_i − f(x_i; p))² from each start and keeps the best.
// It uses Levenberg–Marquardt, then estimates the covariance of p as
// s²(JᵀJ)⁻¹ with s² = RSS/DoF and J the Jacobian of f at the optimum.
func fitNLS(m nlsModel, y []float64, starts [][]float64) (nlsResult, error) {
	n := len(y)
	if n <= m.np {
		return nlsResult{}, fmt.Errorf("%w: %d points for %d parameters", ErrFit, n, m.np)
	}
	var best nlsResult
	best.RSS = math.Inf(1)
	for _, s := range starts {
		p, rss, ok := minimizeNLS(m, y, s)
		if ok && rss < best.RSS {
			best.p, best.RSS = p, rss
		}
	}
	if best.p == nil {
		return nlsResult{}, fmt.Errorf("%w: no start converged to finite estimates", ErrFit)
	}
	best.N = n
	best.DoF = n - m.np
	best.Sigma = math.Sqrt(best.RSS / float64(best.DoF))
	var my, tss float64
	for _, v := range y {
		my += v
	}
	my /= float64(n)
	for _, v := range y {
		tss += (v - my) * (v - my)
	}
	best.R2 = 1 - best.RSS/tss

	f := make([]float64, n)
	jac := mat.NewDense(n, m.np, nil)
	m.eval(best.p, f, jac)
	// Scale J's columns to unit length so that the conditioning test does
	// not depend on the units of the parameters; (JᵀJ)⁻¹ = D(DJᵀJD)⁻¹D.
	d := make([]float64, m.np)
	for j := range d {
		nrm := mat.Norm(jac.ColView(j), 2)
		if !(nrm > 0) || math.IsInf(nrm, 0) {
			return best, ErrSingular
		}
		d[j] = 1 / nrm
	}
	var js mat.Dense
	js.Mul(jac, mat.NewDiagDense(m.np, d))
	var jtj mat.SymDense
	jtj.SymOuterK(1, js.T())
	var chol mat.Cholesky
	if !chol.Factorize(&jtj) || chol.Cond() > 1e12 {
		return best, ErrSingular
	}
	var inv mat.SymDense
	if err := chol.InverseTo(&inv); err != nil {
		return best, ErrSingular
	}
	s2 := best.RSS / float64(best.DoF)
	cov := mat.NewSymDense(m.np, nil)
	for i := range m.np {
		for j := i; j < m.np; j++ {
			cov.SetSym(i, j, s2*d[i]*d[j]*inv.At(i, j))
		}
	}
	best.cov = cov
	return best, nil
}

// param returns the estimate of parameter j with its SE and a symmetric
// t-based 95% CI.
func (r nlsResult) param(j int) Param {
	v := r.p[j]
	if r.cov == nil {
		return Param{Value: v, SE: math.NaN(), Lo: math.NaN(), Hi: math.NaN()}
	}
	se := math.Sqrt(r.cov.At(j, j))
	h := TCritical(0.95, float64(r.DoF)) * se
	return Param{Value: v, SE: se, Lo: v - h, Hi: v + h}
}

// minimizeNLS runs a Levenberg–Marquardt iteration (Marquardt's diagonal
// scaling) from start and returns the natural parameters, the RSS and
// whether the result is finite. Parameters flagged in m.logp are iterated
// on a log scale so that they stay positive.
func minimizeNLS(m nlsModel, y, start []float64) ([]float64, float64, bool) {
	n, np := len(y), m.np
	toP := func(q, p []float64) {
		for j := range q {
			if m.logp[j] {
				p[j] = math.Exp(q[j])
			} else {
				p[j] = q[j]
			}
		}
	}
	q := make([]float64, np)
	for j, v := range start {
		if m.logp[j] {
			if !(v > 0) {
				return nil, 0, false
			}
			q[j] = math.Log(v)
		} else {
			q[j] = v
		}
	}
	p := make([]float64, np)
	f := make([]float64, n)
	r := make([]float64, n)
	jac := mat.NewDense(n, np, nil)
	// eval fills r and, when withJac, the Jacobian with respect to q.
	eval := func(q []float64, withJac bool) float64 {
		toP(q, p)
		var jm *mat.Dense
		if withJac {
			jm = jac
		}
		m.eval(p, f, jm)
		for i := range r {
			r[i] = y[i] - f[i]
		}
		if withJac {
			for j := range np {
				if m.logp[j] {
					for i := range n {
						jac.Set(i, j, jac.At(i, j)*p[j])
					}
				}
			}
		}
		s := ssr(r)
		if math.IsNaN(s) {
			return math.Inf(1)
		}
		return s
	}

	rss := eval(q, true)
	if math.IsInf(rss, 0) {
		return nil, 0, false
	}
	var (
		a     mat.SymDense
		damp  = mat.NewSymDense(np, nil)
		chol  mat.Cholesky
		g     = mat.NewVecDense(np, nil)
		delta = mat.NewVecDense(np, nil)
		trial = make([]float64, np)
	)
	lambda := 1e-3 // damping relative to diag(JᵀJ)
	for range 500 {
		a.SymOuterK(1, jac.T())
		g.MulVec(jac.T(), mat.NewVecDense(n, r))
		// Converged when the undamped Gauss–Newton step would lower the RSS
		// by a negligible fraction.
		if chol.Factorize(&a) && chol.SolveVecTo(delta, g) == nil {
			if pred := mat.Dot(delta, g); pred <= 1e-12*rss || rss == 0 {
				break
			}
		}
		accepted := false
		for lambda < 1e16 {
			damp.CopySym(&a)
			for j := range np {
				d := a.At(j, j)
				if d == 0 {
					d = 1e-12
				}
				damp.SetSym(j, j, d*(1+lambda))
			}
			if chol.Factorize(damp) && chol.SolveVecTo(delta, g) == nil {
				for j := range np {
					trial[j] = q[j] + delta.AtVec(j)
				}
				if rt := eval(trial, false); rt < rss {
					copy(q, trial)
					rss = eval(q, true)
					lambda = math.Max(lambda/5, 1e-12)
					accepted = true
					break
				}
			}
			lambda *= 4
		}
		if !accepted {
			break // no downhill step at any damping: at a minimum (to rounding)
		}
	}
	rss = eval(q, false)
	toP(q, p)
	for _, v := range p {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, 0, false
		}
	}
	if math.IsInf(rss, 0) {
		return nil, 0, false
	}
	return append([]float64(nil), p...), rss, true
}

func ssr(r []float64) float64 {
	var s float64
	for _, v := range r {
		s += v * v
	}
	return s
}
