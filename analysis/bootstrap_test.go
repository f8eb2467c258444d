package analysis

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/stat"
)

func meanStat(x []float64) float64 { return stat.Mean(x, nil) }

func TestBootstrapDeterministic(t *testing.T) {
	x := []float64{3.1, 4.7, 2.2, 5.9, 4.4, 3.8, 6.1, 2.9}
	lo1, hi1 := BootstrapCI(x, meanStat, 0.95, 500, 42)
	lo2, hi2 := BootstrapCI(x, meanStat, 0.95, 500, 42)
	if lo1 != lo2 || hi1 != hi2 {
		t.Fatalf("same seed gave [%g, %g] and [%g, %g]", lo1, hi1, lo2, hi2)
	}
	lo3, hi3 := BootstrapCI(x, meanStat, 0.95, 500, 43)
	if lo1 == lo3 && hi1 == hi3 {
		t.Errorf("seeds 42 and 43 gave the same interval [%g, %g]", lo1, hi1)
	}
	if !(lo1 < meanStat(x) && meanStat(x) < hi1) {
		t.Errorf("interval [%g, %g] misses the sample mean %g", lo1, hi1, meanStat(x))
	}
	// A constant sample has a degenerate interval.
	if lo, hi := BootstrapCI([]float64{2, 2, 2}, meanStat, 0.95, 100, 1); lo != 2 || hi != 2 {
		t.Errorf("constant sample: [%g, %g], want [2, 2]", lo, hi)
	}
	for _, tc := range []struct {
		x     []float64
		level float64
	}{{nil, 0.95}, {x, 0}, {x, 1}} {
		if lo, hi := BootstrapCI(tc.x, meanStat, tc.level, 10, 1); !math.IsNaN(lo) || !math.IsNaN(hi) {
			t.Errorf("BootstrapCI(%v, level %g) = [%g, %g], want NaN", tc.x, tc.level, lo, hi)
		}
	}
}

// TestBootstrapCoverage checks that the percentile interval of the mean
// covers the true mean about 95% of the time. For n = 50 normal values the
// percentile interval is roughly mean ∓ 1.96·√((n−1)/n)·s/√n, whose exact
// coverage is P(|t₄₉| < 1.94) ≈ 0.942; the binomial tolerance over 400
// samples is 4·√(0.95·0.05/400) = 0.0436.
func TestBootstrapCoverage(t *testing.T) {
	const (
		samples = 400
		n       = 50
		mu      = 10.0
		sigma   = 2.0
	)
	covered := 0
	x := make([]float64, n)
	for s := range samples {
		rng := rand.New(rand.NewPCG(uint64(s), 12345))
		for i := range x {
			x[i] = mu + sigma*rng.NormFloat64()
		}
		lo, hi := BootstrapCI(x, meanStat, 0.95, 1000, uint64(s))
		if lo <= mu && mu <= hi {
			covered++
		}
	}
	cov := float64(covered) / samples
	tol := 4 * math.Sqrt(0.95*0.05/samples)
	if math.Abs(cov-0.95) >= tol {
		t.Errorf("coverage %.4f, want 0.95 ± %.4f", cov, tol)
	}
	t.Logf("coverage %.4f over %d samples", cov, samples)
}
