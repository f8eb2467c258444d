package protocols

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/reuptake/reuptake/agents"
	"github.com/reuptake/reuptake/agents/transporters"
	"github.com/reuptake/reuptake/montecarlo"
)

// Protocol names, in the order they run.
const (
	Uptake    = "uptake"
	Jump      = "jump"
	Pairs     = "pairs"
	Inhibitor = "inhibitor"
	Synapse   = "synapse"
)

// Names lists the protocols.
var Names = []string{Uptake, Jump, Pairs, Inhibitor, Synapse}

// Config says what to run.
type Config struct {
	Models     []transporters.Model
	Protocols  []string // subset of Names; empty: all
	Replicates int      // per condition; 0: 8 (4 with Quick)
	Seed       uint64
	Workers    int
	// Quick runs fewer concentrations, intervals and synapse replicates,
	// and a smaller striatal block, for CI.
	Quick bool
	// Neuropil runs the synapse protocol of glutamate transporters in the
	// glutamate-ca1-neuropil preset (porous neuropil with glial GLT-1 out
	// to 1.2 µm: room for the 1 µm spillover probe) instead of
	// glutamate-ca1; several times costlier.
	Neuropil bool
	// Progress, when set, is called after each unit of work with the
	// number done and the total.
	Progress func(done, total int)
	// Ctx cancels the run; nil means context.Background().
	Ctx context.Context
}

func (c Config) has(p string) bool { return len(c.Protocols) == 0 || slices.Contains(c.Protocols, p) }

func (c Config) reps() int {
	switch {
	case c.Replicates > 0:
		return c.Replicates
	case c.Quick:
		return 4
	}
	return 8
}

// Patch sizes and time steps of the protocols on a patch.
const (
	uptakeN  = 1000  // transporters in the uptake and inhibitor protocols
	jumpN    = 10000 // transporters in the jump and paired-pulse protocols
	jumpDt   = 0.05  // ms: step and sample interval of the jump protocols
	jumpRun  = 20.0  // ms: length of the jump records
	pulseLen = 1.0   // ms
)

// JumpConc is the substrate concentration of the jump protocols (µM): 1 mM
// for glutamate transporters (the classic fast-application experiment),
// 10 µM for monoamine transporters (50–60 × their Km).
func JumpConc(m transporters.Model) float64 {
	if m.Class == "" {
		return 1000
	}
	return 10
}

// Result holds every table of a bench.
type Result struct {
	Uptake    []UptakeRow
	Fits      []FitRow
	Jump      []JumpRow
	JumpStats []JumpStat
	Pairs     []PairRow
	Recovery  []RecoveryRow
	Synapse   []SynapseRow
	// Skipped says, per model and protocol, why a protocol did not run.
	Skipped []string
}

// UptakeRow is one replicate's uptake rate at one concentration.
type UptakeRow struct {
	Model     string  `parquet:"model"`
	Protocol  string  `parquet:"protocol"` // uptake or inhibitor
	Drug      string  `parquet:"drug"`
	DrugUM    float64 `parquet:"drug_uM"`
	Replicate int64   `parquet:"replicate"`
	ConcUM    float64 `parquet:"conc_uM"`
	RatePerS  float64 `parquet:"rate_per_s"`  // substrate transported per transporter per second
	ExactPerS float64 `parquet:"exact_per_s"` // the exact expectation of the same estimator
}

// FitRow is the fit of one model's uptake curve (protocol uptake or
// inhibitor): mean over replicates of the per-replicate fits, with 95% t
// confidence half-widths, and the exact values from the scheme.
type FitRow struct {
	Model      string  `parquet:"model"`
	Protocol   string  `parquet:"protocol"`
	Drug       string  `parquet:"drug"`
	DrugUM     float64 `parquet:"drug_uM"`
	Replicates int64   `parquet:"replicates"`
	KmUM       float64 `parquet:"km_uM"`
	KmSE       float64 `parquet:"km_se"`
	KmCI       float64 `parquet:"km_ci95"`
	KmExact    float64 `parquet:"km_exact_uM"`
	KmTextbook float64 `parquet:"km_textbook_uM"` // Km(1 + I/Ki) for the inhibitor protocol
	VmaxPerS   float64 `parquet:"vmax_per_s"`
	VmaxSE     float64 `parquet:"vmax_se"`
	VmaxCI     float64 `parquet:"vmax_ci95"`
	VmaxExact  float64 `parquet:"vmax_exact_per_s"`
	Hill       float64 `parquet:"hill"`
	HillCI     float64 `parquet:"hill_ci95"`
	HillExact  float64 `parquet:"hill_exact"`
}

