package validate

import (
	"math"
	"sort"

	"gonum.org/v1/gonum/stat"
)

// meanSE returns the mean of xs and its standard error (sample SD/√n).
func meanSE(xs []float64) (mean, se float64) {
	mean, sd := stat.MeanStdDev(xs, nil)
	return mean, sd / math.Sqrt(float64(len(xs)))
}

// normCDF is the standard normal distribution function.
func normCDF(x float64) float64 { return 0.5 * math.Erfc(-x/math.Sqrt2) }

// normUpperQuantile is the z with P(Z > z) = p for a standard normal Z.
func normUpperQuantile(p float64) float64 {
	if p <= 0 {
		return math.Inf(1)
	}
	if p >= 1 {
		return math.Inf(-1)
	}
	return math.Sqrt2 * math.Erfcinv(2*p)
}

// kolmogorovQ is the survival function of the Kolmogorov distribution,
// P(K > λ) = 2 Σ_{k≥1} (−1)^{k−1} exp(−2k²λ²).
func kolmogorovQ(lambda float64) float64 {
	if lambda < 0.2 {
		return 1
	}
	s := 0.0
	for k := 1; k <= 100; k++ {
		term := math.Exp(-2 * float64(k*k) * lambda * lambda)
		if k%2 == 1 {
			s += term
		} else {
			s -= term
		}
		if term < 1e-16 {
			break
		}
	}
	return math.Max(0, math.Min(1, 2*s))
}

// Moments of the Kolmogorov distribution (the limit law of √n·D):
// mean √(π/2)·ln 2, variance π²/12 − (π/2)·ln²2.
var (
	kolmogorovMean = math.Sqrt(math.Pi/2) * math.Ln2
	kolmogorovSD   = math.Sqrt(math.Pi*math.Pi/12 - math.Pi/2*math.Ln2*math.Ln2)
)

// ksNormal returns the one-sample Kolmogorov–Smirnov statistic D of xs
// against N(0,1) and its p-value (Kolmogorov distribution with Stephens'
// finite-n correction λ = (√n + 0.12 + 0.11/√n)·D). xs is sorted in place.
func ksNormal(xs []float64) (d, p float64) {
	sort.Float64s(xs)
	n := float64(len(xs))
	for i, x := range xs {
		f := normCDF(x)
		d = math.Max(d, math.Max(float64(i+1)/n-f, f-float64(i)/n))
	}
	sn := math.Sqrt(n)
	return d, kolmogorovQ((sn + 0.12 + 0.11/sn) * d)
}

// ksResult turns a KS statistic into a Result: expected and SE are the
// mean and SD of the Kolmogorov distribution of √n·D, and z is the normal
// deviate with the same upper-tail probability as the observed statistic.
func ksResult(quantity string, d, p float64, n int, detail string) Result {
	r := Result{Quantity: quantity, Expected: kolmogorovMean, Simulated: math.Sqrt(float64(n)) * d, SE: kolmogorovSD, Detail: detail}
	r.Z = normUpperQuantile(p)
	r.Pass = r.Z < ZLimit // i.e. p > Φ(−4) ≈ 3.2e-5
	return r
}
