package validate

import (
	"fmt"
	"math"

	"github.com/reuptake/reuptake/agents"
	"github.com/reuptake/reuptake/montecarlo"
	"github.com/reuptake/reuptake/montecarlo/modelfile"
	"github.com/reuptake/reuptake/space"
)

// Reuptake pharmacology checks: Michaelis–Menten uptake by volume sites
// with and without a competitive blocker (docs/parameters.md §A7 T8), blocker
// occupancy, selectivity of an SSRI between the serotonin and dopamine
// presets, amphetamine-driven efflux, and AChE at the neuromuscular
// junction.

// µM in molecules/µm³.
var uM = montecarlo.ConcFromMolar(1e-6)

// atLeast makes a Result for a one-sided claim "simulated exceeds bound":
// z = (simulated − bound)/SE must be at least ZLimit, i.e. the effect is
// established at 4 standard errors.
func atLeast(quantity string, bound, simulated, se float64, detail string) Result {
	r := Result{Quantity: quantity, Expected: bound, Simulated: simulated, SE: se, Detail: detail + "; one-sided: passes when z ≥ 4"}
	if se > 0 && !math.IsInf(se, 0) {
		r.Z = (simulated - bound) / se
		r.Pass = r.Z >= ZLimit
	} else {
		r.Z = math.NaN()
	}
	return r
}

// pairedDiff returns the mean and SE of b[i] − a[i].
func pairedDiff(a, b []float64) (mean, se float64) {
	d := make([]float64, len(a))
	for i := range a {
		d[i] = b[i] - a[i]
	}
	return meanSE(d)
}

// mmTime is the closed form of docs/parameters.md §A7 T8: the time for the
// substrate to fall from s0 to s under Michaelis–Menten uptake,
// [(s0 − s) + Km·ln(s0/s)]/Vmax.
func mmTime(s0, s, km, vmax float64) float64 {
	return ((s0 - s) + km*math.Log(s0/s)) / vmax
}

// Michaelis–Menten check parameters (µM, ms): E + S ⇌ ES → E + P with
// k1 = 1e8 /M/s, k−1 = 100 /s, kcat = 400 /s, so Km = (k−1 + kcat)/k1 =
// 5 µM; E_T = 0.2 µM ≪ S0 + Km = 15 µM, Vmax = kcat·E_T = 80 µM/s. The
// blocker is clamped at I = 2 µM with Ki = 1 µM: Km_app = 15 µM.
const (
	mmS0, mmS1, mmS2 = 10.0, 8.0, 4.0 // start, and the two levels timed, µM
	mmKm, mmET       = 5.0, 0.2       // µM
	mmKcat           = 0.4            // /ms
	mmKoff           = 0.1            // /ms
	mmI, mmKi        = 2.0, 1.0       // µM
)

// mmSpec is the well-mixed box of the T8 check: a 1 µm reflecting cube of
// 0.25 µm voxels with the enzyme as volume sites; the substrate diffuses
// (D = 0.1 µm²/ms mixes the box in ~1 ms, against ~50 ms for a substrate
// molecule to be bound) and is added uniformly by the check.
func mmSpec(dt float64, blocker bool) montecarlo.Spec {
	scheme := agents.Scheme{
		States: []string{"E", "ES"},
		Transitions: []agents.Transition{
			{From: "E", To: "ES", Kind: agents.Bind, Species: "S", Rate: montecarlo.KOnFromMolar(1e8)},
			{From: "ES", To: "E", Kind: agents.Unbind, Species: "S", Rate: mmKoff},
			{From: "ES", To: "E", Kind: agents.Transport, Species: "S", Rate: mmKcat},
		},
	}
	spec := boxSpec([3]float64{1, 1, 1}, 0.25, dt, 1000, montecarlo.SpeciesSpec{Name: "S", D: 0.1})
	spec.SiteTypes = []montecarlo.SiteTypeSpec{{Name: "enz", Scheme: scheme}}
	spec.Placements = []montecarlo.PlacementSpec{{Site: "enz", Region: "box", Count: int(math.Round(mmET * uM))}}
	if blocker {
		spec.Drugs = []montecarlo.DrugSpec{{Name: "inhibitor", Conc: mmI * uM, Ki: mmKi * uM, Targets: []string{"enz"},
			KOn: montecarlo.KOnFromMolar(1e8)}}
	}
	return spec
}