// JumpRow is one sample of the mean jump record.
type JumpRow struct {
	Model  string  `parquet:"model"`
	Kind   string  `parquet:"kind"` // pulse or step
	Signal string  `parquet:"signal"`
	TMS    float64 `parquet:"t_ms"`
	Mean   float64 `parquet:"mean_per_s"` // per transporter: charges/s (current) or molecules/s (uptake)
	SE     float64 `parquet:"se_per_s"`
	Exact  float64 `parquet:"exact_per_s"`
}

// JumpStat summarises a jump record.
type JumpStat struct {
	Model        string  `parquet:"model"`
	Kind         string  `parquet:"kind"`
	Signal       string  `parquet:"signal"`
	ConcUM       float64 `parquet:"conc_uM"`
	Peak         float64 `parquet:"peak_per_s"`
	PeakExact    float64 `parquet:"peak_exact_per_s"`
	TPeakMS      float64 `parquet:"t_peak_ms"`
	TauMS        float64 `parquet:"tau_ms"` // decay after the pulse, or towards the steady state during the step
	TauExactMS   float64 `parquet:"tau_exact_ms"`
	Steady       float64 `parquet:"steady_per_s"` // exact stationary value at the jump concentration
	MaxAbsZ      float64 `parquet:"max_abs_z"`    // largest |mean − exact|/SE over the samples
	Samples      int64   `parquet:"samples"`
	PeakToSteady float64 `parquet:"peak_to_steady"`
}

// PairRow is the second-to-first peak ratio at one interval.
type PairRow struct {
	Model      string  `parquet:"model"`
	IntervalMS float64 `parquet:"interval_ms"`
	Ratio      float64 `parquet:"ratio"`
	Exact      float64 `parquet:"ratio_exact"`
}

// RecoveryRow is a model's recovery time constant from paired pulses.
type RecoveryRow struct {
	Model      string  `parquet:"model"`
	TauMS      float64 `parquet:"tau_ms"`
	TauExactMS float64 `parquet:"tau_exact_ms"` // the same fit on the exact ratios
	RelaxMS    float64 `parquet:"relax_ms"`     // slowest relaxation of the scheme without substrate
}

// SynapseRow is one model's effect on a preset synapse (means ± SE over
// replicates, paired seeds).
type SynapseRow struct {
	Model       string  `parquet:"model"`
	Preset      string  `parquet:"preset"`
	Replicates  int64   `parquet:"replicates"`
	DecayTauMS  float64 `parquet:"decay_tau_ms"`
	DecayTauSE  float64 `parquet:"decay_tau_se"`
	Taken1      float64 `parquet:"taken_up_1ms"`
	Buffered1   float64 `parquet:"buffered_1ms"`
	Escaped1    float64 `parquet:"escaped_1ms"`
	Taken5      float64 `parquet:"taken_up_5ms"`
	Buffered5   float64 `parquet:"buffered_5ms"`
	Escaped5    float64 `parquet:"escaped_5ms"`
	Taken5SE    float64 `parquet:"taken_up_5ms_se"`
	PeakOpen    float64 `parquet:"peak_receptor_activation"` // peak open receptors (glutamate) or bound receptors (monoamines)
	PeakOpenSE  float64 `parquet:"peak_receptor_activation_se"`
	Spill05     float64 `parquet:"spillover_0p5um_uM"` // peak concentration 0.5 µm from the axis in the cleft plane
	Spill1      float64 `parquet:"spillover_1um_uM"`
	Spill05SE   float64 `parquet:"spillover_0p5um_se"`
	Spill1SE    float64 `parquet:"spillover_1um_se"`
	DurationMS  float64 `parquet:"duration_ms"`
	Observation string  `parquet:"note"`
}

