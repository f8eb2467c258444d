package protocols

import (
	"math"

	"gonum.org/v1/gonum/stat"
	"gonum.org/v1/gonum/stat/distuv"
)

// hill is V·Sⁿ/(Kⁿ + Sⁿ).
func hill(s, k, n float64) float64 {
	x := math.Pow(s/k, n)
	return x / (1 + x)
}

// fitHill fits v(S) = V·Sⁿ/(Kⁿ + Sⁿ) by least squares with weights 1/g
// (the variance of a count is proportional to its mean); with free n
// false, n = 1 (Michaelis–Menten). V is solved in closed form for each
// (K, n).
func fitHill(s, v []float64, freeN bool) (k, vmax, n float64) {
	cost := func(lk, ln float64) (float64, float64) {
		k, n := math.Exp(lk), math.Exp(ln)
		num, den := 0.0, 0.0
		for i := range s {
			g := hill(s[i], k, n)
			w := 1 / math.Max(g, 1e-12)
			num += w * v[i] * g
			den += w * g * g
		}
		vm := num / den
		c := 0.0
		for i := range s {
			g := hill(s[i], k, n)
			r := v[i] - vm*g
			c += r * r / math.Max(g, 1e-12)
		}
		return c, vm
	}
	lo, hi := math.Log(s[0]/100), math.Log(s[len(s)-1]*100)
	// Michaelis–Menten: golden-section search in log K.
	lk := golden(func(x float64) float64 { c, _ := cost(x, 0); return c }, lo, hi)
	if !freeN {
		_, vm := cost(lk, 0)
		return math.Exp(lk), vm, 1
	}
	// Hill: nested golden-section searches, log n outside, log K inside.
	bestK := func(ln float64) float64 {
		return golden(func(x float64) float64 { c, _ := cost(x, ln); return c }, lo, hi)
	}
	ln := golden(func(ln float64) float64 { c, _ := cost(bestK(ln), ln); return c }, math.Log(0.1), math.Log(10))
	lk = bestK(ln)
	_, vm := cost(lk, ln)
	return math.Exp(lk), vm, math.Exp(ln)
}

// golden minimises a unimodal f on [a, b].
func golden(f func(float64) float64, a, b float64) float64 {
	g := (math.Sqrt(5) - 1) / 2
	c, d := b-g*(b-a), a+g*(b-a)
	fc, fd := f(c), f(d)
	for i := 0; i < 100 && b-a > 1e-9; i++ {
		if fc < fd {
			b, d, fd = d, c, fc
			c = b - g*(b-a)
			fc = f(c)
		} else {
			a, c, fc = c, d, fd
			d = a + g*(b-a)
			fd = f(d)
		}
	}
	return (a + b) / 2
}

// fitRecovery fits r(Δ) = 1 − A·e^{−Δ/τ} by least squares (A in closed form
// for each τ) and returns τ.
func fitRecovery(dt, r []float64) float64 {
	cost := func(lt float64) float64 {
		tau := math.Exp(lt)
		num, den := 0.0, 0.0
		for i := range dt {
			e := math.Exp(-dt[i] / tau)
			num += (1 - r[i]) * e
			den += e * e
		}
		a := num / den
		c := 0.0
		for i := range dt {
			x := 1 - a*math.Exp(-dt[i]/tau) - r[i]
			c += x * x
		}
		return c
	}
	return math.Exp(golden(cost, math.Log(dt[0]/100), math.Log(dt[len(dt)-1]*100)))
}

// decayTau fits y = A·e^{−t/τ} + c (c given) by linear regression of
// log(y − c) over the points where y − c exceeds frac of its first value,
// and returns τ (NaN when fewer than 3 points qualify).
func decayTau(t, y []float64, c, frac float64) float64 {
	if len(y) == 0 {
		return math.NaN()
	}
	y0 := y[0] - c
	var xs, ls []float64
	for i := range t {
		d := (y[i] - c) / y0
		if d <= frac {
			break
		}
		xs = append(xs, t[i])
		ls = append(ls, math.Log(d))
	}
	if len(xs) < 3 {
		return math.NaN()
	}
	_, slope := stat.LinearRegression(xs, ls, nil, false)
	if slope >= 0 {
		return math.Inf(1)
	}
	return -1 / slope
}

// meanCI returns the mean, its standard error and the half-width of the
// 95% t confidence interval.
func meanCI(x []float64) (mean, se, ci float64) {
	n := float64(len(x))
	if n == 0 {
		return math.NaN(), math.NaN(), math.NaN()
	}
	mean = stat.Mean(x, nil)
	if n < 2 {
		return mean, math.NaN(), math.NaN()
	}
	se = stat.StdDev(x, nil) / math.Sqrt(n)
	t := distuv.StudentsT{Mu: 0, Sigma: 1, Nu: n - 1}.Quantile(0.975)
	return mean, se, t * se
}
