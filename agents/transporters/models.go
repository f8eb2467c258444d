package transporters

import (
	"fmt"
	"math"

	"github.com/reuptake/reuptake/agents"
)

// This file is data: the models of the library. Every number is a Param
// with its provenance; schemes are built from the Params so that the two
// cannot disagree. Sources are cited by paper; "parameters.md" is the
// project's parameter table (reference tables of the founding design).

// Frequently cited sources.
const (
	srcWadiche95 = "Wadiche et al. 1995, Neuron 14:1019 (abstract): cycle ≈70 ms at −80 mV, turnover ≈14 /s, 2 charges per glutamate"
	srcBergles02 = "Bergles, Tzingounis & Jahr 2002, J Neurosci 22:10153 (abstract): K+ counter-transport rate-limiting; ≈35% of GLT-1 act as buffers (bound glutamate released back)"
	srcArriza94  = "EAAT2 Km ≈ 18 µM (Arriza et al. 1994) as quoted in parameters.md §A2 — not verified against the paper"
	srcKon       = "k_on not found in the literature; 10^7 /M/s is a common choice (parameters.md §A2)"
	srcDreyer    = "dorsal striatum Vmax 4.1 µM/s, Km 0.21 µM (Dreyer 2010) and Wu et al. 2001 3.8 µM/s, 0.22 µM, via wiencke/DAcomp parameters.py (parameters.md §A3)"
	srcErreger08 = "Erreger, Grewer, Javitch & Galli 2008, J Neurosci 28:976 (abstract): alternating-access hDAT model; translocation within milliseconds of substrate binding, slow reorientation of the empty transporter rate-limiting"
	srcBunin     = "5-HT uptake Km 0.17 µM ('Km Wightman-Bunin', Bunin 1998) and Vmax 0.39 µM/s, cparker-uc/VeVaPy VUP2.m (parameters.md §A4)"
	srcGrewer00  = "Grewer, Watzke, Wiessner & Rauen 2000, PNAS 97:9706 (title and abstract): glutamate translocation by EAAC1 occurs within milliseconds"
)

type build struct {
	m Model
}

// p records a parameter and returns it converted to engine units.
func (b *build) p(name string, v float64, unit, tag, src string) float64 {
	b.m.Params = append(b.m.Params, Param{Name: name, Value: v, Unit: unit, Tag: tag, Source: src})
	switch unit {
	case "/M/s":
		return KOn(v)
	case "/s":
		return v / 1e3
	}
	return v
}

// t adds a transition whose rate is the parameter named label.
func (b *build) t(from, to string, kind agents.Kind, sp string, rate, charge float64, label string) {
	b.m.Scheme.Transitions = append(b.m.Scheme.Transitions, agents.Transition{From: from, To: to, Kind: kind, Species: sp, Rate: rate, Charge: charge})
	b.m.RateNames = append(b.m.RateNames, label)
}

func library() []Model {
	return []Model{glt1Preset(), glt1Bergles(), glt1MM(), eaac1Grewer(), datPreset(), datErreger(), datMM(), sertPreset(), netCycle()}
}

// cycle4 builds the four-state alternating-access cycle used by the
// presets: To + S ⇌ ToS (k1, k-1); ToS → TiS (k2, translocation);
// TiS → Ti (k3, substrate released inside: transport); Ti → To (k4,
// reorientation of the empty carrier).
func (b *build) cycle4(sp string, k1, km1, k2, k3, k4, charge float64) {
	b.m.Scheme.States = []string{"To", "ToS", "TiS", "Ti"}
	b.m.Scheme.Initial = "To"
	b.m.Outward, b.m.Inward = "To", "Ti"
	b.t("To", "ToS", agents.Bind, sp, k1, 0, "k1")
	b.t("ToS", "To", agents.Unbind, sp, km1, 0, "k-1")
	b.t("ToS", "TiS", agents.FirstOrder, "", k2, 0, "k2")
	b.t("TiS", "Ti", agents.Transport, sp, k3, charge, "k3")
	b.t("Ti", "To", agents.FirstOrder, "", k4, 0, "k4")
}

// mm builds the one-step Michaelis–Menten carrier T + S ⇌ TS → T.
func (b *build) mm(sp string, k1, km1, kcat, charge float64) {
	b.m.Scheme.States = []string{"T", "TS"}
	b.m.Scheme.Initial = "T"
	b.m.Outward, b.m.Inward = "T", "T"
	b.t("T", "TS", agents.Bind, sp, k1, 0, "k1")
	b.t("TS", "T", agents.Unbind, sp, km1, 0, "k-1")
	b.t("TS", "T", agents.Transport, sp, kcat, charge, "kcat")
}

