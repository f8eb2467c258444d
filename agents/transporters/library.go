package transporters

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/reuptake/reuptake/agents"
)

// Family names the transporter a model describes. A model may be used on a
// site of the same family only (see CheckFamily).
const (
	GLT1  = "GLT-1" // GLT-1 / EAAT2 (SLC1A2), astroglial glutamate transporter
	EAAC1 = "EAAC1" // EAAC1 / EAAT3 (SLC1A1), neuronal glutamate transporter
	DAT   = "DAT"   // dopamine transporter (SLC6A3)
	SERT  = "SERT"  // serotonin transporter (SLC6A4)
	NET   = "NET"   // noradrenaline transporter (SLC6A2)
)

// Param is one number of a model with where it comes from.
type Param struct {
	Name   string  // the symbol used in the model's description, e.g. "k1"
	Value  float64 // in Unit
	Unit   string  // e.g. "/M/s", "/ms", "uM", "/s", "e"
	Tag    string  // [A], [C], [S], [D] or [U]
	Source string  // paper (table/figure) or the derivation or the reason for [U]
}

// Reported is a quantity a model's sources report, to be compared with the
// value derived from the model's scheme (Derive).
type Reported struct {
	Quantity string  // one of "Km_uM", "kcat_per_s", "buffering", "charge_per_cycle", "cycle_ms"
	Value    float64 // in the quantity's unit
	Tag      string
	Source   string
}

// Model is a named kinetic model of one transporter.
type Model struct {
	Name    string
	Family  string // GLT1, EAAC1, DAT, SERT or NET
	Summary string // one line
	// Class is the drug-table class (agents.DAT, agents.SERT, agents.NET)
	// for monoamine transporters, "" otherwise.
	Class string
	// Substrate is the species the scheme binds and transports ("glu",
	// "da", "ser", "ne"); Scheme.Rename changes it.
	Substrate string
	// Outward is the outward-facing empty state (drugs bind it), Inward the
	// inward-facing empty state.
	Outward, Inward string
	// Scheme is the kinetic scheme in engine units.
	Scheme agents.Scheme
	// RateNames names, for each transition of Scheme, the parameter that
	// is its rate (e.g. "k4"): SetRate overrides rates by these names.
	RateNames []string
	// Params lists every number the scheme uses, with its source.
	Params []Param
	// Reported lists what the sources say about derived quantities.
	Reported []Reported
	// Notes is free text: what the model is for and what it leaves out.
	Notes string
}

// Avogadro's number.
const avogadro = 6.02214076e23

// KOn converts a bimolecular rate in M⁻¹ s⁻¹ to µm³/ms per molecule pair.
func KOn(perMolarPerSecond float64) float64 { return perMolarPerSecond / avogadro * 1e12 }

// KOnToMolar is the inverse of KOn.
func KOnToMolar(k float64) float64 { return k * avogadro / 1e12 }

// Conc converts a concentration in µM to molecules/µm³.
func Conc(microMolar float64) float64 { return microMolar * 1e-6 * avogadro * 1e-15 }

// MicroMolar converts molecules/µm³ to µM.
func MicroMolar(c float64) float64 { return c / (1e-6 * avogadro * 1e-15) }

// Names lists the library's model names, sorted.
func Names() []string {
	var out []string
	for _, m := range library() {
		out = append(out, m.Name)
	}
	sort.Strings(out)
	return out
}

// All returns every model of the library, sorted by family then name. The
// models are fresh copies.
func All() []Model {
	ms := library()
	order := map[string]int{GLT1: 0, EAAC1: 1, DAT: 2, SERT: 3, NET: 4}
	sort.SliceStable(ms, func(i, j int) bool {
		if order[ms[i].Family] != order[ms[j].Family] {
			return order[ms[i].Family] < order[ms[j].Family]
		}
		return ms[i].Name < ms[j].Name
	})
	return ms
}

// Lookup returns the model of that name (case-insensitive). The error of
// an unknown name suggests the closest names and lists them all.
func Lookup(name string) (Model, error) {
	for _, m := range library() {
		if strings.EqualFold(m.Name, name) {
			return m, nil
		}
	}
	names := Names()
	msg := fmt.Sprintf("unknown transporter model %q", name)
	if c := closest(name, names); c != "" {
		msg += fmt.Sprintf(" (did you mean %q?)", c)
	}
	return Model{}, fmt.Errorf("%s; the library has: %s (mc transporters list)", msg, strings.Join(names, ", "))
}

