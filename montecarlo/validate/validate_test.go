package validate

import (
	"bytes"
	"fmt"
	"math"
	"os"
	"slices"
	"strings"
	"testing"
	"time"
)

// concurrentChecks are the checks that step replicates or shards on
// several goroutines (the shard-boundary statistics step their shards on
// one). Under the race detector (CI's short pass, go test
// -race -short) only these run: the others are single-goroutine
// statistics on models of their own, where the detector has nothing to
// find, and they run in the plain go test ./... of the same CI job (the
// quick rows) and in its mc validate step (every row). They made up most
// of the race pass.
var concurrentChecks = map[string]bool{
	"determinism":                      true, // Runner with 1, 2 and 8 workers
	"shard determinism across workers": true, // a sharded replicate on 1, 2 and 8 workers
}

// allChecksEnv is the environment variable that makes TestChecks run the
// full-power rows (those not Quick) too. Without it go test runs the quick
// rows only: the others are the long physics checks, which mc validate
// runs, every one of them, in CI's "physics" step (go run ./cmd/mc
// validate). They took about 7 of the 9 minutes of go test ./... on 2
// cores.
const allChecksEnv = "REUPTAKE_VALIDATE_ALL"

// TestChecks runs the quick checks (and every check with
// REUPTAKE_VALIDATE_ALL=1; only the concurrent ones under the race
// detector) and fails on any result outside |z| < 4 or any broken
// invariant.
func TestChecks(t *testing.T) {
	all := os.Getenv(allChecksEnv) != "" && !testing.Short()
	for _, c := range Checks() {
		t.Run(strings.ReplaceAll(c.Name, " ", "_"), func(t *testing.T) {
			if !c.Quick && !all {
				t.Skip("full-power row: run by mc validate (CI runs every row), or here with " + allChecksEnv + "=1")
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

// TestRunAllOrder checks that RunAll selects the quick checks (or all) in
// the order of Checks, and that running checks keeps that order whatever
// the number of workers, stamps each result with its check's name, and
// gives each check results that depend only on its name and the master
// seed (not on its position, the other checks or workers). It runs
// synthetic checks that finish out of order plus four of the cheapest real
// ones (the whole quick suite twice took over two minutes on 2 cores; mc
// validate in CI runs RunAll on every check).
func TestRunAllOrder(t *testing.T) {
	for _, quick := range []bool{true, false} {
		var want []string
		for _, c := range Checks() {
			if !quick || c.Quick {
				want = append(want, c.Name)
			}
		}
		var got []string
		for _, c := range selectChecks(quick) {
			got = append(got, c.Name)
		}
		if !slices.Equal(got, want) {
			t.Errorf("selectChecks(%v) = %q, want %q", quick, got, want)
		}
	}

	var cs []Check
	for i := range 12 {
		// Later checks finish first, so that with several workers the
		// results arrive out of order.
		cs = append(cs, Check{Name: fmt.Sprintf("synthetic %d", i), Run: func(s uint64) []Result {
			time.Sleep(time.Duration(12-i) * time.Millisecond)
			return []Result{
				{Quantity: "seed", Simulated: float64(s >> 11)},
				{Quantity: "seed, low bits", Simulated: float64(s & 0xffff)},
			}
		}})
	}
	cheap := map[string]bool{
		"T7 clamped-ligand binding":                    true,
		"blocker occupancy":                            true,
		"occupancy and above_threshold at equilibrium": true,
		"events: dwell times of site states":           true,
	}
	for _, c := range Checks() {
		if cheap[c.Name] {
			cs = append(cs, c)
		}
	}
	if len(cs) != 12+len(cheap) {
		t.Fatalf("%d checks, want %d: a real check was renamed", len(cs), 12+len(cheap))
	}
	a := runChecks(cs, 3, 1)
	b := runChecks(cs, 3, 4)
	if len(a) != len(b) || len(a) == 0 {
		t.Fatalf("got %d and %d results", len(a), len(b))
	}
	k := 0
	for i := range a {
		if a[i].Name != b[i].Name || a[i].Quantity != b[i].Quantity ||
			math.Float64bits(a[i].Simulated) != math.Float64bits(b[i].Simulated) {
			t.Fatalf("result %d differs between 1 and 4 workers: %+v vs %+v", i, a[i], b[i])
		}
		for k < len(cs) && cs[k].Name != a[i].Name {
			k++
		}
		if k == len(cs) {
			t.Fatalf("result %d (%s) is out of the order of the checks", i, a[i].Name)
		}
	}
	// A check's results depend on its name and the master seed only: the
	// same checks without the first five, in reverse order, on 3 workers.
	rest := slices.Clone(cs[5:])
	slices.Reverse(rest)
	c := runChecks(rest, 3, 3)
	byName := map[string][]Result{}
	for _, r := range a {
		byName[r.Name] = append(byName[r.Name], r)
	}
	for _, r := range c {
		ra := byName[r.Name]
		if len(ra) == 0 {
			t.Fatalf("%s: no result in the first run", r.Name)
		}
		if ra[0].Quantity != r.Quantity || math.Float64bits(ra[0].Simulated) != math.Float64bits(r.Simulated) {
			t.Errorf("%s: %+v alone, %+v among the others", r.Name, r, ra[0])
		}
		byName[r.Name] = ra[1:]
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