func glt1Preset() Model {
	b := build{m: Model{Name: "glt1-preset", Family: GLT1, Substrate: "glu",
		Summary: "GLT-1 4-state cycle of the glutamate-ca1 preset (Km 18 µM, kcat 14 /s, k_on 10^7 /M/s)",
		Notes: "The cycle the glutamate-ca1 preset uses. With k_on = 10^7 /M/s and Km = 18 µM, k-1 (5.93 /ms) is " +
			"much faster than translocation (0.5 /ms): 92% of the glutamate it binds is released again, far above the " +
			"≈35% Bergles et al. 2002 report. Anion (uncoupled) current is not modelled."}}
	k1 := b.p("k1", 1e7, "/M/s", "[U]", srcKon)
	km1 := b.p("k-1", 5.93, "/ms", "[D]", "Km = (k-1 + k2)/k1 · kcat/k2 = 18 µM with the other rates (glutamate-ca1 preset)")
	k2 := b.p("k2", 0.5, "/ms", "[U]", "translocation: modelling choice of the glutamate-ca1 preset")
	k3 := b.p("k3", 1, "/ms", "[U]", "release inside: modelling choice of the glutamate-ca1 preset")
	k4 := b.p("k4", 0.0146, "/ms", "[D]", "kcat = 1/(1/k2 + 1/k3 + 1/k4) = 14 /s; K+ relocation made rate-limiting after "+srcBergles02)
	q := b.p("charge", 2, "e", "[A]", srcWadiche95)
	b.cycle4("glu", k1, km1, k2, k3, k4, q)
	b.m.Reported = []Reported{
		{"kcat_per_s", 14, "[A]", srcWadiche95},
		{"cycle_ms", 70, "[A]", srcWadiche95},
		{"charge_per_cycle", 2, "[A]", srcWadiche95},
		{"Km_uM", 18, "[U]", srcArriza94},
		{"buffering", 0.35, "[A]", srcBergles02},
	}
	return b.m
}

func glt1Bergles() Model {
	b := build{m: Model{Name: "glt1-bergles2002", Family: GLT1, Substrate: "glu",
		Summary: "GLT-1 4-state cycle constrained to Bergles et al. 2002: 35% of bound glutamate released, K+ step rate-limiting",
		Notes: "Same topology as glt1-preset, but the unbinding rate is set so that a bound glutamate is released again " +
			"with probability 0.35 (the buffering fraction Bergles et al. 2002 report for GLT-1) instead of 0.92. With " +
			"kcat 14 /s and Km 18 µM this fixes k_on: for this cycle Km = kcat/((1 − f)·k1) exactly, so k1 = 1.2×10^6 /M/s. " +
			"The published model's own rate table was not reached; its abstract-level constraints are what this model keeps."}}
	const f, kcat, km = 0.35, 14.0, 18.0
	b.p("f_buffer", f, "1", "[A]", srcBergles02)
	b.p("kcat", kcat, "/s", "[A]", srcWadiche95)
	b.p("Km", km, "uM", "[U]", srcArriza94)
	k2 := b.p("k2", 1, "/ms", "[U]", "translocation: chosen (the rate table of Bergles et al. 2002 was not reached); only f and kcat constrain the cycle")
	k3 := b.p("k3", 1, "/ms", "[U]", "release inside: chosen as in glt1-preset")
	k4 := b.p("k4", 1/(1/(kcat/1e3)-1/1.0-1/1.0), "/ms", "[D]", "kcat = 1/(1/k2 + 1/k3 + 1/k4) = 14 /s")
	km1 := b.p("k-1", f/(1-f)*1.0, "/ms", "[D]", "f = k-1/(k-1 + k2) = 0.35")
	k1 := b.p("k1", kcat/((1-f)*km*1e-6), "/M/s", "[D]", "Km = kcat/((1 − f)·k1) = 18 µM")
	q := b.p("charge", 2, "e", "[A]", srcWadiche95)
	b.cycle4("glu", k1, km1, k2, k3, k4, q)
	b.m.Reported = []Reported{
		{"buffering", 0.35, "[A]", srcBergles02},
		{"kcat_per_s", 14, "[A]", srcWadiche95},
		{"charge_per_cycle", 2, "[A]", srcWadiche95},
		{"Km_uM", 18, "[U]", srcArriza94},
	}
	return b.m
}

