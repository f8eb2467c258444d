package analysis

import (
	"math"
	"math/rand/v2"
	"sort"
)

// DefaultResamples is the number of bootstrap resamples BootstrapCI draws
// when asked for fewer than one.
const DefaultResamples = 2000

// BootstrapCI returns the percentile bootstrap confidence interval of
// stat(x) at the given level (e.g. 0.95): it draws resamples samples of
// len(x) values from x with replacement, evaluates stat on each, and returns
// the (1−level)/2 and (1+level)/2 quantiles (see Quantile) of those values.
//
// The result depends only on x, stat, level, resamples and seed: the
// resampling stream is a PCG generator (math/rand/v2) seeded from seed, never
// a global generator. stat receives a scratch slice that it may reorder but
// must not retain; resample values for which stat returns NaN are dropped.
// BootstrapCI returns NaN, NaN when x is empty, level is outside (0, 1) or
// every resample gave NaN.
func BootstrapCI(x []float64, stat func([]float64) float64, level float64, resamples int, seed uint64) (lo, hi float64) {
	n := len(x)
	if n == 0 || !(level > 0 && level < 1) {
		return math.NaN(), math.NaN()
	}
	if resamples < 1 {
		resamples = DefaultResamples
	}
	rng := rand.New(rand.NewPCG(seed, splitmix64(seed^0x6a09e667f3bcc908)))
	buf := make([]float64, n)
	vals := make([]float64, 0, resamples)
	for range resamples {
		for i := range buf {
			buf[i] = x[rng.IntN(n)]
		}
		if v := stat(buf); !math.IsNaN(v) {
			vals = append(vals, v)
		}
	}
	if len(vals) == 0 {
		return math.NaN(), math.NaN()
	}
	sort.Float64s(vals)
	return Quantile(vals, (1-level)/2), Quantile(vals, (1+level)/2)
}

// splitmix64 is the SplitMix64 output function; it turns a seed into a
// well-mixed stream selector.
func splitmix64(z uint64) uint64 {
	z += 0x9e3779b97f4a7c15
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}
