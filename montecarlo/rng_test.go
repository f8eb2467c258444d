package montecarlo

import (
	"math"
	"sort"
	"testing"
)

// Tolerances below are 4 standard errors of the estimated statistic (the
// suite's pass rule), computed from the moments of the target
// distribution.

// TestNormMoments checks the ziggurat normal's first four moments.
func TestNormMoments(t *testing.T) {
	const n = 2000000
	s := NewStream(StreamKey(1, 2, 3))
	var m [5]float64
	for i := 0; i < n; i++ {
		x := s.Norm()
		x2 := x * x
		m[1] += x
		m[2] += x2
		m[3] += x2 * x
		m[4] += x2 * x2
	}
	for k := range m {
		m[k] /= n
	}
	// Var of x^k for a standard normal: E x^{2k} − (E x^k)²:
	// k=1: 1; k=2: 3 − 1 = 2; k=3: 15; k=4: 105 − 9 = 96.
	for _, c := range []struct {
		k          int
		want, var_ float64
	}{{1, 0, 1}, {2, 1, 2}, {3, 0, 15}, {4, 3, 96}} {
		se := math.Sqrt(c.var_ / n)
		if z := (m[c.k] - c.want) / se; math.Abs(z) > 4 {
			t.Errorf("E[x^%d] = %.5f, want %g (z = %.2f)", c.k, m[c.k], c.want, z)
		}
	}
}

// TestNormKS runs a Kolmogorov–Smirnov test of the ziggurat normal against
// Φ, and checks the mass of the tail beyond the ziggurat's base r, which
// the slow path samples.
func TestNormKS(t *testing.T) {
	const n = 1000000
	s := NewStream(StreamKey(4, 5, 6))
	xs := make([]float64, n)
	tail := 0
	for i := range xs {
		xs[i] = s.Norm()
		if math.Abs(xs[i]) > zigR {
			tail++
		}
	}
	sort.Float64s(xs)
	d := 0.0
	for i, x := range xs {
		f := 0.5 * math.Erfc(-x/math.Sqrt2)
		d = math.Max(d, math.Max(float64(i+1)/n-f, f-float64(i)/n))
	}
	// √n·D beyond 1.95 has probability 0.001 under the null.
	if lam := math.Sqrt(n) * d; lam > 1.95 {
		t.Errorf("KS statistic √n·D = %.3f (D = %.2g) rejects N(0,1) at the 0.1%% level", lam, d)
	}
	p := math.Erfc(zigR / math.Sqrt2) // P(|x| > r)
	if z := (float64(tail) - n*p) / math.Sqrt(n*p*(1-p)); math.Abs(z) > 4 {
		t.Errorf("tail beyond r: %d draws, expected %.1f (z = %.2f)", tail, n*p, z)
	}
	// Wedges: the mass between consecutive layer edges must follow Φ too;
	// check a band in the middle of the ziggurat.
	lo, hi := zig.x[60], zig.x[40]
	band := sort.SearchFloat64s(xs, hi) - sort.SearchFloat64s(xs, lo)
	pb := 0.5*math.Erfc(-hi/math.Sqrt2) - 0.5*math.Erfc(-lo/math.Sqrt2)
	if z := (float64(band) - n*pb) / math.Sqrt(n*pb*(1-pb)); math.Abs(z) > 4 {
		t.Errorf("band [%.3f, %.3f): %d draws, expected %.1f (z = %.2f)", lo, hi, band, n*pb, z)
	}
}

// TestZigguratTables checks that the layers have equal area v and that the
// top layer closes at x = 0.
func TestZigguratTables(t *testing.T) {
	f := func(x float64) float64 { return math.Exp(-0.5 * x * x) }
	for i := 1; i < zigLayers-1; i++ {
		a := zig.x[i] * (f(zig.x[i+1]) - f(zig.x[i]))
		if math.Abs(a-zigV) > 1e-9 {
			t.Fatalf("layer %d has area %.12g, want %.12g", i, a, zigV)
		}
	}
	if top := zig.x[zigLayers-1] * (1 - f(zig.x[zigLayers-1])); math.Abs(top-zigV) > 1e-6 {
		t.Errorf("top layer area %.9g, want %.9g", top, zigV)
	}
}

func TestUniformExpPoissonIntn(t *testing.T) {
	s := NewStream(StreamKey(7))
	const n = 400000
	var su, se float64
	for i := 0; i < n; i++ {
		u := s.Float64()
		if u < 0 || u >= 1 {
			t.Fatalf("Float64 = %v", u)
		}
		if o := s.OpenFloat64(); o <= 0 || o >= 1 {
			t.Fatalf("OpenFloat64 = %v", o)
		}
		su += u
		se += s.Exp()
	}
	if z := (su/n - 0.5) / math.Sqrt(1.0/12/n); math.Abs(z) > 4 {
		t.Errorf("uniform mean %.5f (z = %.2f)", su/n, z)
	}
	if z := (se/n - 1) / math.Sqrt(1.0/n); math.Abs(z) > 4 {
		t.Errorf("exponential mean %.5f (z = %.2f)", se/n, z)
	}
	for _, mu := range []float64{0.7, 12, 29.9, 30, 3000} {
		const m = 100000
		var s1, s2 float64
		for i := 0; i < m; i++ {
			k := float64(s.Poisson(mu))
			s1 += k
			s2 += k * k
		}
		mean := s1 / m
		v := s2/m - mean*mean
		if z := (mean - mu) / math.Sqrt(mu/m); math.Abs(z) > 4 {
			t.Errorf("Poisson(%g) mean %.4f (z = %.2f)", mu, mean, z)
		}
		// SE of the sample variance ≈ √((μ₄ − σ⁴)/m), μ₄ = μ(1+3μ).
		if z := (v - mu) / math.Sqrt((mu*(1+3*mu)-mu*mu)/m); math.Abs(z) > 4 {
			t.Errorf("Poisson(%g) variance %.4f (z = %.2f)", mu, v, z)
		}
	}
	// Intn: χ² over 10 cells with 9 degrees of freedom; 33.7 is the
	// 0.01% point.
	var cells [10]float64
	for i := 0; i < n; i++ {
		cells[s.Intn(10)]++
	}
	chi := 0.0
	for _, c := range cells {
		chi += (c - n/10) * (c - n/10) / (n / 10)
	}
	if chi > 33.7 {
		t.Errorf("Intn(10) χ² = %.1f over %v", chi, cells)
	}
}

func TestStreamsDeterministic(t *testing.T) {
	a, b := NewStream(StreamKey(1, 2)), NewStream(StreamKey(1, 2))
	c := NewStream(StreamKey(1, 3))
	same := 0
	for i := 0; i < 1000; i++ {
		x, y, z := a.Uint64(), b.Uint64(), c.Uint64()
		if x != y {
			t.Fatal("equal keys gave different streams")
		}
		if x == z {
			same++
		}
	}
	if same > 0 {
		t.Errorf("streams of different keys agree on %d draws", same)
	}
	if StreamKey(1, 2) == StreamKey(2, 1) {
		t.Error("StreamKey ignores the order of its parts")
	}
}
