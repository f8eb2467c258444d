package validate

import (
	"bytes"
	"math"
	"strings"
	"testing"
)

// concurrentChecks are the checks that step replicates or shards on
// several goroutines (the shard-boundary statistics step their shards on
// one). Under the race detector (CI's short pass, go test
// -race -short) only these run: the others are single-goroutine
// statistics on models of their own, where the detector has nothing to
// find, and they run, all of them, in the plain go test ./... of the same
// CI job (and in mc validate). They made up most of the race pass.
var concurrentChecks = map[string]bool{
	"determinism":                      true, // Runner with 1, 2 and 8 workers
	"shard determinism across workers": true, // a sharded replicate on 1, 2 and 8 workers
}

// TestChecks runs every check (only the Quick ones with -short, and of
// those only the concurrent ones under the race detector) and fails on any
// result outside |z| < 4 or any broken invariant.
func TestChecks(t *testing.T) {
	for _, c := range Checks() {
		t.Run(strings.ReplaceAll(c.Name, " ", "_"), func(t *testing.T) {
			if testing.Short() && !c.Quick {
				t.Skip("full suite only")
			}
			if raceEnabled && !concurrentChecks[c.Name] {
				t.Skip("single-goroutine statistics: run without the race detector")
			}
			t.Parallel()
			rs := RunCheck(c, 1)
			if len(rs) == 0 {
				t.Fatal("the check returned no results")
			}
			for _, r := range rs {
				if !r.Pass {
					t.Errorf("%s: expected %g, simulated %g ± %g (z = %.2f): %s", r.Quantity, r.Expected, r.Simulated, r.SE, r.Z, r.Detail)
				}
			}
			var b bytes.Buffer
			WriteTable(&b, rs)
			t.Log("\n" + b.String())
		})
	}
}

// TestChecksNamesUnique guards the fixed order and the per-check seeds.
func TestChecksNamesUnique(t *testing.T) {
	seen := map[string]bool{}
	quick := 0
	for _, c := range Checks() {
		if seen[c.Name] {
			t.Errorf("check %q listed twice", c.Name)
		}
		seen[c.Name] = true
		if c.Run == nil {
			t.Errorf("check %q has no Run", c.Name)
		}
		if c.Quick {
			quick++
		}
	}
	for name := range concurrentChecks {
		if !seen[name] {
			t.Errorf("concurrentChecks names %q, which is not a check", name)
		}
	}
	if quick == 0 || quick == len(Checks()) {
		t.Errorf("%d of %d checks are quick; want a proper subset", quick, len(Checks()))
	}
	if CheckSeed(1, "a") == CheckSeed(1, "b") || CheckSeed(1, "a") == CheckSeed(2, "a") {
		t.Error("check seeds collide")
	}
}

// TestRunAllOrder checks that RunAll keeps the order of Checks whatever the
// number of workers, and stamps each result with its check's name.
func TestRunAllOrder(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the quick suite twice")
	}
	a := RunAll(true, 3, 1)
	b := RunAll(true, 3, 4)
	if len(a) != len(b) || len(a) == 0 {
		t.Fatalf("got %d and %d results", len(a), len(b))
	}
	var order []string
	for _, c := range Checks() {
		if c.Quick {
			order = append(order, c.Name)
		}
	}
	k := 0
	for i := range a {
		if a[i].Name != b[i].Name || a[i].Quantity != b[i].Quantity ||
			math.Float64bits(a[i].Simulated) != math.Float64bits(b[i].Simulated) {
			t.Fatalf("result %d differs between 1 and 4 workers: %+v vs %+v", i, a[i], b[i])
		}
		for k < len(order) && order[k] != a[i].Name {
			k++
		}
		if k == len(order) {
			t.Fatalf("result %d (%s) is out of the order of Checks", i, a[i].Name)
		}
	}
}

