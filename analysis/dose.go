package analysis

import (
	"fmt"
	"math"
	"sort"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat"
)

// Hill is a four-parameter logistic (Hill) dose–response fit.
//
// For a decreasing curve (inhibition, Increasing false)
//
//	resp = Bottom + (Top − Bottom) / (1 + (conc/IC50)^n)
//
// and for an increasing curve (activation, Increasing true)
//
//	resp = Bottom + (Top − Bottom) / (1 + (EC50/conc)^n),
//
// with Top ≥ Bottom and n > 0 in both cases; IC50 then holds the EC50.
// The fit is made in log10 IC50, so the interval of IC50 is the transformed
// t-based interval of LogIC50 (asymmetric) and its SE is the delta-method
// value ln(10)·IC50·SE(LogIC50). Other intervals are Value ∓ t(0.975, DoF)·SE.
type Hill struct {
	Bottom     Param // lower asymptote
	Top        Param // upper asymptote
	IC50       Param // half-effect concentration (IC50, or EC50 when Increasing), in units of conc
	LogIC50    Param // log10 of IC50
	Slope      Param // Hill coefficient n > 0
	Increasing bool  // response rises with concentration
	FitStats
}

// Eval returns the fitted response at concentration c ≥ 0.
func (h Hill) Eval(c float64) float64 {
	z := math.Pow(c/h.IC50.Value, h.Slope.Value)
	if h.Increasing {
		return h.Bottom.Value + (h.Top.Value-h.Bottom.Value)*z/(1+z)
	}
	return h.Bottom.Value + (h.Top.Value-h.Bottom.Value)/(1+z)
}

// hillModel is resp = rInf + (r0 − rInf)/(1 + (c/10^L)^n) with
// p = (r0, rInf, L, n): r0 is the response at zero, rInf at infinity.
func hillModel(c []float64) nlsModel {
	return nlsModel{np: 4, logp: []bool{false, false, false, true}, eval: func(p, f []float64, jac *mat.Dense) {
		r0, rInf, l, n := p[0], p[1], p[2], p[3]
		lnX := l * math.Ln10
		for i, ci := range c {
			var z, lz float64 // z = (c/X)^n, lz = ln(c/X)
			if ci > 0 {
				lz = math.Log(ci) - lnX
				z = math.Exp(n * lz)
			}
			u := 1 / (1 + z)
			if math.IsInf(z, 1) {
				u = 0
			}
			f[i] = rInf + (r0-rInf)*u
			if jac != nil {
				// z·u² = z/(1+z)², computed stably for large z.
				zu2 := 0.0
				if z > 0 && !math.IsInf(z, 1) {
					zu2 = u * (z * u)
				}
				jac.Set(i, 0, u)
				jac.Set(i, 1, 1-u)
				jac.Set(i, 2, (r0-rInf)*zu2*n*math.Ln10)
				jac.Set(i, 3, -(r0-rInf)*zu2*lz)
			}
		}
	}}
}

// FitHill fits the four-parameter Hill equation to (conc, resp) by
// nonlinear least squares (Levenberg–Marquardt; log10 IC50 and log n as
// working parameters), detecting from the data whether the curve decreases
// (IC50) or increases (EC50). Starting values: the asymptotes from the
// responses at the lowest and highest concentration, IC50 and n from a
// linear regression of the logit of the response on ln(conc), plus a few
// alternative slopes. Concentrations must be ≥ 0 (zero is a control); at
// least five points, with at least two distinct positive concentrations,
// are needed. Errors wrap ErrFit or ErrSingular as for FitExp1.
func FitHill(conc, resp []float64) (Hill, error) {
	c, y, err := cleanPairs("FitHill", conc, resp, 5)
	if err != nil {
		return Hill{}, err
	}
	var pos []float64
	for _, ci := range c {
		if ci < 0 {
			return Hill{}, fmt.Errorf("FitHill: %w: negative concentration %g", ErrFit, ci)
		}
		if ci > 0 {
			pos = append(pos, ci)
		}
	}
	sort.Float64s(pos)
	if len(pos) < 2 || pos[0] == pos[len(pos)-1] {
		return Hill{}, fmt.Errorf("FitHill: %w: need at least two distinct positive concentrations", ErrFit)
	}
	cLo, cHi := span(c)
	r0, rInf := meanAt(c, y, cLo), meanAt(c, y, cHi)
	// Logit regression with asymptotes widened by 5% so that every point
	// lies strictly inside.
	w := 0.05 * (r0 - rInf)
	a0, aInf := r0+w, rInf-w
	var lx, ly []float64
	for i, ci := range c {
		q := (a0 - y[i]) / (y[i] - aInf)
		if ci > 0 && q > 0 && !math.IsInf(q, 0) {
			lx = append(lx, math.Log(ci))
			ly = append(ly, math.Log(q))
		}
	}
	lMid := (math.Log10(pos[0]) + math.Log10(pos[len(pos)-1])) / 2
	lStart := []float64{lMid}
	nStart := []float64{0.5, 1, 2}
	if len(lx) >= 2 {
		alpha, beta := stat.LinearRegression(lx, ly, nil, false)
		if beta > 0 && !math.IsInf(beta, 0) {
			lStart = append(lStart, -alpha/beta/math.Ln10)
			nStart = append(nStart, beta)
		}
	}
	var starts [][]float64
	for _, l := range lStart {
		for _, n := range nStart {
			starts = append(starts, []float64{r0, rInf, l, n})
		}
	}
	res, err := fitNLS(hillModel(c), y, starts)
	if res.p == nil {
		return Hill{}, fmt.Errorf("FitHill: %w", err)
	}
	h := Hill{LogIC50: res.param(2), Slope: res.param(3), FitStats: res.FitStats}
	if res.p[0] >= res.p[1] {
		h.Top, h.Bottom = res.param(0), res.param(1)
	} else {
		h.Increasing = true
		h.Bottom, h.Top = res.param(0), res.param(1)
	}
	l := h.LogIC50
	x50 := math.Pow(10, l.Value)
	h.IC50 = Param{Value: x50, SE: math.Ln10 * x50 * l.SE, Lo: math.Pow(10, l.Lo), Hi: math.Pow(10, l.Hi)}
	if err != nil {
		return h, fmt.Errorf("FitHill: %w", err)
	}
	return h, nil
}