// checkMichaelisMenten is docs/parameters.md §A7 T8 with the enzyme as volume
// sites in a well-mixed box: the time for free substrate to fall from S1 =
// 8 µM to S2 = 4 µM (after the pre-steady-state burst) is compared with
// the closed form [(S1 − S2) + Km·ln(S1/S2)]/Vmax, with Km replaced by
// Km(1 + I/Ki) under a clamped competitive blocker (whose sites start at
// the equilibrium occupancy). div divides the base step of 0.1 ms.
func checkMichaelisMenten(seed uint64, blocker bool, div, reps int) []Result {
	dt := 0.1 / float64(div)
	m, err := montecarlo.NewModel(mmSpec(dt, blocker))
	if err != nil {
		return modelError("Michaelis–Menten", err)
	}
	vol := 1.0
	n0 := int(math.Round(mmS0 * uM * vol))
	n1, n2 := mmS1*uM*vol, mmS2*uM*vol
	km := mmKm
	if blocker {
		km = mmKm * (1 + mmI/mmKi)
	}
	vmax := mmKcat * float64(int(math.Round(mmET*uM))) / uM / vol // µM/ms, from the whole number of sites
	want := mmTime(mmS1, mmS2, km, vmax)
	e := montecarlo.NewEngine(m)
	var ts []float64
	for rep := 0; rep < reps; rep++ {
		e.Reset(seed, rep)
		pos := montecarlo.NewStream(montecarlo.StreamKey(seed, uint64(rep), 0x7e8))
		for i := 0; i < n0; i++ {
			e.AddMolecule([3]float64{pos.Float64(), pos.Float64(), pos.Float64()}, 0)
		}
		t1 := math.NaN()
		for steps := 0; steps < m.Steps(); steps++ {
			e.Step()
			free := float64(e.Molecules().Len())
			if math.IsNaN(t1) && free <= n1 {
				t1 = e.Time()
			}
			if free <= n2 {
				ts = append(ts, e.Time()-t1)
				break
			}
		}
	}
	mean, se := meanSE(ts)
	what := "no blocker"
	if blocker {
		what = fmt.Sprintf("blocker %g µM, Ki %g µM: Km_app = Km(1 + I/Ki) = %g µM", mmI, mmKi, km)
	}
	return []Result{compare(fmt.Sprintf("time from S = 8 to 4 µM, ms (%s; dt = %g ms)", what, dt), want, mean, se,
		fmt.Sprintf("§A7 T8 closed form [(S1−S2) + Km_app·ln(S1/S2)]/Vmax, Km = %g µM, Vmax = %.4g µM/s, E_T/(S0+Km) = %.3f; volume sites; SE over %d replicates",
			mmKm, vmax*1e3, mmET/(mmS0+mmKm), len(ts)))}
}