// Run runs the protocols of cfg on its models.
func Run(cfg Config) (*Result, error) {
	if cfg.Ctx == nil {
		cfg.Ctx = context.Background()
	}
	for _, p := range cfg.Protocols {
		if !slices.Contains(Names, p) {
			return nil, fmt.Errorf("unknown protocol %q (protocols: %s)", p, strings.Join(Names, ", "))
		}
	}
	if len(cfg.Models) == 0 {
		return nil, fmt.Errorf("no models to bench")
	}
	res := &Result{}
	total := 0
	for range cfg.Models {
		for _, p := range Names {
			if cfg.has(p) {
				total++
			}
		}
	}
	done := 0
	tick := func() {
		done++
		if cfg.Progress != nil {
			cfg.Progress(done, total)
		}
	}
	for _, m := range cfg.Models {
		d, err := transporters.Derive(m.Scheme, m.Substrate)
		if err != nil {
			return nil, fmt.Errorf("%s: %v", m.Name, err)
		}
		steps := []struct {
			name string
			fn   func(transporters.Model, transporters.Derived) error
		}{
			{Uptake, func(m transporters.Model, d transporters.Derived) error { return res.uptake(cfg, m, d, nil) }},
			{Jump, func(m transporters.Model, d transporters.Derived) error { return res.jump(cfg, m, d) }},
			{Pairs, func(m transporters.Model, d transporters.Derived) error { return res.pairs(cfg, m, d) }},
			{Inhibitor, func(m transporters.Model, d transporters.Derived) error {
				if m.Class == "" {
					res.Skipped = append(res.Skipped, fmt.Sprintf("%s: inhibitor: the drug table has no glutamate-transporter blocker", m.Name))
					return nil
				}
				drug, _ := agents.LookupDrug("cocaine")
				return res.uptake(cfg, m, d, &drug)
			}},
			{Synapse, func(m transporters.Model, d transporters.Derived) error { return res.synapse(cfg, m, d) }},
		}
		for _, st := range steps {
			if !cfg.has(st.name) {
				continue
			}
			if err := cfg.Ctx.Err(); err != nil {
				return nil, err
			}
			if err := st.fn(m, d); err != nil {
				return nil, fmt.Errorf("%s, %s: %w", m.Name, st.name, err)
			}
			tick()
		}
	}
	return res, nil
}

// runAll runs reps replicates of model mod and returns them in order.
func runAll(cfg Config, mod *montecarlo.Model, reps int) ([]montecarlo.Replicate, error) {
	idx := make([]int, reps)
	for i := range idx {
		idx[i] = i
	}
	out := make([]montecarlo.Replicate, 0, reps)
	err := montecarlo.Runner{Workers: cfg.Workers}.Run(cfg.Ctx, mod, cfg.Seed, idx, func(r montecarlo.Replicate) error {
		out = append(out, r)
		return nil
	})
	return out, err
}

// elementary charge in pA·ms.
const eCharge = 1.602176634e-4

// signalPerTransporter turns the transporter-current column of a replicate
// into the charge (or count) moved per transporter per second in each
// sample interval.
func signalPerTransporter(r montecarlo.Replicate, col, n int) []float64 {
	out := make([]float64, len(r.Rows))
	for i, row := range r.Rows {
		out[i] = -row[col] / eCharge / float64(n) * 1e3
	}
	return out
}

// uptakeConcs are the concentrations of the uptake protocol, in units of
// the exact Km.
func uptakeConcs(quick bool) []float64 {
	if quick {
		return []float64{0.25, 1, 4}
	}
	return []float64{0.125, 0.25, 0.5, 1, 2, 4, 8}
}