// MM is a Michaelis–Menten fit v = Vmax·S/(Km + S). Intervals are t-based
// 95% (Value ∓ t(0.975, DoF)·SE).
type MM struct {
	Vmax Param // maximal rate, in units of v
	Km   Param // half-saturating substrate level (> 0), in units of S
	FitStats
}

// Eval returns Vmax·S/(Km + S).
func (m MM) Eval(s float64) float64 { return m.Vmax.Value * s / (m.Km.Value + s) }

// mmModel is v = Vmax·S/(Km + S) with p = (Vmax, Km).
func mmModel(s []float64) nlsModel {
	return nlsModel{np: 2, logp: []bool{false, true}, eval: func(p, f []float64, jac *mat.Dense) {
		vmax, km := p[0], p[1]
		for i, si := range s {
			d := km + si
			f[i] = vmax * si / d
			if jac != nil {
				jac.Set(i, 0, si/d)
				jac.Set(i, 1, -vmax*si/(d*d))
			}
		}
	}}
}

// FitMM fits v = Vmax·S/(Km + S) to substrate levels S and rates v by
// nonlinear least squares (Levenberg–Marquardt, Km on a log scale), starting
// from a Hanes–Woolf regression of S/v on S. Substrate levels must be ≥ 0;
// at least three points with two distinct positive levels are needed.
// Standard errors come from s²(JᵀJ)⁻¹. Errors wrap ErrFit or ErrSingular as
// for FitExp1.
func FitMM(S, v []float64) (MM, error) {
	s, y, err := cleanPairs("FitMM", S, v, 3)
	if err != nil {
		return MM{}, err
	}
	var hx, hy, pos []float64
	for i, si := range s {
		if si < 0 {
			return MM{}, fmt.Errorf("FitMM: %w: negative substrate level %g", ErrFit, si)
		}
		if si > 0 {
			pos = append(pos, si)
			if y[i] > 0 {
				hx = append(hx, si)
				hy = append(hy, si/y[i])
			}
		}
	}
	sort.Float64s(pos)
	if len(pos) < 2 || pos[0] == pos[len(pos)-1] {
		return MM{}, fmt.Errorf("FitMM: %w: need at least two distinct positive substrate levels", ErrFit)
	}
	km0 := pos[len(pos)/2]
	if len(hx) >= 2 {
		alpha, beta := stat.LinearRegression(hx, hy, nil, false)
		if beta > 0 && alpha > 0 {
			km0 = alpha / beta
		}
	}
	var starts [][]float64
	for _, k := range []float64{1, 0.2, 5} {
		km := km0 * k
		var num, den float64 // Vmax by linear least squares given Km
		for i, si := range s {
			g := si / (km + si)
			num += g * y[i]
			den += g * g
		}
		if den > 0 {
			starts = append(starts, []float64{num / den, km})
		}
	}
	res, err := fitNLS(mmModel(s), y, starts)
	if res.p == nil {
		return MM{}, fmt.Errorf("FitMM: %w", err)
	}
	m := MM{Vmax: res.param(0), Km: res.param(1), FitStats: res.FitStats}
	if err != nil {
		return m, fmt.Errorf("FitMM: %w", err)
	}
	return m, nil
}

// meanAt returns the mean of y over the points where x equals at.
func meanAt(x, y []float64, at float64) float64 {
	var s float64
	var n int
	for i := range x {
		if x[i] == at {
			s += y[i]
			n++
		}
	}
	return s / float64(n)
}