// TestJonasODEReference checks the independent RK4 solver against every
// well-mixed reference response of docs/parameters.md §A2, to the precision the
// table prints (peak to ±0.0005, time to ±0.005 ms).
func TestJonasODEReference(t *testing.T) {
	k := Jonas()
	p0 := make([]float64, len(k.States))
	p0[0] = 1
	open := []int{k.Index("O")}
	cases := []struct {
		name        string
		lig         func(float64) float64
		breaks      []float64
		peak, tPeak float64
		h           float64
	}{
		{"1 mM pulse, 1 ms", func(t float64) float64 {
			if t < 1 {
				return 1
			}
			return 0
		}, []float64{1}, 0.595, 1.05, 1e-3},
		{"1 mM step", func(float64) float64 { return 1 }, nil, 0.610, 1.37, 1e-3},
		{"1.1 mM·exp(−t/1.2 ms)", func(t float64) float64 { return 1.1 * math.Exp(-t/1.2) }, nil, 0.539, 1.19, 1e-3},
		{"3 mM·exp(−t/0.1 ms)", func(t float64) float64 { return 3 * math.Exp(-t/0.1) }, nil, 0.335, 0.53, 1e-4},
	}
	for _, c := range cases {
		tp, pk := k.Peak(p0, c.lig, c.breaks, open, 5, c.h)
		if math.Abs(pk-c.peak) > 0.0005+1e-9 || math.Abs(tp-c.tPeak) > 0.005+1e-9 {
			t.Errorf("%s: peak %.4f at %.4f ms, §A2 says %.3f at %.2f ms", c.name, pk, tp, c.peak, c.tPeak)
		}
	}
	p50 := k.Solve(p0, func(float64) float64 { return 1 }, nil, []float64{50}, 1e-3)[0]
	if math.Abs(p50[3]-0.025) > 0.0005 {
		t.Errorf("1 mM step: P_open(50 ms) = %.4f, §A2 says 0.025", p50[3])
	}
	pi := k.Steady(0.01)
	if math.Abs(pi[3]-0.0022) > 0.00005 {
		t.Errorf("10 µM: P_open = %.5f, §A2 says 0.0022", pi[3])
	}
	if d := pi[4] + pi[5] + pi[6]; math.Abs(d-0.5) > 0.005 {
		t.Errorf("10 µM: desensitised %.4f, §A2 says 50%%", d)
	}
	// The stationary distribution is a fixed point of the integrator.
	p := k.Solve(pi, func(float64) float64 { return 0.01 }, nil, []float64{100}, 1e-2)[0]
	for i := range p {
		if math.Abs(p[i]-pi[i]) > 1e-9 {
			t.Errorf("state %s drifts from the stationary %.6g to %.6g", k.States[i], pi[i], p[i])
		}
	}
}

// TestStats checks the statistical helpers on known values.
func TestStats(t *testing.T) {
	// Kolmogorov: the 5% critical value of √n·D is 1.3581.
	if q := kolmogorovQ(1.3581); math.Abs(q-0.05) > 1e-4 {
		t.Errorf("Q(1.3581) = %.5f, want 0.05", q)
	}
	if z := normUpperQuantile(normCDF(-4)); math.Abs(z-4) > 1e-9 {
		t.Errorf("upper quantile of Φ(−4) = %v, want 4", z)
	}
	if m, se := meanSE([]float64{1, 2, 3, 4}); m != 2.5 || math.Abs(se-math.Sqrt(5.0/3/4)) > 1e-15 {
		t.Errorf("meanSE = %v, %v", m, se)
	}
	r := compare("q", 1, 1.5, 0.1, "")
	if r.Pass || math.Abs(r.Z-5) > 1e-12 {
		t.Errorf("z = 5 should fail: %+v", r)
	}
	if r := exact("q", 0, 0, ""); !r.Pass {
		t.Error("an exact match must pass")
	}
	if r := exact("q", 0, 1, ""); r.Pass {
		t.Error("an exact mismatch must fail")
	}
	if r := compare("q", 1, 1, 0, ""); r.Pass {
		t.Error("a statistical row without SE must not pass")
	}
}

// TestSlabSeries checks the T3 series against its limits and §A7's table.
func TestSlabSeries(t *testing.T) {
	h, d := 0.02, 0.33
	for i, tt := range []float64{1e-5, 1e-4, 4e-4, 1e-3} {
		want := []float64{2.05, 6.41, 9.69, 10.00}[i]
		if got := slabMean(h, d, tt) * 1e3; math.Abs(got-want) > 0.005+1e-9 {
			t.Errorf("<z>(%g ms) = %.4f nm, §A7 table %.2f", tt, got, want)
		}
	}
	// Early times: a half-space, <z> = √(4Dt/π).
	tt := 1e-8
	if got, want := slabMean(h, d, tt), math.Sqrt(4*d*tt/math.Pi); math.Abs(got/want-1) > 1e-3 {
		t.Errorf("early <z> = %g, half-space %g", got, want)
	}
}

func TestWriteTable(t *testing.T) {
	var b bytes.Buffer
	WriteTable(&b, []Result{
		{Name: "c", Quantity: "q1", Expected: 1, Simulated: 1.01, SE: 0.01, Z: 1, Pass: true, Detail: "d"},
		{Name: "c", Quantity: "q2", Expected: 0, Simulated: 1, Pass: false},
	})
	out := b.String()
	for _, want := range []string{"check", "expected", "simulated ± SE", "PASS", "FAIL", "1.01 ± 0.01", "(exact)"} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
}
