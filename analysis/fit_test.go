package analysis

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"
)

// within reports whether |p.Value − truth| < k·p.SE (and the SE is usable).
func within(p Param, truth, k float64) bool {
	return p.SE > 0 && math.Abs(p.Value-truth) < k*p.SE
}

func noisy(seed uint64, x []float64, f func(float64) float64, sigma float64) []float64 {
	rng := rand.New(rand.NewPCG(seed, 99))
	y := make([]float64, len(x))
	for i, xi := range x {
		y[i] = f(xi) + sigma*rng.NormFloat64()
	}
	return y
}

func grid(lo, step float64, n int) []float64 {
	x := make([]float64, n)
	for i := range x {
		x[i] = lo + step*float64(i)
	}
	return x
}

func TestFitExp1(t *testing.T) {
	ts := grid(0, 0.1, 201) // 0 … 20 ms
	tests := []struct {
		name       string
		a, tau, sd float64
		seed       uint64
	}{
		{"noiseless", 100, 3, 0, 1},
		{"noisy", 100, 3, 2, 1},
		{"noisy small", 0.8, 0.7, 0.02, 2},
		{"negative amplitude", -50, 4, 1, 3},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			y := noisy(tc.seed, ts, func(x float64) float64 { return tc.a * math.Exp(-x/tc.tau) }, tc.sd)
			f, err := FitExp1(ts, y)
			if err != nil {
				t.Fatal(err)
			}
			if tc.sd == 0 {
				if !near(f.A.Value, tc.a, 1e-8*math.Abs(tc.a)) || !near(f.Tau.Value, tc.tau, 1e-8*tc.tau) || f.RSS > 1e-12 {
					t.Errorf("noiseless fit A=%g τ=%g RSS=%g", f.A.Value, f.Tau.Value, f.RSS)
				}
				return
			}
			if !within(f.Tau, tc.tau, 4) || !within(f.A, tc.a, 4) {
				t.Errorf("A = %g ± %g (true %g), τ = %g ± %g (true %g)", f.A.Value, f.A.SE, tc.a, f.Tau.Value, f.Tau.SE, tc.tau)
			}
			if !(f.Tau.Lo < f.Tau.Value && f.Tau.Value < f.Tau.Hi) || f.DoF != len(ts)-2 {
				t.Errorf("bad CI or DoF: %+v", f)
			}
			// The residual SD estimates the noise SD (within ~10% for 199 DoF).
			if math.Abs(f.Sigma/tc.sd-1) > 0.2 {
				t.Errorf("Sigma = %g, noise SD %g", f.Sigma, tc.sd)
			}
		})
	}
}

// TestFitExp1Coverage checks the Jacobian standard errors: the 95% CI of τ
// must cover the truth in about 95% of 200 noisy data sets (binomial
// tolerance 4·√(0.95·0.05/200) = 0.062).
func TestFitExp1Coverage(t *testing.T) {
	ts := grid(0, 0.2, 61)
	const runs = 200
	covered := 0
	for s := range runs {
		y := noisy(uint64(1000+s), ts, func(x float64) float64 { return 10 * math.Exp(-x/2.5) }, 0.5)
		f, err := FitExp1(ts, y)
		if err != nil {
			t.Fatal(err)
		}
		if f.Tau.Lo <= 2.5 && 2.5 <= f.Tau.Hi {
			covered++
		}
	}
	cov := float64(covered) / runs
	if tol := 4 * math.Sqrt(0.95*0.05/runs); math.Abs(cov-0.95) >= tol {
		t.Errorf("τ CI coverage %.3f, want 0.95 ± %.3f", cov, tol)
	}
}

func TestFitExp2(t *testing.T) {
	ts := grid(0, 0.05, 601) // 0 … 30 ms
	model := func(a1, t1, a2, t2 float64) func(float64) float64 {
		return func(x float64) float64 { return a1*math.Exp(-x/t1) + a2*math.Exp(-x/t2) }
	}
	tests := []struct {
		name               string
		a1, t1, a2, t2, sd float64
		seed               uint64
	}{
		{"noiseless", 60, 0.5, 40, 5, 0, 1},
		{"noisy 0.5 and 5 ms", 60, 0.5, 40, 5, 1, 1},
		{"noisy slow dominant", 20, 0.5, 80, 5, 1, 2},
		{"noisy close", 50, 1, 50, 4, 0.5, 3},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			y := noisy(tc.seed, ts, model(tc.a1, tc.t1, tc.a2, tc.t2), tc.sd)
			f, err := FitExp2(ts, y)
			if err != nil {
				t.Fatal(err)
			}
			if !(f.Tau1.Value < f.Tau2.Value) {
				t.Fatalf("τ1 = %g not below τ2 = %g", f.Tau1.Value, f.Tau2.Value)
			}
			if tc.sd == 0 {
				for _, c := range [][2]float64{{f.A1.Value, tc.a1}, {f.Tau1.Value, tc.t1}, {f.A2.Value, tc.a2}, {f.Tau2.Value, tc.t2}} {
					if !near(c[0], c[1], 1e-6*math.Abs(c[1])) {
						t.Errorf("noiseless fit %+v", f)
						break
					}
				}
				return
			}
			for _, c := range []struct {
				name string
				p    Param
				want float64
			}{{"A1", f.A1, tc.a1}, {"τ1", f.Tau1, tc.t1}, {"A2", f.A2, tc.a2}, {"τ2", f.Tau2, tc.t2}} {
				if !within(c.p, c.want, 4) {
					t.Errorf("%s = %g ± %g, true %g", c.name, c.p.Value, c.p.SE, c.want)
				}
			}
		})
	}
}