// Families lists the families, in the library's order.
func Families() []string { return []string{GLT1, EAAC1, DAT, SERT, NET} }

// FamilyOfClass maps a site's declared transporter class (DAT, SERT, NET,
// or a glutamate-transporter name such as GLT-1, EAAT2, GLT1, EAAT3,
// EAAC1) to a family; ok is false for an unknown class.
func FamilyOfClass(class string) (string, bool) {
	switch strings.ToUpper(strings.ReplaceAll(class, "-", "")) {
	case "GLT1", "EAAT2":
		return GLT1, true
	case "EAAC1", "EAAT3":
		return EAAC1, true
	case "DAT":
		return DAT, true
	case "SERT":
		return SERT, true
	case "NET":
		return NET, true
	}
	return "", false
}

// WithSubstrate returns the model's scheme with its substrate species
// renamed to sp (the name of the diffusing species in the user's model).
func (m Model) WithSubstrate(sp string) agents.Scheme {
	s := m.Scheme
	s.States = append([]string(nil), s.States...)
	s.Conducting = append([]string(nil), s.Conducting...)
	s.Transitions = append([]agents.Transition(nil), s.Transitions...)
	for i := range s.Transitions {
		if s.Transitions[i].Species == m.Substrate {
			s.Transitions[i].Species = sp
		}
	}
	return s
}

// SetRate sets the rate of every transition whose rate is the parameter
// name (in engine units: 1/ms, or µm³/ms for a binding). It fails on a
// name the model does not use, listing the names it does.
func (m *Model) SetRate(name string, v float64) error {
	found := false
	m.Scheme.Transitions = append([]agents.Transition(nil), m.Scheme.Transitions...)
	for i, l := range m.RateNames {
		if l == name {
			m.Scheme.Transitions[i].Rate = v
			found = true
		}
	}
	if !found {
		return fmt.Errorf("model %s has no rate %q (rates: %s)", m.Name, name, strings.Join(m.RateList(), ", "))
	}
	return nil
}

// RateList lists the model's rate names in scheme order, each once.
func (m *Model) RateList() []string {
	var out []string
	for _, l := range m.RateNames {
		if !slices.Contains(out, l) {
			out = append(out, l)
		}
	}
	return out
}

// IsBinding reports whether the rate name is a binding rate constant
// (bimolecular, µm³/ms) rather than a first-order rate.
func (m *Model) IsBinding(name string) bool {
	for i, l := range m.RateNames {
		if l == name {
			k := m.Scheme.Transitions[i].Kind
			return k == agents.Bind || k == agents.Bath
		}
	}
	return false
}

// closest returns the candidate nearest to s by edit distance when it is
// near enough to be a likely typo (at most a third of the length), or "".
func closest(s string, candidates []string) string {
	best, bd := "", 1<<30
	ls := strings.ToLower(s)
	for _, c := range candidates {
		lc := strings.ToLower(c)
		d := editDistance(ls, lc)
		if strings.Contains(lc, ls) && len(ls) >= 3 {
			d = min(d, 1)
		}
		// A shortened name ("dat-erger" for "dat-erreger2008"): compare
		// with the candidate's prefixes of about the same length.
		for n := len(ls) - 1; n <= len(ls)+3 && n <= len(lc); n++ {
			if n > 0 {
				d = min(d, editDistance(ls, lc[:n])+1)
			}
		}
		if d < bd {
			best, bd = c, d
		}
	}
	if bd <= max(2, len(s)/3) {
		return best
	}
	return ""
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			c := 1
			if a[i-1] == b[j-1] {
				c = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+c)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// WithBlocker returns scheme s with a dead-end competitive blocker added
// the way the engine adds a drug of the table (montecarlo.DrugSpec): a
// state "blocked" entered from the outward-facing empty state at kOn·I
// (a first-order step at the clamped concentration I, molecules/µm³) and
// left at kOn·Ki (kOn in µm³/ms, Ki in molecules/µm³).
func WithBlocker(s agents.Scheme, outward string, I, Ki, kOn float64) agents.Scheme {
	out := s
	out.States = append(append([]string(nil), s.States...), "blocked")
	out.Transitions = append([]agents.Transition(nil), s.Transitions...)
	if I > 0 {
		out.Transitions = append(out.Transitions,
			agents.Transition{From: outward, To: "blocked", Kind: agents.FirstOrder, Rate: kOn * I},
			agents.Transition{From: "blocked", To: outward, Kind: agents.FirstOrder, Rate: kOn * Ki})
	} else {
		out.States = out.States[:len(out.States)-1]
	}
	return out
}
