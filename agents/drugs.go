package agents

import (
	"sort"
	"strings"
)

// This file is data only: the built-in table of transport blockers and
// substrates with their affinities at the three monoamine transporters and
// where each number comes from (docs/parameters.md §A6). The engine
// (montecarlo) turns a drug into a clamped bath species and blocking or
// transport transitions on the transporter sites it targets.

// Monoamine transporter classes. A site type declares the class it belongs
// to (montecarlo.SiteTypeSpec.Transporter) so that the table's Ki applies.
const (
	DAT  = "DAT"  // dopamine transporter (SLC6A3)
	SERT = "SERT" // serotonin transporter (SLC6A4)
	NET  = "NET"  // noradrenaline transporter (SLC6A2)
)

// Transporters lists the transporter classes the table knows.
var Transporters = []string{DAT, NET, SERT}

// DrugKind says how a drug acts on a transporter.
type DrugKind uint8

// Drug kinds.
const (
	// Blocker is a dead-end competitive inhibitor: it binds the
	// outward-facing empty transporter (T + I ⇌ TI) and the blocked
	// transporter neither binds nor moves substrate.
	Blocker DrugKind = iota
	// Substrate is a competing substrate that is itself transported
	// (amphetamine): it binds the outward-facing empty transporter, is
	// translocated and released inside, leaving the transporter
	// inward-facing, from where emit transitions of the site's scheme can
	// carry cytosolic transmitter out (efflux).
	Substrate
)

var drugKindNames = [...]string{"blocker", "substrate"}

// String is the name used in model files.
func (k DrugKind) String() string {
	if int(k) < len(drugKindNames) {
		return drugKindNames[k]
	}
	return "kind?"
}

// ParseDrugKind is the inverse of DrugKind.String; ok is false for an
// unknown name.
func ParseDrugKind(s string) (DrugKind, bool) {
	for i, n := range drugKindNames {
		if s == n {
			return DrugKind(i), true
		}
	}
	return 0, false
}

// Affinity is a drug's equilibrium dissociation (or inhibition) constant at
// one transporter.
type Affinity struct {
	KiNM float64 // Ki (or Kd) in nM: the value the engine uses
	// Note gives the published range when the table picks one value from
	// it, and any other published value.
	Note   string
	Source string // where the number comes from, with the provenance tag of docs/parameters.md
}

// Drug is one entry of the table.
type Drug struct {
	Name string // the name used in model files and --drug (a bath species name)
	Kind DrugKind
	// Ki holds the affinity per transporter class (DAT, NET, SERT); a class
	// that is missing has no published value (docs/parameters.md §A6).
	Ki map[string]Affinity
	// For a Substrate: the first-order rates (1/ms) of its translocation
	// (outward-bound → inward-bound) and of its release inside (inward-bound
	// → inward-facing empty), both conventional values [U].
	Translocation, ReleaseInside float64
	Note                         string
}

// DefaultDrugKOn is the default association rate constant of a drug with
// its target, in M⁻¹ s⁻¹: inhibitor k_on and k_off were not found in the
// literature; docs/parameters.md §A6 advises 10⁶–10⁷ M⁻¹ s⁻¹ [U] with
// k_off = k_on·Ki.
const DefaultDrugKOn = 1e7

const (
	srcTatsumi = "[S] Tatsumi et al. 1997, Eur J Pharmacol 340:249, via Br J Pharmacol 2006;147:S82 Table 2 (PMC1760736); docs/parameters.md §A6"
	srcHanGu   = "[A] Han & Gu 2006, BMC Pharmacol 6:6; docs/parameters.md §A6"
)