// checkBlockerOccupancy checks that the sites of a transporter targeted by
// clamped blockers sit at the equilibrium occupancy x_i/(1 + Σx),
// x = [I]/Ki, both as drawn at Reset and after ten relaxation times of
// the binding kinetics: cocaine (Ki 300 nM at DAT) at 600 nM alone, and
// with bupropion (Ki 520 nM) at 520 nM. Table Ki values (agents.Drugs),
// default k_on 1e7 /M/s.
func checkBlockerOccupancy(seed uint64) []Result {
	const nSites, reps = 1000, 20
	dat := agents.Scheme{States: []string{"To", "ToS"}, Transitions: []agents.Transition{
		{From: "To", To: "ToS", Kind: agents.Bind, Species: "da", Rate: montecarlo.KOnFromMolar(1e7)},
		{From: "ToS", To: "To", Kind: agents.Unbind, Species: "da", Rate: 0.1},
	}}
	var out []Result
	for _, c := range []struct {
		name  string
		drugs []montecarlo.DrugSpec
	}{
		{"cocaine 600 nM", []montecarlo.DrugSpec{{Name: "cocaine", Conc: 0.6 * uM}}},
		{"cocaine 600 nM + bupropion 520 nM", []montecarlo.DrugSpec{{Name: "cocaine", Conc: 0.6 * uM}, {Name: "bupropion", Conc: 0.52 * uM}}},
	} {
		x := map[string]float64{}
		sum := 1.0
		relax := 0.0
		for _, d := range c.drugs {
			entry, _ := agents.LookupDrug(d.Name)
			ki := entry.Ki[agents.DAT].KiNM * 1e-3 // µM
			x[d.Name] = d.Conc / uM / ki
			sum += x[d.Name]
			relax = math.Max(relax, 1/(montecarlo.KOnFromMolar(agents.DefaultDrugKOn)*(d.Conc+ki*uM)))
		}
		tEnd := math.Ceil(10*relax/10) * 10 // ms, ≥ 10 relaxation times of the slowest drug
		spec := boxSpec([3]float64{1, 1, 0.1}, 0.1, 1, tEnd, montecarlo.SpeciesSpec{Name: "da", D: 1e-3})
		spec.SiteTypes = []montecarlo.SiteTypeSpec{{Name: "dat", Transporter: agents.DAT, Scheme: dat}}
		spec.Placements = []montecarlo.PlacementSpec{{Site: "dat", Region: "box", Count: nSites}}
		spec.Drugs = c.drugs
		m, err := montecarlo.NewModel(spec)
		if err != nil {
			return modelError("blocker occupancy", err)
		}
		e := montecarlo.NewEngine(m)
		states := m.Spec.SiteTypes[0].Scheme.States
		_ = states
		at0 := map[string]int64{}
		atEnd := map[string]int64{}
		cols := map[string]int{}
		for _, d := range c.drugs {
			cols[d.Name] = -1
		}
		for rep := 0; rep < reps; rep++ {
			e.Reset(seed, rep)
			counts := e.StateCounts(0)
			for _, d := range c.drugs {
				at0[d.Name] += counts[blockedState(m, d.Name)]
			}
			runTo(e, m, tEnd)
			counts = e.StateCounts(0)
			for _, d := range c.drugs {
				atEnd[d.Name] += counts[blockedState(m, d.Name)]
			}
		}
		for _, d := range c.drugs {
			p := x[d.Name] / sum
			out = append(out,
				binomial(fmt.Sprintf("%s: sites blocked by %s at t = 0", c.name, d.Name), p, at0[d.Name], nSites*reps,
					"equilibrium [I]/Ki/(1 + Σ[I]/Ki) (= [I]/([I]+Ki) for one drug), drawn at Reset; binomial SE"),
				binomial(fmt.Sprintf("%s: sites blocked by %s at %g ms", c.name, d.Name, tEnd), p, atEnd[d.Name], nSites*reps,
					fmt.Sprintf("the same after ≥ 10 relaxation times 1/(k_on([I]+Ki)) = %.3g ms of the blocking kinetics; binomial SE", relax)))
		}
	}
	return out
}

// blockedState is the index of the state "blocked_<drug>" of site type 0.
func blockedState(m *montecarlo.Model, drug string) int {
	for i, s := range m.SiteStates(0) {
		if s == "blocked_"+drug {
			return i
		}
	}
	panic("validate: no blocked state for " + drug)
}

// presetSpec parses a built-in model with overrides.
func presetSpec(name string, overrides ...string) (montecarlo.Spec, error) {
	data, err := modelfile.Preset(name)
	if err != nil {
		return montecarlo.Spec{}, err
	}
	return modelfile.ParseWithOverrides(name+".yaml", data, overrides)
}

// runColumns runs replicates 0..reps-1 of m and returns, per replicate,
// f applied to its samples.
func runColumns(m *montecarlo.Model, seed uint64, reps int, f func(r montecarlo.Replicate) float64) []float64 {
	e := montecarlo.NewEngine(m)
	out := make([]float64, reps)
	for rep := range out {
		e.Reset(seed, rep)
		r := montecarlo.Replicate{Index: rep}
		e.Run(func(t float64, v []float64) {
			r.T = append(r.T, t)
			r.Rows = append(r.Rows, append([]float64(nil), v...))
		})
		out[rep] = f(r)
	}
	return out
}

// last returns the value of column c at the end of a replicate.
func last(m *montecarlo.Model, name string) func(montecarlo.Replicate) float64 {
	c := m.Column(name)
	return func(r montecarlo.Replicate) float64 { return r.Rows[len(r.Rows)-1][c] }
}

