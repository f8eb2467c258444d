package analysis

import (
	"math"

	"gonum.org/v1/gonum/stat"
	"gonum.org/v1/gonum/stat/distuv"
)

// Comparison is the result of comparing condition A with condition B.
// Differences are A − B.
type Comparison struct {
	Method string  // "paired t" or "Welch t"
	N1, N2 int     // observations used from A and B (pairs: N1 = N2)
	MeanA  float64 // mean of A
	MeanB  float64 // mean of B
	Diff   float64 // mean difference A − B
	SE     float64 // standard error of Diff
	T      float64 // t statistic Diff/SE
	DF     float64 // degrees of freedom (Welch–Satterthwaite for Welch)
	P      float64 // two-sided p-value
	Lo, Hi float64 // t-based 95% CI of Diff
	// EffectName names the standardised effect size: "d_z" (Cohen's d_z for
	// paired data: mean difference / SD of the differences) or "g" (Hedges'
	// g: difference / pooled SD, bias-corrected).
	EffectName         string
	Effect             float64 // the effect size
	EffectLo, EffectHi float64 // approximate 95% CI of Effect (normal approximation)
}

// Significant reports whether the two-sided p-value is below alpha.
func (c Comparison) Significant(alpha float64) bool { return c.P < alpha }

// CI returns the t-based confidence interval of Diff at level (e.g. 0.99).
func (c Comparison) CI(level float64) (lo, hi float64) {
	h := TCritical(level, c.DF) * c.SE
	return c.Diff - h, c.Diff + h
}

// PairedDiff compares paired observations a[i], b[i] (the same replicate
// under two conditions: common random numbers) by the one-sample t test on
// the differences d = a − b: Diff = mean(d), SE = SD(d)/√n, T = Diff/SE,
// DF = n − 1. Effect is Cohen's d_z = mean(d)/SD(d) with the approximate
// standard error √(1/n + d_z²/(2n)). Pairs with a NaN are dropped. It panics
// if len(a) != len(b). With fewer than two pairs the statistics are NaN.
// When every difference is equal, SE is 0, P is 1 (all differences zero)
// or 0, and the effect size is NaN.
func PairedDiff(a, b []float64) Comparison {
	if len(a) != len(b) {
		panic("analysis: PairedDiff: len(a) != len(b)")
	}
	var d, ca, cb []float64
	for i := range a {
		if math.IsNaN(a[i]) || math.IsNaN(b[i]) {
			continue
		}
		d = append(d, a[i]-b[i])
		ca = append(ca, a[i])
		cb = append(cb, b[i])
	}
	n := len(d)
	c := Comparison{Method: "paired t", N1: n, N2: n, EffectName: "d_z"}
	c.MeanA, c.MeanB = mean(ca), mean(cb)
	if n < 2 {
		c.fillNaN(mean(d))
		return c
	}
	m, sd := stat.MeanStdDev(d, nil)
	c.Diff = m
	c.SE = sd / math.Sqrt(float64(n))
	c.DF = float64(n - 1)
	c.test()
	c.Effect = math.NaN()
	if sd > 0 {
		c.Effect = m / sd
	}
	seD := math.Sqrt(1/float64(n) + c.Effect*c.Effect/(2*float64(n)))
	c.effectCI(seD)
	return c
}

// Welch compares independent samples a and b by Welch's unequal-variance t
// test: SE = √(s²a/na + s²b/nb), DF by Welch–Satterthwaite. Effect is Hedges'
// g: (mean a − mean b)/pooled SD times the exact small-sample correction
// J(m) = Γ(m/2)/(√(m/2)·Γ((m−1)/2)), m = na + nb − 2, with the approximate
// standard error √((na+nb)/(na·nb) + g²/(2(na+nb))) (Hedges & Olkin). NaN
// values are dropped. With fewer than two values in either sample the
// statistics are NaN.
func Welch(a, b []float64) Comparison {
	ca, cb := dropNaN(a), dropNaN(b)
	n1, n2 := len(ca), len(cb)
	c := Comparison{Method: "Welch t", N1: n1, N2: n2, EffectName: "g"}
	c.MeanA, c.MeanB = mean(ca), mean(cb)
	if n1 < 2 || n2 < 2 {
		c.fillNaN(c.MeanA - c.MeanB)
		return c
	}
	v1, v2 := stat.Variance(ca, nil), stat.Variance(cb, nil)
	f1, f2 := float64(n1), float64(n2)
	q1, q2 := v1/f1, v2/f2
	c.Diff = c.MeanA - c.MeanB
	c.SE = math.Sqrt(q1 + q2)
	if q1+q2 > 0 {
		c.DF = (q1 + q2) * (q1 + q2) / (q1*q1/(f1-1) + q2*q2/(f2-1))
	} else {
		c.DF = f1 + f2 - 2
	}
	c.test()
	m := f1 + f2 - 2
	sp := math.Sqrt(((f1-1)*v1 + (f2-1)*v2) / m)
	lg1, _ := math.Lgamma(m / 2)
	lg2, _ := math.Lgamma((m - 1) / 2)
	j := math.Exp(lg1 - lg2 - 0.5*math.Log(m/2))
	if m < 2 { // J is undefined for m = 1; leave g uncorrected
		j = 1
	}
	c.Effect = math.NaN()
	if sp > 0 {
		c.Effect = j * c.Diff / sp
	}
	seG := math.Sqrt((f1+f2)/(f1*f2) + c.Effect*c.Effect/(2*(f1+f2)))
	c.effectCI(seG)
	return c
}

// test fills T, P, Lo and Hi from Diff, SE and DF.
func (c *Comparison) test() {
	switch {
	case c.SE > 0:
		c.T = c.Diff / c.SE
		c.P = tTwoSided(c.T, c.DF)
	case c.Diff == 0:
		c.T, c.P = 0, 1
	default:
		c.T, c.P = math.Copysign(math.Inf(1), c.Diff), 0
	}
	c.Lo, c.Hi = c.CI(0.95)
	if c.SE == 0 {
		c.Lo, c.Hi = c.Diff, c.Diff
	}
}

// effectCI fills the normal-approximation 95% CI of the effect size.
func (c *Comparison) effectCI(se float64) {
	z := distuv.UnitNormal.Quantile(0.975)
	c.EffectLo, c.EffectHi = c.Effect-z*se, c.Effect+z*se
}

// fillNaN marks the inferential statistics as not computable.
func (c *Comparison) fillNaN(diff float64) {
	nan := math.NaN()
	c.Diff = diff
	c.SE, c.T, c.DF, c.P, c.Lo, c.Hi = nan, nan, nan, nan, nan, nan
	c.Effect, c.EffectLo, c.EffectHi = nan, nan, nan
}

// mean returns the mean of x, NaN when empty.
func mean(x []float64) float64 {
	if len(x) == 0 {
		return math.NaN()
	}
	return stat.Mean(x, nil)
}

// dropNaN returns the non-NaN values of x.
func dropNaN(x []float64) []float64 {
	out := make([]float64, 0, len(x))
	for _, v := range x {
		if !math.IsNaN(v) {
			out = append(out, v)
		}
	}
	return out
}
