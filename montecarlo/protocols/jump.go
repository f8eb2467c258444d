package protocols

import (
	"context"
	"math"

	"gonum.org/v1/gonum/stat"

	"github.com/reuptake/reuptake/agents/transporters"
	"github.com/reuptake/reuptake/montecarlo"
)

// electrogenic reports whether any transition of the model moves charge.
func electrogenic(m transporters.Model) bool {
	for _, t := range m.Scheme.Transitions {
		if t.Charge != 0 {
			return true
		}
	}
	return false
}

// trace is a mean jump record with its exact counterpart.
type trace struct {
	t, mean, se, exact []float64
}

// runJump simulates n transporters at rest under the substrate course
// (concentration S from 0, changes sched) for dur ms and returns the mean
// signal per transporter per second in each sample interval, its SE over
// the replicates and the exact expectation.
func runJump(cfg Config, m transporters.Model, ch *transporters.Chain, S float64, sched []montecarlo.BathStep, dur float64, count countMode) (trace, string, error) {
	return runJumpBinned(cfg, m, ch, S, sched, dur, count, 1)
}

// runJumpBinned is runJump with the samples averaged in bins of bin
// consecutive sample intervals (the time of a bin is its end).
func runJumpBinned(cfg Config, m transporters.Model, ch *transporters.Chain, S float64, sched []montecarlo.BathStep, dur float64, count countMode, bin int) (trace, string, error) {
	signal := map[countMode]string{countCharge: "current", countTransport: "uptake", countBinding: "binding"}[count]
	rest, err := ch.Stationary(0)
	if err != nil {
		return trace{}, "", err
	}
	p := patch{model: m, n: jumpN, conc: S, sched: sched, count: count, p0: rest, dt: jumpDt, sample: jumpDt, duration: dur}
	mod, err := p.build()
	if err != nil {
		return trace{}, "", err
	}
	col := mod.Column("transporter_current_pA")
	rs, err := runAll(cfg, mod, cfg.reps())
	if err != nil {
		return trace{}, "", err
	}
	// Exact: the master equation from the same whole-count start.
	cnt := counts(rest, jumpN)
	p0 := make([]float64, len(cnt))
	for i, x := range cnt {
		p0[i] = float64(x) / jumpN
	}
	var steps []transporters.Step
	t0, c := 0.0, S
	for _, b := range sched {
		steps = append(steps, transporters.Step{Dur: b.T - t0, S: c})
		t0, c = b.T, b.Conc
	}
	steps = append(steps, transporters.Step{Dur: dur - t0, S: c})
	ex := ch.Expect(p0, steps, jumpDt)
	acc := map[countMode][]float64{countCharge: ex.Charge, countTransport: ex.Uptake, countBinding: ex.Binds}[count]
	sigs := make([][]float64, len(rs))
	for i, r := range rs {
		sigs[i] = signalPerTransporter(r, col, jumpN)
	}
	var tr trace
	for k := bin; k < len(rs[0].T) && k < len(acc); k += bin {
		x := make([]float64, len(rs))
		for i := range rs {
			for j := k - bin + 1; j <= k; j++ {
				x[i] += sigs[i][j] / float64(bin)
			}
		}
		mean := stat.Mean(x, nil)
		se := math.NaN()
		if len(x) > 1 {
			se = stat.StdDev(x, nil) / math.Sqrt(float64(len(x)))
		}
		tr.t = append(tr.t, rs[0].T[k])
		tr.mean = append(tr.mean, mean)
		tr.se = append(tr.se, se)
		tr.exact = append(tr.exact, (acc[k]-acc[k-bin])/(float64(bin)*jumpDt)*1e3)
	}
	return tr, signal, nil
}

// peak returns the largest value of y over t in [a, b] and its time.
func peak(t, y []float64, a, b float64) (float64, float64) {
	best, at := math.Inf(-1), math.NaN()
	for i := range t {
		if t[i] >= a-1e-9 && t[i] <= b+1e-9 && y[i] > best {
			best, at = y[i], t[i]
		}
	}
	return best, at
}

// window sums y over the sample intervals ending in (a, b].
func window(t, y []float64, a, b float64) float64 {
	s := 0.0
	for i := range t {
		if t[i] > a+1e-9 && t[i] <= b+1e-9 {
			s += y[i]
		}
	}
	return s
}

// after returns the parts of t and y from the first t ≥ a.
func after(t, y []float64, a float64) ([]float64, []float64) {
	for i := range t {
		if t[i] >= a-1e-9 {
			return t[i:], y[i:]
		}
	}
	return nil, nil
}