// Test sizes of the dopamine preset for the checks: a smaller block of
// neuropil (2 × 2 × 1.2 µm), fewer molecules and a shorter run than the
// preset's defaults, so that two conditions build and run in seconds.
var daTestSize = []string{"geometry.half_width=1 um", "geometry.half_height=0.6 um"}

// checkSelectivity: fluoxetine at 10× its SERT Ki (8 nM; Ki 0.8 nM SERT,
// 3600 nM DAT, docs/parameters.md §A6) slows serotonin clearance in the
// serotonin preset, and leaves the dopamine preset unchanged within error
// (DAT occupancy 0.2%). Both comparisons are paired: the same replicate
// seeds with and without the drug (common random numbers).
func checkSelectivity(seed uint64) []Result {
	const fluox = "drugs.fluoxetine.concentration=8 nM"
	var out []Result
	// Serotonin: 5-HT still free after 200 ms.
	{
		const reps = 6
		base := []string{"run.duration=200 ms"}
		var vals [2][]float64
		for k, ov := range [][]string{base, append(append([]string(nil), base...), fluox)} {
			spec, err := presetSpec("serotonin", ov...)
			if err != nil {
				return modelError("selectivity (serotonin)", err)
			}
			m, err := montecarlo.NewModel(spec)
			if err != nil {
				return modelError("selectivity (serotonin)", err)
			}
			vals[k] = runColumns(m, seed, reps, last(m, "free_total"))
		}
		d, se := pairedDiff(vals[0], vals[1])
		m0, _ := meanSE(vals[0])
		out = append(out, atLeast("serotonin preset: extra 5-HT still free at 200 ms with fluoxetine 8 nM (10× SERT Ki)", 0, d, se,
			fmt.Sprintf("paired difference over %d replicates (free without drug: %.0f molecules); SERT occupancy 91%%", reps, m0)))
	}
	// Dopamine: DA captured by DAT (bound + transported) and DA still free.
	{
		const reps = 8
		base := append([]string{"release[0].molecules=1000", "run.duration=0.5 ms"}, daTestSize...)
		var capt, free [2][]float64
		for k, ov := range [][]string{base, append(append([]string(nil), base...), fluox)} {
			spec, err := presetSpec("dopamine-striatum", ov...)
			if err != nil {
				return modelError("selectivity (dopamine)", err)
			}
			m, err := montecarlo.NewModel(spec)
			if err != nil {
				return modelError("selectivity (dopamine)", err)
			}
			cb, ct, cf := m.Column("bound_dat"), m.Column("transported"), m.Column("free_total")
			var fr []float64
			capt[k] = runColumns(m, seed, reps, func(r montecarlo.Replicate) float64 {
				row := r.Rows[len(r.Rows)-1]
				fr = append(fr, row[cf])
				return row[cb] + row[ct]
			})
			free[k] = fr
		}
		for _, q := range []struct {
			what string
			v    [2][]float64
		}{{"DA captured by DAT (bound + transported)", capt}, {"DA still free", free}} {
			d, se := pairedDiff(q.v[0], q.v[1])
			m0, _ := meanSE(q.v[0])
			out = append(out, compare("dopamine preset: change in "+q.what+" at 0.5 ms with fluoxetine 8 nM", 0, d, se,
				fmt.Sprintf("DAT Ki 3600 nM: 0.2%% occupancy, no effect expected; paired over %d replicates (%.1f molecules without drug); test size: 1000 DA, 2×2×1.2 µm block", reps, m0)))
		}
	}
	return out
}

// datChain is the dopamine preset's DAT scheme with amphetamine at conc
// amph (µM) and cytosolic dopamine at cyt (µM) and no extracellular
// dopamine, as a master equation written from the parameters (preset
// rates, the drug table's DAT Ki and rates, default k_on), independently
// of the engine's drug expansion. It returns the chain and the rate of the
// emit transition out of TiC.
func datChain(dat montecarlo.SiteTypeSpec, amph, cyt float64) (Kinetics, float64, error) {
	st := append(append([]string(nil), dat.Scheme.States...), "amph_out", "amph_in")
	k := Kinetics{States: st}
	idx := func(s string) int { return k.Index(s) }
	emit := 0.0
	for _, t := range dat.Scheme.Transitions {
		r := t.Rate
		switch t.Kind {
		case agents.Bind:
			continue // no extracellular dopamine
		case agents.Bath:
			if t.Species != "da_cyt" {
				return k, 0, fmt.Errorf("unexpected bath %s", t.Species)
			}
			r *= cyt * uM
		case agents.Emit:
			emit += r
		}
		k.Edges = append(k.Edges, Edge{From: idx(t.From), To: idx(t.To), K: r})
	}
	d, _ := agents.LookupDrug("amphetamine")
	kon := montecarlo.KOnFromMolar(agents.DefaultDrugKOn)
	ki := d.Ki[agents.DAT].KiNM * 1e-3 * uM
	k.Edges = append(k.Edges,
		Edge{From: idx("To"), To: idx("amph_out"), K: kon * amph * uM},
		Edge{From: idx("amph_out"), To: idx("To"), K: kon * ki},
		Edge{From: idx("amph_out"), To: idx("amph_in"), K: d.Translocation},
		Edge{From: idx("amph_in"), To: idx("Ti"), K: d.ReleaseInside})
	return k, emit, nil
}

