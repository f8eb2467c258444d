package analysis

import (
	"math"
	"sort"

	"gonum.org/v1/gonum/stat"
	"gonum.org/v1/gonum/stat/distuv"
)

// Summary describes a sample of replicate values.
type Summary struct {
	N       int        // number of values used (NaNs excluded)
	Missing int        // number of NaN values skipped
	Mean    float64    // arithmetic mean
	SD      float64    // sample standard deviation (divisor N−1); NaN when N < 2
	SE      float64    // standard error of the mean, SD/√N; NaN when N < 2
	CI95    [2]float64 // t-based 95% CI of the mean: Mean ∓ t(0.975, N−1)·SE
	Min     float64    // smallest value
	Max     float64    // largest value
	Q05     float64    // 5% quantile
	Q25     float64    // 25% quantile (first quartile)
	Median  float64    // 50% quantile
	Q75     float64    // 75% quantile (third quartile)
	Q95     float64    // 95% quantile
}

// Describe summarises x. NaN values are skipped and counted in Missing; x is
// not modified. Quantiles interpolate linearly between order statistics (see
// Quantile). With no usable value every statistic is NaN; with one value the
// SD, SE and CI are NaN.
func Describe(x []float64) Summary {
	v := make([]float64, 0, len(x))
	for _, xi := range x {
		if !math.IsNaN(xi) {
			v = append(v, xi)
		}
	}
	nan := math.NaN()
	s := Summary{N: len(v), Missing: len(x) - len(v)}
	if s.N == 0 {
		s.Mean, s.SD, s.SE, s.Min, s.Max = nan, nan, nan, nan, nan
		s.CI95 = [2]float64{nan, nan}
		s.Q05, s.Q25, s.Median, s.Q75, s.Q95 = nan, nan, nan, nan, nan
		return s
	}
	sort.Float64s(v)
	s.Mean = stat.Mean(v, nil)
	s.Min, s.Max = v[0], v[len(v)-1]
	s.Q05 = Quantile(v, 0.05)
	s.Q25 = Quantile(v, 0.25)
	s.Median = Quantile(v, 0.50)
	s.Q75 = Quantile(v, 0.75)
	s.Q95 = Quantile(v, 0.95)
	if s.N < 2 {
		s.SD, s.SE = nan, nan
		s.CI95 = [2]float64{nan, nan}
		return s
	}
	s.SD = stat.StdDev(v, nil)
	s.SE = s.SD / math.Sqrt(float64(s.N))
	h := TCritical(0.95, float64(s.N-1)) * s.SE
	s.CI95 = [2]float64{s.Mean - h, s.Mean + h}
	return s
}

// Quantile returns the p-quantile (0 ≤ p ≤ 1) of the sorted sample sorted,
// interpolating linearly between order statistics: with h = (n−1)·p it
// returns sorted[⌊h⌋] + (h−⌊h⌋)·(sorted[⌊h⌋+1] − sorted[⌊h⌋]). This is
// Hyndman–Fan type 7, the default of numpy.quantile, R's quantile and
// DuckDB's quantile_cont, so numbers agree with offline analyses. It returns
// NaN for an empty sample or p outside [0, 1] and does not check the order.
func Quantile(sorted []float64, p float64) float64 {
	n := len(sorted)
	if n == 0 || !(p >= 0 && p <= 1) {
		return math.NaN()
	}
	h := float64(n-1) * p
	i := int(math.Floor(h))
	if i >= n-1 {
		return sorted[n-1]
	}
	f := h - float64(i)
	if f == 0 {
		return sorted[i]
	}
	return sorted[i] + f*(sorted[i+1]-sorted[i])
}

// TCritical returns the two-sided critical value of Student's t with df
// degrees of freedom for a confidence level (e.g. 0.95 → t(0.975, df)). It
// returns NaN when df ≤ 0 or level is outside (0, 1), and the normal
// quantile when df is +Inf.
func TCritical(level, df float64) float64 {
	if !(level > 0 && level < 1) || !(df > 0) || math.IsNaN(df) {
		return math.NaN()
	}
	p := 0.5 + level/2
	if math.IsInf(df, 1) {
		return distuv.UnitNormal.Quantile(p)
	}
	return distuv.StudentsT{Mu: 0, Sigma: 1, Nu: df}.Quantile(p)
}

// tTwoSided returns the two-sided p-value P(|T| ≥ |t|) for Student's t with
// df degrees of freedom.
func tTwoSided(t, df float64) float64 {
	if math.IsNaN(t) || !(df > 0) {
		return math.NaN()
	}
	if math.IsInf(t, 0) {
		return 0
	}
	if math.IsInf(df, 1) {
		return 2 * distuv.UnitNormal.Survival(math.Abs(t))
	}
	return 2 * distuv.StudentsT{Mu: 0, Sigma: 1, Nu: df}.Survival(math.Abs(t))
}
