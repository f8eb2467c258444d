package analysis

import (
	"math"
	"testing"
)

func near(a, b, tol float64) bool {
	if math.IsNaN(a) || math.IsNaN(b) {
		return math.IsNaN(a) && math.IsNaN(b)
	}
	return math.Abs(a-b) <= tol
}

func TestTCritical(t *testing.T) {
	tests := []struct {
		level, df, want float64
	}{
		{0.95, 9, 2.2621571627982055}, // t(0.975, 9), tables / mpmath
		{0.95, 1, 12.706204736174705}, // t(0.975, 1) = tan(0.475π)
		{0.95, 2, 4.302652729749464},  // t(0.975, 2) = (2p−1)/√(2p(1−p)), p = 0.975
		{0.95, math.Inf(1), 1.959963984540054},
		{0.90, 9, 1.8331129326536335}, // t(0.95, 9), tables
		{0.95, 0, math.NaN()},
		{1.5, 9, math.NaN()},
	}
	for _, tc := range tests {
		if got := TCritical(tc.level, tc.df); !near(got, tc.want, 1e-9) {
			t.Errorf("TCritical(%g, %g) = %.12g, want %.12g", tc.level, tc.df, got, tc.want)
		}
	}
}

func TestQuantile(t *testing.T) {
	s := []float64{1, 2, 3, 4}
	tests := []struct{ p, want float64 }{
		// numpy.quantile([1,2,3,4], p): h = 3p, linear between order stats.
		{0, 1}, {1, 4}, {0.5, 2.5}, {0.25, 1.75}, {0.9, 3.7}, {-0.1, math.NaN()},
	}
	for _, tc := range tests {
		if got := Quantile(s, tc.p); !near(got, tc.want, 1e-12) {
			t.Errorf("Quantile(%v, %g) = %g, want %g", s, tc.p, got, tc.want)
		}
	}
	if got := Quantile([]float64{7}, 0.3); got != 7 {
		t.Errorf("Quantile of one value = %g, want 7", got)
	}
	if got := Quantile(nil, 0.5); !math.IsNaN(got) {
		t.Errorf("Quantile(nil) = %g, want NaN", got)
	}
}

func TestDescribe(t *testing.T) {
	nan := math.NaN()
	// x: n = 10, sum 50 → mean 5; squared deviations 9+1+1+1+0+0+4+16+1+1 = 34,
	// SD = √(34/9) = 1.9436506316151, SE = SD/√10 = 0.61463629715286,
	// CI = 5 ∓ 2.2621571627982·SE = [3.6095960978799, 6.3904039021201].
	// Sorted 2 4 4 4 4 5 5 6 7 9; type-7 quantiles with h = 9p:
	// 5%: h=0.45 → 2+0.45·2 = 2.9; 25%: h=2.25 → 4; 50%: h=4.5 → 4.5;
	// 75%: h=6.75 → 5+0.75 = 5.75; 95%: h=8.55 → 7+0.55·2 = 8.1.
	x := []float64{2, 4, 4, 4, 5, 5, 7, 9, 6, 4}
	tests := []struct {
		name string
		x    []float64
		want Summary
	}{
		{"ten", x, Summary{
			N: 10, Mean: 5, SD: 1.9436506316151, SE: 0.61463629715286,
			CI95: [2]float64{3.6095960978799, 6.3904039021201},
			Min:  2, Max: 9, Q05: 2.9, Q25: 4, Median: 4.5, Q75: 5.75, Q95: 8.1,
		}},
		{"nan skipped", append([]float64{nan}, x...), Summary{
			N: 10, Missing: 1, Mean: 5, SD: 1.9436506316151, SE: 0.61463629715286,
			CI95: [2]float64{3.6095960978799, 6.3904039021201},
			Min:  2, Max: 9, Q05: 2.9, Q25: 4, Median: 4.5, Q75: 5.75, Q95: 8.1,
		}},
		{"one", []float64{3}, Summary{
			N: 1, Mean: 3, SD: nan, SE: nan, CI95: [2]float64{nan, nan},
			Min: 3, Max: 3, Q05: 3, Q25: 3, Median: 3, Q75: 3, Q95: 3,
		}},
		{"empty", nil, Summary{
			Mean: nan, SD: nan, SE: nan, CI95: [2]float64{nan, nan},
			Min: nan, Max: nan, Q05: nan, Q25: nan, Median: nan, Q75: nan, Q95: nan,
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := Describe(tc.x)
			w := tc.want
			if got.N != w.N || got.Missing != w.Missing {
				t.Fatalf("N, Missing = %d, %d; want %d, %d", got.N, got.Missing, w.N, w.Missing)
			}
			pairs := []struct {
				name      string
				got, want float64
			}{
				{"Mean", got.Mean, w.Mean}, {"SD", got.SD, w.SD}, {"SE", got.SE, w.SE},
				{"CI lo", got.CI95[0], w.CI95[0]}, {"CI hi", got.CI95[1], w.CI95[1]},
				{"Min", got.Min, w.Min}, {"Max", got.Max, w.Max},
				{"Q05", got.Q05, w.Q05}, {"Q25", got.Q25, w.Q25}, {"Median", got.Median, w.Median},
				{"Q75", got.Q75, w.Q75}, {"Q95", got.Q95, w.Q95},
			}
			for _, p := range pairs {
				if !near(p.got, p.want, 1e-10) {
					t.Errorf("%s = %.14g, want %.14g", p.name, p.got, p.want)
				}
			}
		})
	}
	// Describe must not reorder its input.
	if x[0] != 2 || x[8] != 6 {
		t.Errorf("Describe modified its input: %v", x)
	}
}