func glt1MM() Model {
	b := build{m: Model{Name: "glt1-mm", Family: GLT1, Substrate: "glu",
		Summary: "one-step Michaelis–Menten GLT-1 (baseline): Km 18 µM, kcat 14 /s, k_on 10^7 /M/s",
		Notes: "T + S ⇌ TS → T: the carrier is back outward-facing the moment it transports, so the steady state " +
			"matches glt1-preset while a bound glutamate stays bound for 1/(k-1 + kcat) ≈ 5.6 ms and 92% of it unbinds."}}
	k1 := b.p("k1", 1e7, "/M/s", "[U]", srcKon)
	kcat := b.p("kcat", 14, "/s", "[A]", srcWadiche95)
	km1 := b.p("k-1", 18e-6*1e7-14, "/s", "[D]", "Km = (k-1 + kcat)/k1 = 18 µM")
	q := b.p("charge", 2, "e", "[A]", srcWadiche95)
	b.mm("glu", k1, km1, kcat, q)
	b.m.Reported = []Reported{{"kcat_per_s", 14, "[A]", srcWadiche95}, {"Km_uM", 18, "[U]", srcArriza94}, {"charge_per_cycle", 2, "[A]", srcWadiche95}}
	return b.m
}

func eaac1Grewer() Model {
	b := build{m: Model{Name: "eaac1-grewer2000", Family: EAAC1, Substrate: "glu",
		Summary: "EAAC1/EAAT3 cycle with reversible translocation (ms) and slow K+-driven reorientation",
		Notes: "Topology after Grewer et al. 2000 (glutamate binds, the loaded carrier translocates reversibly within " +
			"milliseconds, glutamate is released inside, the empty carrier relocates slowly). Only the time scale of " +
			"translocation is from the paper's abstract; every rate is a modelling choice [U] because the paper's rate " +
			"table was not reached. Treat it as a topology, not as fitted numbers."}}
	k1 := b.p("k1", 1e7, "/M/s", "[U]", srcKon+" (EAAC1 value not found)")
	k2 := b.p("k2", 0.5, "/ms", "[U]", "translocation forward within ms: "+srcGrewer00)
	km2 := b.p("k-2", 0.2, "/ms", "[U]", "translocation backward: chosen")
	k3 := b.p("k3", 2, "/ms", "[U]", "release inside: chosen")
	k4 := b.p("k4", 0.03, "/ms", "[U]", "reorientation of the empty carrier (K+ relocation), slowest step: chosen for a turnover of a few tens per second")
	km1 := b.p("k-1", 1, "/ms", "[U]", "glutamate unbinding: chosen")
	q := b.p("charge", 2, "e", "[U]", "2 charges per glutamate as for EAAT2 ("+srcWadiche95+"); EAAC1 value not checked")
	b.m.Scheme.States = []string{"To", "ToS", "TiS", "Ti"}
	b.m.Scheme.Initial = "To"
	b.m.Outward, b.m.Inward = "To", "Ti"
	b.t("To", "ToS", agents.Bind, "glu", k1, 0, "k1")
	b.t("ToS", "To", agents.Unbind, "glu", km1, 0, "k-1")
	b.t("ToS", "TiS", agents.FirstOrder, "", k2, 0, "k2")
	b.t("TiS", "ToS", agents.FirstOrder, "", km2, 0, "k-2")
	b.t("TiS", "Ti", agents.Transport, "glu", k3, q, "k3")
	b.t("Ti", "To", agents.FirstOrder, "", k4, 0, "k4")
	return b.m
}

func datPreset() Model {
	b := build{m: Model{Name: "dat-preset", Family: DAT, Class: agents.DAT, Substrate: "da",
		Summary: "DAT 4-state cycle of the dopamine-striatum preset (Km 0.2 µM, kcat 4 /s)",
		Notes: "The forward cycle of the dopamine-striatum preset. The preset's reverse-transport branch (cytosolic " +
			"dopamine bath, emit) is left out: add it with --set on the scheme when studying amphetamine efflux. No charge " +
			"is assigned (DAT currents exceed the stoichiometric ones, Sonders et al. 1997)."}}
	k1 := b.p("k1", 5e7, "/M/s", "[U]", "chosen (dopamine-striatum preset)")
	km1 := b.p("k-1", 0.15, "/ms", "[D]", "Km = (k-1 + k2)/k1 · kcat/k2 = 0.2 µM ("+srcDreyer+")")
	k2 := b.p("k2", 0.1, "/ms", "[U]", "chosen (dopamine-striatum preset)")
	k3 := b.p("k3", 1, "/ms", "[U]", "chosen (dopamine-striatum preset)")
	k4 := b.p("k4", 0.004184, "/ms", "[D]", "kcat = 4 /s, within 1–10 /s (parameters.md §A3 [U])")
	b.cycle4("da", k1, km1, k2, k3, k4, 0)
	b.m.Reported = []Reported{{"Km_uM", 0.21, "[C]", srcDreyer}}
	return b.m
}

