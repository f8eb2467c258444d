package validate

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/stat/distuv"

	"github.com/reuptake/reuptake/agents/transporters"
	"github.com/reuptake/reuptake/montecarlo/protocols"
)

// Checks of the transporter library against the exact quantities of its
// schemes (agents/transporters): protocol (a) of mc transporters bench
// recovers each model's exact Km and Vmax on a well-mixed patch; protocol
// (b)'s mean current (or uptake flux) follows the exact solution of the
// scheme's master equation in every bin; protocol (d) recovers the exact
// apparent Km with cocaine, which is Km(1 + I/Ki) when the blocked state
// holds all the substrate-free weight of the cycle.

// checkLibraryUptake runs protocols (a) and (d) on every library model with
// 16 replicates of 1000 transporters: SE of Km 0.3–3% of Km.
func checkLibraryUptake(seed uint64) []Result {
	res, err := protocols.Run(protocols.Config{Models: transporters.All(), Protocols: []string{protocols.Uptake, protocols.Inhibitor},
		Replicates: 16, Seed: seed})
	if err != nil {
		return []Result{failed("library uptake", err)}
	}
	var out []Result
	for _, f := range res.Fits {
		what := "steady-state uptake"
		if f.Protocol == protocols.Inhibitor {
			what = fmt.Sprintf("uptake with %s %.3g µM", f.Drug, f.DrugUM)
		}
		detail := "exact: stationary distribution of the clamped-substrate chain (transporters.Derive); per-replicate Michaelis–Menten fits, mean ± SE over 16 replicates"
		out = append(out,
			compare(fmt.Sprintf("%s: Km (µM), %s", f.Model, what), f.KmExact, f.KmUM, f.KmSE, detail),
			compare(fmt.Sprintf("%s: Vmax (/s per transporter), %s", f.Model, what), f.VmaxExact, f.VmaxPerS, f.VmaxSE, detail))
		if f.Protocol == protocols.Inhibitor && math.Abs(f.KmExact/f.KmTextbook-1) < 1e-6 {
			out = append(out, compare(fmt.Sprintf("%s: Km_app = Km(1 + I/Ki) (µM)", f.Model), f.KmTextbook, f.KmUM, f.KmSE,
				"competitive dead-end blocker of the only substrate-free outward state (parameters.md §A7 T8)"))
		}
	}
	return out
}

// checkLibraryPulse compares the mean pulse response of every library
// model (24 replicates of 10,000 transporters, 0.25 ms bins) with the
// exact master-equation solution, and reports the worst bin. When every
// event of the signal moves the same charge (or is one transport), the
// signal is a count of events by many independent carriers, each at most
// one per bin (the carrier must reorient, tens of ms, before the next):
// it is compared as a Poisson count, whose two-sided tail probability is
// reported as the equivalent normal deviate (valid down to a few events
// per bin, where the replicates' SE is not); otherwise with the
// replicates' SE.
func checkLibraryPulse(seed uint64) []Result {
	const detail = "exact: matrix exponential of the scheme's generator (transporters.Chain.Expect) from the same start"
	var out []Result
	for _, m := range transporters.All() {
		a, err := protocols.PulseAgreement(m, 24, seed, 0)
		if err != nil {
			out = append(out, failed(m.Name+" pulse", err))
			continue
		}
		var rows []Result
		for i := range a.T {
			q := fmt.Sprintf("%s: pulse %s per transporter (/s), worst of %d bins (t = %.2f ms)", m.Name, a.Signal, len(a.T), a.T[i])
			if a.Unit == 0 {
				rows = append(rows, compare(q, a.Exact[i], a.Mean[i], a.SE[i], detail))
				continue
			}
			scale := float64(a.Transporters*a.Replicates) * a.BinMS / 1e3 / a.Unit
			rows = append(rows, poissonRow(q, a.Exact[i], a.Mean[i], scale, detail))
		}
		worst := 0
		for i, r := range rows {
			if math.Abs(r.Z) > math.Abs(rows[worst].Z) || math.IsNaN(rows[worst].Z) {
				worst = i
			}
		}
		out = append(out, rows[worst])
	}
	return out
}

// poissonRow compares a mean rate with its expectation when the total
// count behind it, rate·scale, is Poisson with mean expected·scale.
func poissonRow(quantity string, expected, rate, scale float64, detail string) Result {
	lam := expected * scale
	k := math.Round(rate * scale)
	se := math.Sqrt(lam) / scale
	r := Result{Quantity: quantity, Expected: expected, Simulated: rate, SE: se, Detail: detail + "; Poisson count, z from the two-sided tail probability"}
	if lam <= 0 {
		r.Pass = k == 0
		return r
	}
	pois := distuv.Poisson{Lambda: lam}
	lo := pois.CDF(k)
	hi := 1.0
	if k > 0 {
		hi = 1 - pois.CDF(k-1)
	}
	p := math.Min(1, 2*math.Min(lo, hi))
	r.Z = normUpperQuantile(p / 2)
	if p >= 1 {
		r.Z = 0
	}
	if k < lam {
		r.Z = -r.Z
	}
	r.Pass = math.Abs(r.Z) < ZLimit
	return r
}

// failed is a Result for a check that could not run.
func failed(what string, err error) Result {
	return Result{Quantity: what, Expected: math.NaN(), Simulated: math.NaN(), Z: math.NaN(), Detail: "error: " + err.Error()}
}
