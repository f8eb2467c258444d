package protocols

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/reuptake/reuptake/agents/transporters"
)

func models(t *testing.T, names ...string) []transporters.Model {
	t.Helper()
	var out []transporters.Model
	for _, n := range names {
		m, err := transporters.Lookup(n)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, m)
	}
	return out
}

// TestUptakeRecoversExact: protocol (a) on a well-mixed patch recovers the
// exact Km and Vmax of the scheme, and protocol (d) the exact apparent Km,
// which for a blocker of the only substrate-free outward state (the
// Michaelis–Menten carrier) is Km(1 + I/Ki). Power: with 8 replicates of
// 1000 transporters over 10 cycles the SE of Km is 0.5–4% of Km, so a
// bias of ≈ 10% in the engine's bath-driven binding rate, or a
// transporter that drifts from its stationary state, fails the test.
func TestUptakeRecoversExact(t *testing.T) {
	if testing.Short() {
		t.Skip("protocol runs")
	}
	res, err := Run(Config{Models: models(t, "glt1-bergles2002", "dat-mm", "dat-erreger2008"), Protocols: []string{Uptake, Inhibitor},
		Replicates: 8, Seed: 3, Quick: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Fits) != 5 {
		t.Fatalf("%d fits, want 5 (3 uptake, 2 inhibitor)", len(res.Fits))
	}
	for _, f := range res.Fits {
		zk := (f.KmUM - f.KmExact) / f.KmSE
		zv := (f.VmaxPerS - f.VmaxExact) / f.VmaxSE
		if !(math.Abs(zk) < 4 && math.Abs(zv) < 4) {
			t.Errorf("%s %s: Km %g ± %g (exact %g, z %.2f), Vmax %g ± %g (exact %g, z %.2f)", f.Model, f.Protocol,
				f.KmUM, f.KmSE, f.KmExact, zk, f.VmaxPerS, f.VmaxSE, f.VmaxExact, zv)
		}
		if f.Model == "dat-mm" && f.Protocol == Inhibitor && math.Abs(f.KmExact/f.KmTextbook-1) > 1e-9 {
			t.Errorf("MM carrier: exact Km_app %g differs from Km(1+I/Ki) %g", f.KmExact, f.KmTextbook)
		}
		if f.Model == "dat-erreger2008" && f.Protocol == Inhibitor && f.KmExact > 0.8*f.KmTextbook {
			t.Errorf("Na-first DAT: exact Km_app %g should lie well below Km(1+I/Ki) %g (cocaine binds only To)", f.KmExact, f.KmTextbook)
		}
	}
}

// TestPulseFollowsMasterEquation: the mean transporter current after a
// 1 ms pulse follows the exact solution of the scheme's master equation in
// every 0.25 ms bin (|z| < 4). Power: with 24 replicates of 10,000
// transporters the SE per bin is ≈ 1% of the peak; a 5% error in any rate
// that shapes the response shows up in the bins around the peak.
func TestPulseFollowsMasterEquation(t *testing.T) {
	if testing.Short() {
		t.Skip("protocol runs")
	}
	for _, m := range models(t, "glt1-preset", "dat-erreger2008") {
		a, err := PulseAgreement(m, 24, 5, 0)
		if err != nil {
			t.Fatal(err)
		}
		worst := 0.0
		for i := range a.T {
			if a.SE[i] > 0 {
				worst = math.Max(worst, math.Abs(a.Mean[i]-a.Exact[i])/a.SE[i])
			}
		}
		if worst >= 4 || len(a.T) < 50 {
			t.Errorf("%s: worst |z| %.2f over %d bins", m.Name, worst, len(a.T))
		}
	}
}

// TestBenchDeterministic: the bench's tables depend on the seed only, not
// on the number of workers.
func TestBenchDeterministic(t *testing.T) {
	cfg := Config{Models: models(t, "glt1-mm"), Protocols: []string{Uptake, Pairs}, Replicates: 3, Seed: 9, Quick: true}
	cfg.Workers = 1
	a, err := Run(cfg)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Workers = 3
	b, err := Run(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(a.Uptake, b.Uptake) || !reflect.DeepEqual(a.Pairs, b.Pairs) {
		t.Error("results differ between 1 and 3 workers")
	}
}

func TestRunRefusesBadInput(t *testing.T) {
	if _, err := Run(Config{Models: models(t, "glt1-mm"), Protocols: []string{"uptak"}}); err == nil || !strings.Contains(err.Error(), "uptake") {
		t.Errorf("unknown protocol: %v", err)
	}
	if _, err := Run(Config{}); err == nil {
		t.Error("no models accepted")
	}
}

// TestWrite: every file appears, Parquet and the figure included, and the
// tables name every model.
func TestWrite(t *testing.T) {
	res, err := Run(Config{Models: models(t, "glt1-mm", "dat-mm"), Protocols: []string{Uptake, Inhibitor, Jump}, Replicates: 2, Seed: 1, Quick: true})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := res.Write(dir); err != nil {
		t.Fatal(err)
	}
	for _, f := range res.Files() {
		st, err := os.Stat(filepath.Join(dir, f))
		if err != nil || st.Size() == 0 {
			t.Errorf("%s: %v", f, err)
		}
	}
	var b bytes.Buffer
	if err := res.Table(&b, "markdown"); err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{"| glt1-mm |", "| dat-mm |", "no glutamate-transporter blocker"} {
		if !strings.Contains(b.String(), w) {
			t.Errorf("markdown table lacks %q:\n%s", w, b.String())
		}
	}
}

func TestFits(t *testing.T) {
	s := []float64{1, 2, 5, 10, 20, 50}
	v := make([]float64, len(s))
	for i := range s {
		v[i] = 7 * hill(s[i], 8, 1.5)
	}
	k, vm, n := fitHill(s, v, true)
	if math.Abs(k/8-1) > 1e-4 || math.Abs(vm/7-1) > 1e-4 || math.Abs(n/1.5-1) > 1e-4 {
		t.Errorf("Hill fit: K %g Vmax %g n %g, want 8, 7, 1.5", k, vm, n)
	}
	iv := []float64{2, 5, 10, 50, 100}
	r := make([]float64, len(iv))
	for i := range iv {
		r[i] = 1 - 0.4*math.Exp(-iv[i]/30)
	}
	if tau := fitRecovery(iv, r); math.Abs(tau/30-1) > 1e-4 {
		t.Errorf("recovery τ %g, want 30", tau)
	}
	tt := []float64{0, 1, 2, 3, 4}
	y := make([]float64, len(tt))
	for i := range tt {
		y[i] = 2 + 5*math.Exp(-tt[i]/1.7)
	}
	if tau := decayTau(tt, y, 2, 0.01); math.Abs(tau/1.7-1) > 1e-9 {
		t.Errorf("decay τ %g, want 1.7", tau)
	}
	if c := counts([]float64{0.5, 0.25, 0.25}, 7); c[0] != 3 || c[1] != 2 || c[2] != 2 { // floors 3,1,1; remainders .5,.75,.75
		t.Errorf("counts %v", c)
	}
}