func datErreger() Model {
	b := build{m: Model{Name: "dat-erreger2008", Family: DAT, Class: agents.DAT, Substrate: "da",
		Summary: "DAT alternating access with a Na+/Cl− binding step: fast translocation, slow empty reorientation",
		Notes: "To ⇌ ToN (Na+ and Cl− bind outside, pseudo-first-order at fixed extracellular ions) ⇌ ToNS (dopamine) → " +
			"TiNS (translocation, ms) → Ti (dopamine and ions released inside: transport) → To (empty reorientation, " +
			"rate-limiting). The shape follows Erreger et al. 2008; the numbers are chosen [U] to give the preset's Km " +
			"0.2 µM and kcat 4 /s, because the paper's rate table was not reached. Cocaine binds To only, so its apparent " +
			"Km shift differs from Km(1 + I/Ki) (mc transporters show prints the exact value)."}}
	kion := b.p("k_ion", 1, "/ms", "[U]", "Na+/Cl− binding at physiological [Na+]o, [Cl−]o, pseudo-first-order: chosen")
	kmion := b.p("k-ion", 0.5, "/ms", "[U]", "ion unbinding: chosen (2/3 of empty outward carriers ion-loaded at rest)")
	k1 := b.p("k1", 5e7, "/M/s", "[U]", "chosen (as dat-preset)")
	k2 := b.p("k2", 1, "/ms", "[U]", "1 /ms chosen for \"translocation within milliseconds of binding\" ("+srcErreger08+")")
	k3 := b.p("k3", 2, "/ms", "[U]", "release inside: chosen")
	kcat := 4.0
	k4 := b.p("k4", 1/(1e3/kcat-1/kion-1/k2-1/k3), "/ms", "[D]", "kcat = 1/(1/k_ion + 1/k2 + 1/k3 + 1/k4) = 4 /s; reorientation of the empty carrier rate-limiting ("+srcErreger08+")")
	q := b.p("charge", 2, "e", "[U]", "2 Na+ + DA+ − Cl− = +2 per cycle, put on translocation (stoichiometry 2 Na+/1 Cl−/DA+, Sonders et al. 1997 abstract; which step carries it is a choice)")
	mk := func(km1 float64) Model {
		var c build
		c.m.Scheme.States = []string{"To", "ToN", "ToNS", "TiNS", "Ti"}
		c.m.Scheme.Initial = "To"
		c.t("To", "ToN", agents.FirstOrder, "", kion, 0, "k_ion")
		c.t("ToN", "To", agents.FirstOrder, "", kmion, 0, "k-ion")
		c.t("ToN", "ToNS", agents.Bind, "da", k1, 0, "k1")
		c.t("ToNS", "ToN", agents.Unbind, "da", km1, 0, "k-1")
		c.t("ToNS", "TiNS", agents.FirstOrder, "", k2, q, "k2")
		c.t("TiNS", "Ti", agents.Transport, "da", k3, 0, "k3")
		c.t("Ti", "To", agents.FirstOrder, "", k4, 0, "k4")
		return c.m
	}
	km1v := solveRate(func(x float64) agents.Scheme { return mk(x).Scheme }, "da", 0.2)
	b.p("k-1", km1v, "/ms", "[D]", "solved so that the exact Km of the scheme is 0.2 µM ("+srcDreyer+")")
	full := mk(km1v)
	b.m.Scheme, b.m.RateNames = full.Scheme, full.RateNames
	b.m.Outward, b.m.Inward = "To", "Ti"
	b.m.Reported = []Reported{{"Km_uM", 0.21, "[C]", srcDreyer}}
	return b.m
}