// checkAmphetamine: amphetamine, a transported DAT substrate, drives the
// carrier inward, where it binds cytosolic dopamine and carries it out
// (efflux, docs/parameters.md §A6). A 1 µm box with absorbing faces holds 1000
// DAT (the dopamine preset's scheme) as volume sites, amphetamine 10 µM and
// cytosolic dopamine 1 µM, no release. Sites start at the stationary
// distribution of the clamped scheme, so the expected number of dopamine
// molecules emitted in T is N·T·π(TiC)·k_emit (emitted dopamine escapes
// in ~0.05 ms; rebinding, which the chain leaves out, is < 0.5%). Without
// amphetamine, without cytosolic dopamine, or without transporters nothing
// is emitted at all.
func checkAmphetamine(seed uint64) []Result {
	const (
		nSites = 1000
		tEnd   = 200.0 // ms
		reps   = 8
		amph   = 10.0 // µM
		cyt    = 1.0  // µM
	)
	pre, err := presetSpec("dopamine-striatum")
	if err != nil {
		return modelError("amphetamine", err)
	}
	var dat montecarlo.SiteTypeSpec
	for _, st := range pre.SiteTypes {
		if st.Name == "dat" {
			dat = st
		}
	}
	build := func(amphConc, cytConc float64, sites bool) (*montecarlo.Model, error) {
		spec := boxSpec([3]float64{1, 1, 1}, 0.25, 0.02, tEnd, montecarlo.SpeciesSpec{Name: "da", D: 0.763})
		spec.Geometry.Box.Absorbing = []string{"xmin", "xmax", "ymin", "ymax", "zmin", "zmax"}
		spec.Run.SampleInterval = 1
		spec.Baths = []montecarlo.BathSpec{{Name: "da_cyt", Conc: cytConc * uM}}
		spec.SiteTypes = []montecarlo.SiteTypeSpec{dat}
		if sites {
			spec.Placements = []montecarlo.PlacementSpec{{Site: "dat", Region: "box", Count: nSites}}
		}
		spec.Drugs = []montecarlo.DrugSpec{{Name: "amphetamine", Conc: amphConc * uM}}
		return montecarlo.NewModel(spec)
	}
	chain, kEmit, err := datChain(dat, amph, cyt)
	if err != nil {
		return modelError("amphetamine", err)
	}
	pi := chain.Steady(0)
	want := nSites * tEnd * pi[chain.Index("TiC")] * kEmit
	m, err := build(amph, cyt, true)
	if err != nil {
		return modelError("amphetamine", err)
	}
	cf := m.Column("free_total")
	var meanFree []float64
	emitted := runColumns(m, seed, reps, func(r montecarlo.Replicate) float64 {
		s := 0.0
		for _, row := range r.Rows[1:] {
			s += row[cf]
		}
		meanFree = append(meanFree, s/float64(len(r.Rows)-1))
		return last(m, "emitted")(r)
	})
	mean, se := meanSE(emitted)
	mf, sef := meanSE(meanFree)
	out := []Result{
		compare(fmt.Sprintf("dopamine emitted in %g ms, amphetamine %g µM, cytosolic DA %g µM, %d DAT", tEnd, amph, cyt, nSites), want, mean, se,
			fmt.Sprintf("N·T·π(TiC)·k_emit from the stationary distribution of the clamped DAT scheme (π(TiC) = %.4f, π(Ti) = %.4f); SE over %d replicates",
				pi[chain.Index("TiC")], pi[chain.Index("Ti")], reps)),
		atLeast("mean free extracellular dopamine with amphetamine and no release, molecules", 0, mf, sef,
			fmt.Sprintf("time average over %g ms; SE over %d replicates", tEnd, reps)),
	}
	for _, c := range []struct {
		what      string
		amph, cyt float64
		sites     bool
	}{
		{"without amphetamine (cytosolic DA 1 µM)", 0, cyt, true},
		{"with amphetamine but no cytosolic DA", amph, 0, true},
		{"with amphetamine, cytosolic DA 1 µM, no transporter sites", amph, cyt, false},
	} {
		m, err := build(c.amph, c.cyt, c.sites)
		if err != nil {
			return modelError("amphetamine", err)
		}
		tot := 0.0
		for _, v := range runColumns(m, seed, 2, func(r montecarlo.Replicate) float64 {
			row := r.Rows[len(r.Rows)-1]
			return row[m.Column("emitted")] + row[m.Column("released")]
		}) {
			tot += v
		}
		out = append(out, exact("dopamine emitted "+c.what, 0, tot, "2 replicates; no release"))
	}
	// The dopamine preset itself: efflux with no vesicular release.
	spec, err := presetSpec("dopamine-striatum", append([]string{"release[0].molecules=0", "run.duration=2 ms",
		"drugs.amphetamine.concentration=10 uM", "baths.da_cyt.concentration=1 uM"}, daTestSize...)...)
	if err != nil {
		return modelError("amphetamine (preset)", err)
	}
	mp, err := montecarlo.NewModel(spec)
	if err != nil {
		return modelError("amphetamine (preset)", err)
	}
	pe := runColumns(mp, seed, 4, last(mp, "emitted"))
	me, see := meanSE(pe)
	out = append(out, atLeast("dopamine-striatum preset, no release, amphetamine 10 µM, cytosolic DA 1 µM: dopamine emitted in 2 ms", 0, me, see,
		"DAT efflux into the cleft and neuropil; test size 2×2×1.2 µm; SE over 4 replicates"))
	return out
}