// uptake runs the steady-state uptake protocol (drug nil) or its repeat
// with a competitive blocker at 2 × Ki (drug set).
func (res *Result) uptake(cfg Config, m transporters.Model, d transporters.Derived, drug *agents.Drug) error {
	reps := cfg.reps()
	scheme, proto, drugName, iUM := m.Scheme, Uptake, "", 0.0
	var ds *montecarlo.DrugSpec
	kmText := d.KmUM
	if drug != nil {
		ki := drug.Ki[m.Class].KiNM / 1e3
		iUM = 2 * ki
		kon := transporters.KOn(agents.DefaultDrugKOn)
		scheme = transporters.WithBlocker(m.Scheme, m.Outward, transporters.Conc(iUM), transporters.Conc(ki), kon)
		ds = &montecarlo.DrugSpec{Name: drug.Name, Conc: transporters.Conc(iUM), Targets: []string{"t"}}
		proto, drugName, kmText = Inhibitor, drug.Name, d.KmUM*(1+iUM/ki)
	}
	ch, err := transporters.NewChain(scheme, m.Substrate, nil)
	if err != nil {
		return err
	}
	dx, err := ch.Derive()
	if err != nil {
		return err
	}
	// Window: 10 cycle times at saturation (at least 100 ms), sampled 40
	// times. The sites start from the exact stationary distribution at
	// each concentration: as whole counts per state without a drug, and
	// drawn by the engine (which starts the sites of a drug-targeted type
	// from the stationary distribution under its clamped baths, the
	// substrate included) with one.
	win := math.Max(100, 10*dx.CycleMs)
	dt := win / 40
	concs := uptakeConcs(cfg.Quick)
	rates := make([][]float64, reps)
	for i := range rates {
		rates[i] = make([]float64, len(concs))
	}
	for ci, c := range concs {
		S := transporters.Conc(c * kmText)
		p := patch{model: m, n: uptakeN, conc: S, count: countTransport, drug: ds, dt: dt, sample: dt, duration: win}
		pi, err := ch.Stationary(S)
		if err != nil {
			return err
		}
		if drug == nil {
			p.p0 = pi
		}
		mod, err := p.build()
		if err != nil {
			return err
		}
		col := mod.Column("transporter_current_pA")
		// The exact expectation of the same estimator, from the same start.
		p0 := pi
		if drug == nil {
			cnt := counts(pi, uptakeN)
			p0 = make([]float64, len(cnt))
			for i, x := range cnt {
				p0[i] = float64(x) / uptakeN
			}
		}
		ex := ch.Expect(p0, []transporters.Step{{Dur: win, S: S}}, dt)
		exact := ex.Uptake[len(ex.Uptake)-1] / win * 1e3
		rs, err := runAll(cfg, mod, reps)
		if err != nil {
			return err
		}
		for ri, r := range rs {
			sig := signalPerTransporter(r, col, uptakeN)
			tot := 0.0
			for k := 1; k < len(sig); k++ {
				tot += sig[k] * dt / 1e3
			}
			rates[ri][ci] = tot / win * 1e3
			res.Uptake = append(res.Uptake, UptakeRow{Model: m.Name, Protocol: proto, Drug: drugName, DrugUM: iUM,
				Replicate: int64(ri), ConcUM: c * kmText, RatePerS: rates[ri][ci], ExactPerS: exact})
		}
	}
	var kms, vms, ns []float64
	sc := make([]float64, len(concs))
	for i, c := range concs {
		sc[i] = c * kmText
	}
	for _, r := range rates {
		k, v, _ := fitHill(sc, r, false)
		_, _, n := fitHill(sc, r, true)
		kms, vms, ns = append(kms, k), append(vms, v), append(ns, n)
	}
	f := FitRow{Model: m.Name, Protocol: proto, Drug: drugName, DrugUM: iUM, Replicates: int64(reps),
		KmExact: dx.KmUM, KmTextbook: kmText, VmaxExact: dx.KcatPerS, HillExact: dx.Hill}
	f.KmUM, f.KmSE, f.KmCI = meanCI(kms)
	f.VmaxPerS, f.VmaxSE, f.VmaxCI = meanCI(vms)
	f.Hill, _, f.HillCI = meanCI(ns)
	res.Fits = append(res.Fits, f)
	return nil
}