func (res *Result) jump(cfg Config, m transporters.Model, d transporters.Derived) error {
	ch, err := transporters.NewChain(m.Scheme, m.Substrate, nil)
	if err != nil {
		return err
	}
	cUM := JumpConc(m)
	S := transporters.Conc(cUM)
	v, q, err := ch.Turnover(S)
	if err != nil {
		return err
	}
	for _, kind := range []string{"pulse", "step"} {
		var sched []montecarlo.BathStep
		if kind == "pulse" {
			sched = []montecarlo.BathStep{{T: pulseLen, Conc: 0}}
		}
		mode := countCharge
		if !electrogenic(m) {
			mode = countTransport
		}
		tr, signal, err := runJump(cfg, m, ch, S, sched, jumpRun, mode)
		if err != nil {
			return err
		}
		steady := q * 1e3
		if signal == "uptake" {
			steady = v * 1e3
		}
		st := JumpStat{Model: m.Name, Kind: kind, Signal: signal, ConcUM: cUM, Samples: int64(len(tr.t))}
		st.Peak, st.TPeakMS = peak(tr.t, tr.mean, 0, jumpRun)
		st.PeakExact, _ = peak(tr.t, tr.exact, 0, jumpRun)
		// Decay: after the pulse, towards 0 from the first sample after it
		// ends; during the step, towards the steady state from the peak.
		from, c := pulseLen+jumpDt, 0.0
		if kind == "step" {
			from, c = st.TPeakMS, steady
			st.Steady = steady
		}
		a, b := after(tr.t, tr.mean, from)
		st.TauMS = decayTau(a, b, c, 0.1)
		a, b = after(tr.t, tr.exact, from)
		st.TauExactMS = decayTau(a, b, c, 0.1)
		if kind == "step" && steady > 0 {
			st.PeakToSteady = st.Peak / steady
		}
		for i := range tr.t {
			res.Jump = append(res.Jump, JumpRow{Model: m.Name, Kind: kind, Signal: signal, TMS: tr.t[i], Mean: tr.mean[i], SE: tr.se[i], Exact: tr.exact[i]})
			if tr.se[i] > 0 {
				st.MaxAbsZ = math.Max(st.MaxAbsZ, math.Abs(tr.mean[i]-tr.exact[i])/tr.se[i])
			}
		}
		res.JumpStats = append(res.JumpStats, st)
	}
	return nil
}

// pairIntervals are the paired-pulse intervals (start to start, ms), up to
// about four relaxation times of the model.
func pairIntervals(relax float64, quick bool) []float64 {
	all := []float64{2, 5, 10, 20, 50, 100, 200, 500, 1000}
	var out []float64
	for _, x := range all {
		if x <= math.Max(4*relax, 20) {
			out = append(out, x)
		}
	}
	if quick && len(out) > 4 {
		q := []float64{out[0], out[len(out)/3], out[2*len(out)/3], out[len(out)-1]}
		out = q
	}
	return out
}

func (res *Result) pairs(cfg Config, m transporters.Model, d transporters.Derived) error {
	ch, err := transporters.NewChain(m.Scheme, m.Substrate, nil)
	if err != nil {
		return err
	}
	S := transporters.Conc(JumpConc(m))
	var ivs, ratios, exacts []float64
	for _, iv := range pairIntervals(d.RelaxMs, cfg.Quick) {
		sched := []montecarlo.BathStep{{T: pulseLen, Conc: 0}, {T: iv, Conc: S}, {T: iv + pulseLen, Conc: 0}}
		tr, _, err := runJump(cfg, m, ch, S, sched, iv+pulseLen, countBinding)
		if err != nil {
			return err
		}
		// Substrate bound during each pulse: the transporters available to
		// the second pulse over those available to the first.
		p1, p2 := window(tr.t, tr.mean, 0, pulseLen), window(tr.t, tr.mean, iv, iv+pulseLen)
		e1, e2 := window(tr.t, tr.exact, 0, pulseLen), window(tr.t, tr.exact, iv, iv+pulseLen)
		r := PairRow{Model: m.Name, IntervalMS: iv, Ratio: p2 / p1, Exact: e2 / e1}
		res.Pairs = append(res.Pairs, r)
		ivs, ratios, exacts = append(ivs, iv), append(ratios, r.Ratio), append(exacts, r.Exact)
	}
	res.Recovery = append(res.Recovery, RecoveryRow{Model: m.Name, TauMS: fitRecovery(ivs, ratios), TauExactMS: fitRecovery(ivs, exacts), RelaxMS: d.RelaxMs})
	return nil
}

// Agreement is the mean jump record of a model in bins, with its SE over
// replicates and the exact expectation from the master equation.
type Agreement struct {
	Signal             string
	T, Mean, SE, Exact []float64
	// Transporters, Replicates and BinMS turn a mean uptake flux back into
	// event counts: count = Mean·Transporters·Replicates·BinMS/1000.
	Transporters, Replicates int
	BinMS                    float64
	// Unit is the charge (or count) of one event when every event of the
	// signal moves the same amount (then the signal is a count of events
	// times Unit), else 0.
	Unit float64
}

// PulseAgreement runs the pulse protocol (1 ms of the jump concentration on
// 10,000 transporters at rest, 20 ms recorded) with reps replicates and
// returns the signal per transporter averaged in bins of 0.25 ms, for
// comparison with the exact solution at every bin.
func PulseAgreement(m transporters.Model, reps int, seed uint64, workers int) (Agreement, error) {
	ch, err := transporters.NewChain(m.Scheme, m.Substrate, nil)
	if err != nil {
		return Agreement{}, err
	}
	mode := countCharge
	if !electrogenic(m) {
		mode = countTransport
	}
	cfg := Config{Replicates: reps, Seed: seed, Workers: workers, Ctx: context.Background()}
	S := transporters.Conc(JumpConc(m))
	tr, sig, err := runJumpBinned(cfg, m, ch, S, []montecarlo.BathStep{{T: pulseLen, Conc: 0}}, jumpRun, mode, 5)
	unit := 1.0
	if mode == countCharge {
		unit = 0
		for _, t := range m.Scheme.Transitions {
			switch {
			case t.Charge == 0:
			case unit == 0:
				unit = t.Charge
			case unit != t.Charge:
				unit = math.NaN()
			}
		}
		if math.IsNaN(unit) {
			unit = 0
		}
	}
	return Agreement{Signal: sig, T: tr.t, Mean: tr.mean, SE: tr.se, Exact: tr.exact, Transporters: jumpN, Replicates: reps, BinMS: 5 * jumpDt, Unit: unit}, err
}