// checkNMJ: in the nmj-ach preset, AChE hydrolyses most of the released
// acetylcholine within a millisecond, and without AChE the open-receptor
// count decays more slowly: the fraction of the peak still open at 2 ms
// is compared between the two (paired replicates).
func checkNMJ(seed uint64) []Result {
	const reps = 4
	var late [2][]float64
	var degraded []float64
	for k := 0; k < 2; k++ {
		spec, err := presetSpec("nmj-ach", "run.duration=2 ms")
		if err != nil {
			return modelError("NMJ", err)
		}
		if k == 1 {
			var pl []montecarlo.PlacementSpec
			for _, p := range spec.Placements {
				if p.Site != "ache" {
					pl = append(pl, p)
				}
			}
			spec.Placements = pl
		}
		m, err := montecarlo.NewModel(spec)
		if err != nil {
			return modelError("NMJ", err)
		}
		co, cd, cr := m.Column("open_achr"), m.Column("degraded"), m.Column("released")
		late[k] = runColumns(m, seed, reps, func(r montecarlo.Replicate) float64 {
			pk := 0.0
			for i, row := range r.Rows {
				pk = math.Max(pk, row[co])
				if k == 0 && math.Abs(r.T[i]-1) < 1e-9 {
					degraded = append(degraded, row[cd]/row[cr])
				}
			}
			return r.Rows[len(r.Rows)-1][co] / pk
		})
	}
	fd, sed := meanSE(degraded)
	d, se := pairedDiff(late[0], late[1])
	l0, _ := meanSE(late[0])
	l1, _ := meanSE(late[1])
	return []Result{
		atLeast("nmj-ach: fraction of released ACh hydrolysed by 1 ms, above one half", 0.5, fd, sed,
			fmt.Sprintf("AChE (MCell rat-NMJ kinetics, §A5) as volume sites in the cleft; SE over %d replicates", reps)),
		atLeast("nmj-ach: open AChR at 2 ms / peak, increase without AChE", 0, d, se,
			fmt.Sprintf("%.3f of the peak still open at 2 ms with AChE, %.3f without: slower decay; paired over %d replicates", l0, l1, reps)),
	}
}

var _ = space.Free