func TestFitExp2SingleExponential(t *testing.T) {
	// Noiseless single-exponential data cannot separate two components: the
	// fit must either fail loudly (ErrSingular) or return a near-degenerate
	// solution that still reproduces the data.
	ts := grid(0, 0.1, 101)
	y := make([]float64, len(ts))
	for i, x := range ts {
		y[i] = 10 * math.Exp(-x/2)
	}
	f, err := FitExp2(ts, y)
	if err != nil && !errors.Is(err, ErrSingular) {
		t.Fatalf("unexpected error %v", err)
	}
	if f.RSS > 1e-8 {
		t.Errorf("RSS = %g for exact single-exponential data", f.RSS)
	}
}

func TestFitErrors(t *testing.T) {
	if _, err := FitExp1([]float64{1, 2}, []float64{1}); !errors.Is(err, ErrFit) {
		t.Errorf("length mismatch: err = %v", err)
	}
	if _, err := FitExp1([]float64{1, 2}, []float64{1, 0.5}); !errors.Is(err, ErrFit) {
		t.Errorf("two points: err = %v", err)
	}
	if _, err := FitExp2([]float64{0, 1, 2, 3}, []float64{4, 3, 2, 1}); !errors.Is(err, ErrFit) {
		t.Errorf("four points for FitExp2: err = %v", err)
	}
	if _, err := FitHill([]float64{1, 1, 1, 1, 1}, []float64{1, 2, 3, 4, 5}); !errors.Is(err, ErrFit) {
		t.Errorf("one concentration: err = %v", err)
	}
	if _, err := FitMM([]float64{-1, 1, 2}, []float64{1, 2, 3}); !errors.Is(err, ErrFit) {
		t.Errorf("negative substrate: err = %v", err)
	}
}

func hillData(reps int) []float64 {
	var c []float64
	for k := -6; k <= 4; k++ { // 10^-3 … 10^2 in half-decade steps
		for range reps {
			c = append(c, math.Pow(10, float64(k)/2))
		}
	}
	return c
}

func TestFitHill(t *testing.T) {
	conc := append([]float64{0, 0, 0}, hillData(3)...)
	tests := []struct {
		name                string
		bottom, top, x50, n float64
		increasing          bool
		sd                  float64
		seed                uint64
	}{
		{"noiseless inhibition", 5, 100, 0.3, 1.2, false, 0, 1},
		{"inhibition", 5, 100, 0.3, 1.2, false, 3, 1},
		{"steep inhibition", 0, 1, 2, 2.5, false, 0.03, 2},
		{"activation EC50", 0, 1, 2, 2, true, 0.02, 3},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			truth := Hill{Bottom: Param{Value: tc.bottom}, Top: Param{Value: tc.top},
				IC50: Param{Value: tc.x50}, Slope: Param{Value: tc.n}, Increasing: tc.increasing}
			y := noisy(tc.seed, conc, truth.Eval, tc.sd)
			h, err := FitHill(conc, y)
			if err != nil {
				t.Fatal(err)
			}
			if h.Increasing != tc.increasing {
				t.Fatalf("Increasing = %v, want %v", h.Increasing, tc.increasing)
			}
			if tc.sd == 0 {
				if !near(h.IC50.Value, tc.x50, 1e-6) || !near(h.Slope.Value, tc.n, 1e-6) ||
					!near(h.Top.Value, tc.top, 1e-6) || !near(h.Bottom.Value, tc.bottom, 1e-6) {
					t.Errorf("noiseless fit %+v", h)
				}
				return
			}
			if !within(h.LogIC50, math.Log10(tc.x50), 4) || !within(h.Slope, tc.n, 4) ||
				!within(h.Top, tc.top, 4) || !within(h.Bottom, tc.bottom, 4) {
				t.Errorf("fit log IC50 %g ± %g (true %g), n %g ± %g (true %g), top %g ± %g, bottom %g ± %g",
					h.LogIC50.Value, h.LogIC50.SE, math.Log10(tc.x50), h.Slope.Value, h.Slope.SE, tc.n,
					h.Top.Value, h.Top.SE, h.Bottom.Value, h.Bottom.SE)
			}
			if !(h.IC50.Lo < h.IC50.Value && h.IC50.Value < h.IC50.Hi) ||
				!near(h.IC50.Lo, math.Pow(10, h.LogIC50.Lo), 1e-12) {
				t.Errorf("IC50 interval %+v from log interval %+v", h.IC50, h.LogIC50)
			}
		})
	}
}

