package analysis

import (
	"errors"
	"fmt"
	"math"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// Dose is the swept value a condition name encodes: "key@<number><unit>",
// as mc run --sweep names its conditions (drugs.cocaine.concentration@1uM,
// species.glu.D@0.2um_2_ms, release_0_.molecules@3000). Names of the form
// key=<number><unit>, which runs made before the switch to '@' have, are
// read the same way.
type Dose struct {
	Key   string
	Value float64
	Unit  string // as written, e.g. "uM"; empty when dimensionless
}

// String returns key@<value><unit>.
func (d Dose) String() string {
	return d.Key + "@" + strconv.FormatFloat(d.Value, 'g', -1, 64) + d.Unit
}

var doseRE = regexp.MustCompile(`^([+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)([A-Za-z_µ][A-Za-z0-9_.µ-]*)?$`)

// ParseDose parses a condition name of the form key@<number><unit> (or
// key=<number><unit>). It fails for names with neither separator, a value
// that does not start with a number, and names of multi-key sweeps
// (a@1,b@2).
func ParseDose(name string) (Dose, bool) {
	key, val, ok := strings.Cut(name, "@")
	if !ok {
		key, val, ok = strings.Cut(name, "=")
	}
	if !ok || key == "" || strings.ContainsAny(val, "@=,") || strings.ContainsAny(key, "@=,") {
		return Dose{}, false
	}
	m := doseRE.FindStringSubmatch(val)
	if m == nil {
		return Dose{}, false
	}
	v, err := strconv.ParseFloat(m[1], 64)
	if err != nil || math.IsInf(v, 0) {
		return Dose{}, false
	}
	return Dose{Key: key, Value: v, Unit: m[2]}, true
}

var (
	unitExpSlash = regexp.MustCompile(`_(\d)_`)
	unitExpEnd   = regexp.MustCompile(`_(\d)$`)
)

// DisplayUnit undoes, for display, what mc run's condition naming does to
// units (spaces dropped, '^' and '/' turned into '_'): "um_2_ms" becomes
// "um^2/ms", "_um_2" becomes "/um^2". Other units are returned as they are.
func DisplayUnit(u string) string {
	u = unitExpSlash.ReplaceAllString(u, "^$1/")
	u = unitExpEnd.ReplaceAllString(u, "^$1")
	if strings.HasPrefix(u, "_") {
		u = "/" + u[1:]
	}
	return u
}

// concScale gives concentration units in µM.
var concScale = map[string]float64{
	"M": 1e6, "mM": 1e3, "uM": 1, "µM": 1, "nM": 1e-3, "pM": 1e-6,
}

// IsConcentration reports whether unit is a molar concentration unit
// (M, mM, uM, µM, nM, pM).
func IsConcentration(unit string) bool { _, ok := concScale[unit]; return ok }

// Sweep describes conditions that are the values of one swept key.
type Sweep struct {
	Key   string
	Unit  string             // common unit of Doses ("uM" when concentrations were converted)
	Doses map[string]float64 // condition name → dose in Unit
}

// SweepOf reports whether the condition names form a one-key numeric sweep:
// at least two names, every one parsing with ParseDose, all with the same
// key and either the same unit or concentration units (converted to µM
// when they differ).
func SweepOf(conditions []string) (*Sweep, bool) {
	if len(conditions) < 2 {
		return nil, false
	}
	s := &Sweep{Doses: map[string]float64{}}
	units := map[string]bool{}
	parsed := map[string]Dose{}
	for i, c := range conditions {
		d, ok := ParseDose(c)
		if !ok || (i > 0 && d.Key != s.Key) {
			return nil, false
		}
		s.Key = d.Key
		units[d.Unit] = true
		parsed[c] = d
	}
	if len(units) == 1 {
		for c, d := range parsed {
			s.Doses[c], s.Unit = d.Value, d.Unit
		}
		return s, true
	}
	for u := range units {
		if !IsConcentration(u) {
			return nil, false
		}
	}
	s.Unit = "uM"
	for c, d := range parsed {
		s.Doses[c] = d.Value * concScale[d.Unit]
	}
	return s, true
}

// sweepDoses is SweepOf returning Dose values, for ordering.
func sweepDoses(names []string) (map[string]Dose, bool) {
	s, ok := SweepOf(names)
	if !ok {
		return nil, false
	}
	out := make(map[string]Dose, len(s.Doses))
	for c, v := range s.Doses {
		out[c] = Dose{Key: s.Key, Value: v, Unit: s.Unit}
	}
	return out, true
}

// MinHillDoses is the number of distinct doses DoseResponse needs for a
// four-parameter Hill fit.
const MinHillDoses = 4

// ErrTooFewDoses is returned (wrapped) by the dose–response and
// Michaelis–Menten analyses when the sweep has too few distinct values.
var ErrTooFewDoses = errors.New("analysis: too few doses for a fit")

// DosePoint is one dose of a dose–response curve.
type DosePoint struct {
	Condition string
	Dose      float64
	Summary   Summary // of the response over the replicates of the dose
}

// DoseFit is the dose–response curve of one quantity over a sweep.
type DoseFit struct {
	Quantity, Unit string // the response
	Key, DoseUnit  string // the swept key and its unit
	Points         []DosePoint
	// Hill is the four-parameter Hill fit to every replicate's (dose,
	// response) pair; valid when Err is nil or wraps ErrSingular.
	Hill Hill
	Err  error
}

// Fitted reports whether the Hill parameters are usable (they may lack
// standard errors when Err wraps ErrSingular).
func (f DoseFit) Fitted() bool { return f.Err == nil || errors.Is(f.Err, ErrSingular) }

// DoseResponse fits a Hill curve to each quantity over the conditions of a
// one-key sweep (see SweepOf): the fit uses every replicate's value, so
// the parameter intervals reflect replicate scatter. Quantities missing
// from a condition, and quantities constant over the whole sweep, are left
// out. With fewer than MinHillDoses distinct doses the points are returned
// with Err wrapping ErrTooFewDoses. It returns nil when the conditions are
// not a sweep.
func DoseResponse(conds []*Condition) []DoseFit {
	sw, ok := SweepOf(conditionNames(conds))
	if !ok {
		return nil
	}
	var out []DoseFit
	for _, q0 := range conds[0].Quantities {
		fit := DoseFit{Quantity: q0.Name, Unit: q0.Unit, Key: sw.Key, DoseUnit: sw.Unit}
		var x, y []float64
		complete := true
		for _, c := range conds {
			q := c.Quantity(q0.Name)
			if q == nil {
				complete = false
				break
			}
			d := sw.Doses[c.Name]
			fit.Points = append(fit.Points, DosePoint{Condition: c.Name, Dose: d, Summary: Describe(q.Values)})
			for _, v := range q.Values {
				if !math.IsNaN(v) {
					x = append(x, d)
					y = append(y, v)
				}
			}
		}
		if !complete || len(y) == 0 {
			continue
		}
		if lo, hi := span(y); lo == hi {
			continue
		}
		sort.Slice(fit.Points, func(i, j int) bool { return fit.Points[i].Dose < fit.Points[j].Dose })
		distinct := map[float64]bool{}
		for _, p := range fit.Points {
			distinct[p.Dose] = true
		}
		if len(distinct) < MinHillDoses {
			fit.Err = fmt.Errorf("%w: %d distinct doses, a Hill fit needs at least %d", ErrTooFewDoses, len(distinct), MinHillDoses)
		} else {
			fit.Hill, fit.Err = FitHill(x, y)
		}
		out = append(out, fit)
	}
	return out
}

// UptakeFit is an apparent Michaelis–Menten fit of initial uptake rates.
type UptakeFit struct {
	Rate, RateUnit           string // the rate quantity (e.g. transported.rate0) and its unit
	Substrate, SubstrateUnit string // where S comes from: the swept key, or a window-mean quantity
	Conditions               int
	S, V                     []float64 // the points fitted, one per replicate
	MM                       MM
	Err                      error
}

// Fitted reports whether the Km and Vmax are usable.
func (f UptakeFit) Fitted() bool { return f.Err == nil || errors.Is(f.Err, ErrSingular) }

// MinUptakeConditions is the number of conditions KmVmax needs.
const MinUptakeConditions = 3

// KmVmax fits v = Vmax·S/(Km + S) to the initial uptake rates of a set of
// conditions loaded with LoadOptions.Uptake. Each replicate gives a point:
// v is its "<rate>.rate0" quantity (the slope of the cumulative uptake
// column over the initial window) and S is the condition's swept
// concentration when the conditions are a sweep in concentration units
// (a bath concentration, say), else the replicate's "<substrate>.mean0"
// (the mean transmitter concentration over the window, e.g. for a sweep of
// the number of molecules released). At least MinUptakeConditions
// conditions are needed.
func KmVmax(ds *Dataset) UptakeFit {
	var fit UptakeFit
	u := ds.Uptake
	if u == nil || len(ds.Conditions) == 0 {
		fit.Err = errors.New("analysis: no uptake window (load with LoadOptions.Uptake)")
		return fit
	}
	c0 := ds.Conditions[0]
	var rateQ, substQ *Quantity
	for _, q := range c0.Quantities {
		switch {
		case strings.HasSuffix(q.Name, ".rate0"):
			rateQ = q
		case strings.HasSuffix(q.Name, ".mean0"):
			substQ = q
		}
	}
	if rateQ == nil {
		fit.Err = errors.New("analysis: no initial-rate quantity (is there a transported column?)")
		return fit
	}
	fit.Rate, fit.RateUnit = rateQ.Name, rateQ.Unit
	sw, isSweep := SweepOf(ds.ConditionNames())
	useDose := isSweep && IsConcentration(sw.Unit)
	switch {
	case useDose:
		fit.Substrate, fit.SubstrateUnit = sw.Key, sw.Unit
	case substQ != nil:
		fit.Substrate, fit.SubstrateUnit = substQ.Name, substQ.Unit
	default:
		fit.Err = errors.New("analysis: no substrate level: the conditions are not a concentration sweep and no concentration column was found")
		return fit
	}
	fit.Conditions = len(ds.Conditions)
	for _, c := range ds.Conditions {
		rq := c.Quantity(fit.Rate)
		if rq == nil {
			continue
		}
		var sq map[int64]float64
		if !useDose {
			if q := c.Quantity(fit.Substrate); q != nil {
				sq = q.ByReplicate()
			}
		}
		for i, r := range rq.Replicates {
			s := math.NaN()
			if useDose {
				s = sw.Doses[c.Name]
			} else if v, ok := sq[r]; ok {
				s = v
			}
			if math.IsNaN(s) || math.IsNaN(rq.Values[i]) {
				continue
			}
			fit.S = append(fit.S, s)
			fit.V = append(fit.V, rq.Values[i])
		}
	}
	if fit.Conditions < MinUptakeConditions {
		fit.Err = fmt.Errorf("%w: %d conditions, apparent Km and Vmax need at least %d", ErrTooFewDoses, fit.Conditions, MinUptakeConditions)
		return fit
	}
	fit.MM, fit.Err = FitMM(fit.S, fit.V)
	return fit
}