func datMM() Model {
	b := build{m: Model{Name: "dat-mm", Family: DAT, Class: agents.DAT, Substrate: "da",
		Summary: "one-step Michaelis–Menten DAT (baseline): Km 0.2 µM, kcat 4 /s, k_on 5×10^7 /M/s",
		Notes:   "The carrier of docs/pharmacology.md: same steady state as dat-preset, but bound dopamine stays for 1/(k-1 + kcat) = 100 ms."}}
	k1 := b.p("k1", 5e7, "/M/s", "[U]", "chosen (as dat-preset)")
	kcat := b.p("kcat", 4, "/s", "[U]", "DAT turnover 1–10 /s (parameters.md §A3)")
	km1 := b.p("k-1", 0.2e-6*5e7-4, "/s", "[D]", "Km = (k-1 + kcat)/k1 = 0.2 µM")
	b.mm("da", k1, km1, kcat, 0)
	b.m.Reported = []Reported{{"Km_uM", 0.21, "[C]", srcDreyer}}
	return b.m
}

func sertPreset() Model {
	b := build{m: Model{Name: "sert-preset", Family: SERT, Class: agents.SERT, Substrate: "ser",
		Summary: "SERT 4-state cycle of the serotonin preset (Km 0.17 µM, kcat 2 /s)",
		Notes:   "The cycle the serotonin preset uses. SERT turnover and density were not found (parameters.md §A4)."}}
	k1 := b.p("k1", 2e7, "/M/s", "[U]", "chosen (serotonin preset)")
	km1 := b.p("k-1", 0.035, "/ms", "[D]", "Km = (k-1 + k2)/k1 · kcat/k2 = 0.17 µM ("+srcBunin+")")
	k2 := b.p("k2", 0.05, "/ms", "[U]", "chosen (serotonin preset)")
	k3 := b.p("k3", 1, "/ms", "[U]", "chosen (serotonin preset)")
	k4 := b.p("k4", 0.0020877, "/ms", "[D]", "kcat = 2 /s [U] (serotonin preset)")
	b.cycle4("ser", k1, km1, k2, k3, k4, 0)
	b.m.Reported = []Reported{{"Km_uM", 0.17, "[C/S]", srcBunin}}
	return b.m
}

func netCycle() Model {
	b := build{m: Model{Name: "net-cycle", Family: NET, Class: agents.NET, Substrate: "ne",
		Summary: "NET 4-state cycle (Km 0.4 µM, kcat 2 /s): placeholder numbers, no NET source reached",
		Notes: "Same topology as the DAT and SERT cycles. parameters.md has no NET uptake constants: Km and kcat are " +
			"conventional values [U] for noradrenaline uptake. Use it for the shape of NET pharmacology (drug-table Ki), " +
			"not for its time course."}}
	const km, kcat = 0.4, 2.0
	b.p("Km", km, "uM", "[U]", "conventional; not in parameters.md")
	b.p("kcat", kcat, "/s", "[U]", "conventional; not in parameters.md")
	k1 := b.p("k1", 2e7, "/M/s", "[U]", "chosen (as sert-preset)")
	k2 := b.p("k2", 0.05, "/ms", "[U]", "chosen (as sert-preset)")
	k3 := b.p("k3", 1, "/ms", "[U]", "chosen (as sert-preset)")
	k4 := b.p("k4", 1/(1e3/kcat-1/0.05-1/1.0), "/ms", "[D]", "kcat = 1/(1/k2 + 1/k3 + 1/k4) = 2 /s")
	// Km = (k-1 + k2)/k1 · kcat/k2 → k-1 = Km·k1·k2/kcat − k2.
	km1 := b.p("k-1", Conc(km)*k1*k2/(kcat/1e3)-k2, "/ms", "[D]", "Km = (k-1 + k2)/k1 · kcat/k2 = 0.4 µM")
	b.cycle4("ne", k1, km1, k2, k3, k4, 0)
	return b.m
}

// solveRate finds the value x of one rate for which the exact Km of
// mk(x) is targetUM, by bisection on log x (Km grows with an unbinding
// rate). It panics when the target cannot be reached: library data only.
func solveRate(mk func(x float64) agents.Scheme, sp string, targetUM float64) float64 {
	km := func(x float64) float64 {
		d, err := Derive(mk(x), sp)
		if err != nil {
			panic(fmt.Sprintf("transporters: library scheme: %v", err))
		}
		return d.KmUM
	}
	lo, hi := 1e-6, 1e3
	if !(km(lo) < targetUM && km(hi) > targetUM) {
		panic(fmt.Sprintf("transporters: Km %g µM out of reach", targetUM))
	}
	for i := 0; i < 100; i++ {
		mid := math.Sqrt(lo * hi)
		if km(mid) < targetUM {
			lo = mid
		} else {
			hi = mid
		}
	}
	return math.Sqrt(lo * hi)
}
