package analysis

import "github.com/reuptake/reuptake/montecarlo/results"

// DefaultMaxWorkers caps the default number of files Load reads at once, so
// that memory does not grow with the number of CPUs.
const DefaultMaxWorkers = 8

// LoadOptions control Load.
type LoadOptions struct {
	// Observables selects the timeseries observables and summary columns to
	// analyse: each entry is a column name or a path.Match pattern
	// ("open_*"); "all" selects everything. A summary column is also
	// selected when it contains a selected observable's name
	// (peak_free_cleft for free_cleft). An entry that matches no column is
	// an error (MissingObservableError). Empty: every summary column and
	// every timeseries observable except the per-state counts of kinetic
	// schemes (ampa_C0, glt1_ToS, ...: columns <site>_<state> of a site
	// that has a bound_<site> column).
	Observables []string
	// Conditions keeps only the named conditions (see ResolveConditions for
	// names with commas); naming one that is not present is an error.
	// Empty: every condition.
	Conditions []string
	// Clearance is the observable whose decay gives the clearance time
	// constants (per replicate, and of the mean). Empty: free_cleft, else
	// free_total, else the first column named free_*.
	Clearance string
	// SkipBad analyses the readable files when some are empty, truncated
	// or corrupt, listing the others in Dataset.Skipped; without it such a
	// file is an error (BadFilesError).
	SkipBad bool
	// Workers is the number of files read at once (default GOMAXPROCS, at
	// most DefaultMaxWorkers: memory grows with the files in flight).
	Workers int
	// Uptake, when set, adds the per-replicate quantities of the initial
	// window used for apparent Km and Vmax (see UptakeOptions).
	Uptake *UptakeOptions
}

// UptakeOptions define the initial window of uptake runs: over
// 0 ≤ t ≤ Window, the per-replicate quantity "<Rate>.rate0" is the
// least-squares slope of the cumulative column Rate (molecules/ms for
// "transported") and "<Substrate>.mean0" the mean of the concentration
// column Substrate.
type UptakeOptions struct {
	Window    float64 // ms; must be > 0
	Rate      string  // default "transported"
	Substrate string  // default: conc_cleft_uM, else the first column in µM
}

// Dataset is what Load reads from a set of results files: per condition,
// the time courses of the selected observables with confidence bands and
// the per-replicate quantities (summary columns and values derived from
// each replicate's time series).
type Dataset struct {
	// Conditions in order: by dose when every name is one numeric sweep
	// value (see ParseDose), else by name.
	Conditions []*Condition
	// Files lists the files read, in input order.
	Files []FileInfo
	// Skipped lists the files left out with LoadOptions.SkipBad.
	Skipped []BadFile
	// Clearance is the observable used for clearance time constants, empty
	// when there is none.
	Clearance string
	// Uptake is the window definition when LoadOptions.Uptake was set.
	Uptake *UptakeOptions
}

// Condition returns the named condition, or nil.
func (d *Dataset) Condition(name string) *Condition {
	for _, c := range d.Conditions {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// ConditionNames returns the names of the conditions in order.
func (d *Dataset) ConditionNames() []string {
	out := make([]string, len(d.Conditions))
	for i, c := range d.Conditions {
		out[i] = c.Name
	}
	return out
}

// FileInfo describes one file read by Load.
type FileInfo struct {
	Path       string
	Condition  string
	Kind       results.Kind
	Rows       int64
	Seed       string // results.MetaSeed, "" when absent
	ModelHash  string // results.MetaModelHash, "" when absent
	Replicates string // results.MetaReplicates, "" when absent
}

// Condition holds one condition's aggregated results.
type Condition struct {
	Name string
	// Seeds are the distinct root seeds (results.MetaSeed) of its files;
	// empty when no file records one.
	Seeds []string
	// ModelHash is the files' results.MetaModelHash ("" when absent).
	ModelHash string
	// TimeseriesFiles and SummaryFiles count the files read; Rows counts
	// their rows.
	TimeseriesFiles, SummaryFiles int
	Rows                          int64
	// Replicates are the replicate indices seen, ascending.
	Replicates []int64
	// Observables are the selected timeseries columns present.
	Observables []results.Column
	// Courses holds the time course of each selected observable (and of
	// the clearance observable), by name.
	Courses map[string]Band
	// Quantities are the per-replicate quantities, summary columns first.
	Quantities []*Quantity
	// Down marks observables whose mean course has its largest excursion
	// below zero (inward currents): their peak is the minimum.
	Down map[string]bool
}

// Quantity returns the named per-replicate quantity, or nil.
func (c *Condition) Quantity(name string) *Quantity {
	for _, q := range c.Quantities {
		if q.Name == name {
			return q
		}
	}
	return nil
}

// Observable returns the named observable column and whether it is
// selected in this condition.
func (c *Condition) Observable(name string) (results.Column, bool) {
	for _, o := range c.Observables {
		if o.Name == name {
			return o, true
		}
	}
	return results.Column{}, false
}

// Quantity is one value per replicate: a summary column, or a value derived
// from each replicate's time series. Derived names are
// "<observable>.<what>":
//
//   - peak, t_peak: the largest value (the smallest for observables whose
//     mean course is negative, such as inward currents) and its first time
//     (left out when the summary has the same values as peak_<obs> and
//     t_peak_<obs>_ms);
//   - tau: the clearance time constant of the replicate, a single
//     exponential A·exp(−(t−t_peak)/τ) fitted from its peak until the
//     signal is gone (half as long again as it takes to first fall below
//     0.5% of the peak), or to the end;
//   - charge: the time integral (trapezoid rule) of a current in pA, in fC
//     (left out when the summary has charge_fC for the only current);
//   - rate0, mean0: slope and mean over the initial uptake window.
//
// When the summary has no frac_* columns, fate fractions are derived from
// the final values of the cumulative columns (transported, degraded,
// escaped, bound_*, free_total) divided by released, and named
// frac_<fate> as in the summary.
type Quantity struct {
	Name string
	Unit string
	// Role is what the quantity measures (see RoleOf; derived quantities:
	// a peak has its observable's role, times and τ RoleTime, charges
	// RoleCharge, fate fractions RoleFraction).
	Role results.Role
	// Label is a short human-readable name, without the unit (see LabelOf).
	Label       string
	Source      string // "summary" or "timeseries"
	Description string
	Replicates  []int64   // ascending
	Values      []float64 // Values[i] belongs to Replicates[i]; NaN when undefined
}

// ByReplicate returns the values keyed by replicate.
func (q *Quantity) ByReplicate() map[int64]float64 {
	m := make(map[int64]float64, len(q.Replicates))
	for i, r := range q.Replicates {
		m[r] = q.Values[i]
	}
	return m
}