// drugTable is the built-in table (docs/parameters.md §A6). Human transporters
// unless noted.
var drugTable = []Drug{
	{Name: "fluoxetine", Kind: Blocker, Ki: map[string]Affinity{
		SERT: {KiNM: 0.8, Source: srcTatsumi},
		NET:  {KiNM: 240, Source: srcTatsumi},
		DAT:  {KiNM: 3600, Source: srcTatsumi},
	}, Note: "SSRI"},
	{Name: "citalopram", Kind: Blocker, Ki: map[string]Affinity{
		SERT: {KiNM: 1.2, Source: srcTatsumi},
		NET:  {KiNM: 4070, Source: srcTatsumi},
		DAT:  {KiNM: 28100, Source: srcTatsumi},
	}, Note: "SSRI (racemate)"},
	{Name: "escitalopram", Kind: Blocker, Ki: map[string]Affinity{
		SERT: {KiNM: 1.1, Note: "27.6 nM in vivo", Source: "[C] sermeor/SynapticPlasticityModelling comment (doi 10.1017/S1461145706007486); docs/parameters.md §A6"},
	}, Note: "SSRI (S-enantiomer of citalopram); no NET or DAT value found (docs/parameters.md §A6)"},
	{Name: "sertraline", Kind: Blocker, Ki: map[string]Affinity{
		SERT: {KiNM: 0.29, Source: srcTatsumi},
		NET:  {KiNM: 420, Source: srcTatsumi},
		DAT:  {KiNM: 25, Note: "25 ± 2 nM also in the Tatsumi abstract [A]", Source: srcTatsumi},
	}, Note: "SSRI with notable DAT affinity"},
	{Name: "paroxetine", Kind: Blocker, Ki: map[string]Affinity{
		SERT: {KiNM: 0.13, Source: srcTatsumi},
		NET:  {KiNM: 40, Source: srcTatsumi},
		DAT:  {KiNM: 490, Source: srcTatsumi},
	}, Note: "SSRI"},
	{Name: "bupropion", Kind: Blocker, Ki: map[string]Affinity{
		SERT: {KiNM: 9100, Source: srcTatsumi},
		NET:  {KiNM: 52000, Source: srcTatsumi},
		DAT:  {KiNM: 520, Source: srcTatsumi},
	}, Note: "NDRI"},
	{Name: "cocaine", Kind: Blocker, Ki: map[string]Affinity{
		DAT: {KiNM: 300, Note: "range 200–700 nM at all three transporters [A] Han & Gu 2006; 640 nM [S] Volkow 1999",
			Source: "[A] J Neurochem 1997;69(3):1093 (NAc, rotating-disk voltammetry, overall Ki 0.30 µM; docs/parameters.md §A3); the §A7 T8 example uses 0.3 µM"},
		NET:  {KiNM: 300, Note: "one value from the range 200–700 nM (the DAT value above)", Source: srcHanGu},
		SERT: {KiNM: 300, Note: "one value from the range 200–700 nM (the DAT value above)", Source: srcHanGu},
	}, Note: "non-selective blocker; competitive at DAT in vivo ([A] Greco & Garris 2003, Eur J Pharmacol 479:117)"},
	{Name: "methylphenidate", Kind: Blocker, Ki: map[string]Affinity{
		DAT:  {KiNM: 100, Note: "~100 nM; 390 nM [S] Volkow 1999", Source: srcHanGu},
		NET:  {KiNM: 100, Note: "~100 nM", Source: srcHanGu},
		SERT: {KiNM: 100000, Note: "~100,000 nM", Source: srcHanGu},
	}, Note: "NDRI"},
	{Name: "amphetamine", Kind: Substrate, Ki: map[string]Affinity{
		DAT:  {KiNM: 600, Note: "≈600 nM; K_A ≈ 0.6 µM as a substrate (docs/parameters.md §A6)", Source: srcHanGu},
		NET:  {KiNM: 85, Note: "range 70–100 nM: midpoint", Source: srcHanGu},
		SERT: {KiNM: 30000, Note: "range 20,000–40,000 nM: midpoint", Source: srcHanGu},
	}, Translocation: 0.1, ReleaseInside: 1,
		Note: "d-amphetamine: competing substrate, transported; DAT-mediated efflux [A] Jones et al. 1998, J Neurosci 18:1979. Translocation 0.1 /ms and release inside 1 /ms are conventional values [U]"},
}

// Drugs returns the built-in drug table, sorted by name. The entries are
// copies; changing them does not change the table.
func Drugs() []Drug {
	out := make([]Drug, len(drugTable))
	for i, d := range drugTable {
		out[i] = d
		out[i].Ki = make(map[string]Affinity, len(d.Ki))
		for k, v := range d.Ki {
			out[i].Ki[k] = v
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// DrugNames lists the names of the built-in drugs, sorted.
func DrugNames() []string {
	var out []string
	for _, d := range Drugs() {
		out = append(out, d.Name)
	}
	return out
}

// LookupDrug returns the table entry of a drug by name (case-insensitive).
func LookupDrug(name string) (Drug, bool) {
	for _, d := range Drugs() {
		if strings.EqualFold(d.Name, name) {
			return d, true
		}
	}
	return Drug{}, false
}

// TransporterClass returns the canonical spelling of a transporter class
// ("dat" → "DAT"); ok is false when it is not one of Transporters.
func TransporterClass(s string) (string, bool) {
	for _, t := range Transporters {
		if strings.EqualFold(s, t) {
			return t, true
		}
	}
	return "", false
}