func TestFitMM(t *testing.T) {
	var s []float64
	for _, v := range []float64{0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50} {
		s = append(s, v, v, v)
	}
	tests := []struct {
		name         string
		vmax, km, sd float64
		seed         uint64
	}{
		{"noiseless", 10, 2, 0, 1},
		{"noisy", 10, 2, 0.2, 1},
		{"noisy high Km", 3.5, 30, 0.05, 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			truth := MM{Vmax: Param{Value: tc.vmax}, Km: Param{Value: tc.km}}
			v := noisy(tc.seed, s, truth.Eval, tc.sd)
			m, err := FitMM(s, v)
			if err != nil {
				t.Fatal(err)
			}
			if tc.sd == 0 {
				if !near(m.Vmax.Value, tc.vmax, 1e-8) || !near(m.Km.Value, tc.km, 1e-8) {
					t.Errorf("noiseless fit %+v", m)
				}
				return
			}
			if !within(m.Vmax, tc.vmax, 4) || !within(m.Km, tc.km, 4) {
				t.Errorf("Vmax %g ± %g (true %g), Km %g ± %g (true %g)", m.Vmax.Value, m.Vmax.SE, tc.vmax, m.Km.Value, m.Km.SE, tc.km)
			}
		})
	}
}

// TestFitUnits checks that fits and their standard errors do not depend on
// the units of the data: rescaling t (or S) and y by powers of ten rescales
// the estimates and SEs accordingly.
func TestFitUnits(t *testing.T) {
	ts := grid(0, 0.1, 201)
	y := noisy(5, ts, func(x float64) float64 { return 100 * math.Exp(-x/3) }, 2)
	ref, err := FitExp1(ts, y)
	if err != nil {
		t.Fatal(err)
	}
	const kt, ky = 1e-3, 1e6 // ms → s, and a large count scale
	ts2, y2 := make([]float64, len(ts)), make([]float64, len(y))
	for i := range ts {
		ts2[i], y2[i] = ts[i]*kt, y[i]*ky
	}
	f, err := FitExp1(ts2, y2)
	if err != nil {
		t.Fatal(err)
	}
	// Both fits stop within ~1e-5 SE of the optimum (Gauss–Newton test).
	if !near(f.Tau.Value/kt, ref.Tau.Value, 1e-4*ref.Tau.SE) || !near(f.Tau.SE/kt, ref.Tau.SE, 1e-4*ref.Tau.SE) ||
		!near(f.A.Value/ky, ref.A.Value, 1e-4*ref.A.SE) || !near(f.A.SE/ky, ref.A.SE, 1e-4*ref.A.SE) {
		t.Errorf("rescaled exp fit %+v vs %+v", f, ref)
	}

	// Michaelis–Menten with S in molar (Km = 2 µM) and v in molecules/s.
	var s []float64
	for _, v := range []float64{0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50} {
		s = append(s, v*1e-6, v*1e-6)
	}
	truth := MM{Vmax: Param{Value: 1e4}, Km: Param{Value: 2e-6}}
	v := noisy(6, s, truth.Eval, 200)
	m, err := FitMM(s, v)
	if err != nil {
		t.Fatal(err)
	}
	if !within(m.Vmax, 1e4, 4) || !within(m.Km, 2e-6, 4) {
		t.Errorf("molar MM fit Vmax %g ± %g, Km %g ± %g", m.Vmax.Value, m.Vmax.SE, m.Km.Value, m.Km.SE)
	}

	// Hill with concentrations in molar (IC50 = 300 nM).
	conc := hillData(2)
	for i := range conc {
		conc[i] *= 1e-6
	}
	ht := Hill{Bottom: Param{Value: 2}, Top: Param{Value: 50}, IC50: Param{Value: 3e-7}, Slope: Param{Value: 1}}
	h, err := FitHill(conc, noisy(7, conc, ht.Eval, 1))
	if err != nil {
		t.Fatal(err)
	}
	if !within(h.LogIC50, math.Log10(3e-7), 4) || !within(h.Slope, 1, 4) {
		t.Errorf("molar Hill fit log IC50 %g ± %g, n %g ± %g", h.LogIC50.Value, h.LogIC50.SE, h.Slope.Value, h.Slope.SE)
	}
}
