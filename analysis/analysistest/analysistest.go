// Package analysistest writes small synthetic run directories, laid out as
// mc run writes them, for tests and benchmarks of the analysis commands.
// Values follow closed-form curves so that tests can compute the expected
// statistics by hand.
package analysistest

import (
	"fmt"
	"math"
	"strconv"

	"github.com/reuptake/reuptake/montecarlo/results"
)

// Spec describes a synthetic run.
type Spec struct {
	// Conditions are the condition names (default ["base"]).
	Conditions []string
	// Replicates per condition (default 4), numbered from FirstReplicate.
	Replicates     int
	FirstReplicate int
	// PerPart is the number of replicates per part file (default all).
	PerPart int
	// Samples per replicate (default 101) at times k·Dt ms (Dt default
	// 0.01).
	Samples int
	Dt      float64
	// Seed is written as results.MetaSeed (default "1"); ModelHash as
	// results.MetaModelHash (default "hash-<condition>").
	Seed      string
	ModelHash func(cond string) string
	// Columns are the timeseries observables (default ToyColumns) and
	// Series their values (default Toy).
	Columns []results.Column
	Series  func(cond string, ci, rep int, t float64, out []float64)
	// SummaryColumns and Summary give the summary table (default
	// ToySummaryColumns and ToySummary); NoSummary leaves it out.
	SummaryColumns []results.Column
	Summary        func(cond string, ci, rep int, out []float64)
	NoSummary      bool
}

// ToyColumns are the default observables.
var ToyColumns = []results.Column{
	{Name: "released", Unit: "molecules", Description: "molecules released so far"},
	{Name: "free_cleft", Unit: "molecules", Description: "free molecules in the cleft"},
	{Name: "open_ampa", Unit: "sites", Description: "ampa sites in a conducting state"},
	{Name: "transported", Unit: "molecules", Description: "molecules taken up so far"},
	{Name: "escaped", Unit: "molecules", Description: "molecules escaped so far"},
	{Name: "current_pA", Unit: "pA", Description: "synaptic current; inward negative"},
}

// Toy parameters: replicate r of condition index ci has free_cleft =
// A·exp(−t/τ) with A = ToyA(ci, r) and τ = ToyTau(ci, r); released is A;
// transported = ToyFracT·A·(1 − exp(−t/τ)); escaped = (1 − ToyFracT)·A·(1 −
// exp(−t/τ)); open_ampa = 10·(ci+1)·t·exp(1 − t/0.2)/0.2 (peak 10·(ci+1)
// at t = 0.2 ms); current_pA = −0.7·open_ampa.
const ToyFracT = 0.25

// ToyA is the released amount of replicate rep of condition ci.
func ToyA(ci, rep int) float64 { return 1000 + 10*float64(rep) + 100*float64(ci) }

// ToyTau is the clearance time constant (ms) of replicate rep of condition
// ci.
func ToyTau(ci, rep int) float64 { return 0.2 + 0.01*float64(rep) + 0.05*float64(ci) }

// Toy fills the ToyColumns values.
func Toy(_ string, ci, rep int, t float64, out []float64) {
	a, tau := ToyA(ci, rep), ToyTau(ci, rep)
	e := math.Exp(-t / tau)
	open := 10 * float64(ci+1) * t / 0.2 * math.Exp(1-t/0.2)
	out[0] = a
	out[1] = a * e
	out[2] = open
	out[3] = ToyFracT * a * (1 - e)
	out[4] = (1 - ToyFracT) * a * (1 - e)
	out[5] = -0.7 * open
}

// ToySummaryColumns are the default summary columns.
var ToySummaryColumns = []results.Column{
	{Name: "peak_free_cleft", Unit: "molecules"},
	{Name: "decay_tau_ms", Unit: "ms"},
	{Name: "frac_transported", Unit: "1"},
	{Name: "frac_escaped", Unit: "1"},
}

// RoledColumns are ToyColumns as a file with column metadata records them
// (results.Column Role, Label, Species, Region, SiteType), under names that
// the name-matching fallback of the analysis would not recognise: tests
// use them (with Series Toy) to check that columns are chosen and labelled
// by role.
var RoledColumns = []results.Column{
	{Name: "released", Unit: "count", Role: results.RoleFate, Label: "glutamate released", Species: "glu"},
	{Name: "glu_in_cleft", Unit: "count", Role: results.RoleCount, Label: "free glutamate in the cleft", Species: "glu", Region: "cleft"},
	{Name: "ampa_conducting", Unit: "count", Role: results.RoleOccupancy, Label: "open AMPA receptors", SiteType: "ampa"},
	{Name: "transported", Unit: "count", Role: results.RoleFate, Label: "glutamate taken up", Species: "glu"},
	{Name: "escaped", Unit: "count", Role: results.RoleFate, Label: "glutamate escaped", Species: "glu"},
	{Name: "i_ampa", Unit: "pA", Role: results.RoleCurrent, Label: "AMPA receptor current", SiteType: "ampa"},
}

// RoledSummaryColumns are ToySummaryColumns with roles and labels.
var RoledSummaryColumns = []results.Column{
	{Name: "peak_glu_in_cleft", Unit: "count", Role: results.RoleCount, Label: "peak free glutamate in the cleft", Region: "cleft"},
	{Name: "decay_tau_ms", Unit: "ms", Role: results.RoleTime, Label: "clearance time constant"},
	{Name: "frac_transported", Unit: "1", Role: results.RoleFraction, Label: "fraction taken up"},
	{Name: "frac_escaped", Unit: "1", Role: results.RoleFraction, Label: "fraction escaped"},
}

// ToySummary fills the ToySummaryColumns values: A, τ, and the fate
// fractions ToyFracT and 1 − ToyFracT.
func ToySummary(_ string, ci, rep int, out []float64) {
	out[0] = ToyA(ci, rep)
	out[1] = ToyTau(ci, rep)
	out[2] = ToyFracT
	out[3] = 1 - ToyFracT
}

// Write writes the run into dir: dir/timeseries/condition=<c>/part-NNNNN.parquet
// and dir/summary/condition=<c>/part-NNNNN.parquet. It returns the paths
// written.
func Write(dir string, s Spec) ([]string, error) {
	if len(s.Conditions) == 0 {
		s.Conditions = []string{"base"}
	}
	if s.Replicates <= 0 {
		s.Replicates = 4
	}
	if s.PerPart <= 0 {
		s.PerPart = s.Replicates
	}
	if s.Samples <= 0 {
		s.Samples = 101
	}
	if s.Dt <= 0 {
		s.Dt = 0.01
	}
	if s.Seed == "" {
		s.Seed = "1"
	}
	if s.ModelHash == nil {
		s.ModelHash = func(c string) string { return "hash-" + c }
	}
	if s.Columns == nil {
		s.Columns, s.Series = ToyColumns, Toy
	}
	if s.SummaryColumns == nil {
		s.SummaryColumns, s.Summary = ToySummaryColumns, ToySummary
	}
	var paths []string
	for ci, cond := range s.Conditions {
		for part, first := 0, 0; first < s.Replicates; part, first = part+1, first+s.PerPart {
			end := min(first+s.PerPart, s.Replicates)
			meta := map[string]string{
				results.MetaSeed:       s.Seed,
				results.MetaModelHash:  s.ModelHash(cond),
				results.MetaCondition:  cond,
				results.MetaReplicates: fmt.Sprintf("%d-%d", s.FirstReplicate+first, s.FirstReplicate+end-1),
				results.MetaTask:       strconv.Itoa(0),
			}
			p := results.PartPath(dir, results.Timeseries, cond, part)
			w, err := results.Create(p, results.Timeseries, s.Columns, meta)
			if err != nil {
				return nil, err
			}
			v := make([]float64, len(s.Columns))
			for r := first; r < end; r++ {
				rep := s.FirstReplicate + r
				for k := range s.Samples {
					t := float64(k) * s.Dt
					s.Series(cond, ci, rep, t, v)
					if err := w.Write(int64(rep), t, v); err != nil {
						w.Abort()
						return nil, err
					}
				}
			}
			if err := w.Close(); err != nil {
				return nil, err
			}
			paths = append(paths, p)
			if s.NoSummary {
				continue
			}
			p = results.PartPath(dir, results.Summary, cond, part)
			sw, err := results.Create(p, results.Summary, s.SummaryColumns, meta)
			if err != nil {
				return nil, err
			}
			sv := make([]float64, len(s.SummaryColumns))
			for r := first; r < end; r++ {
				rep := s.FirstReplicate + r
				s.Summary(cond, ci, rep, sv)
				if err := sw.Write(int64(rep), 0, sv); err != nil {
					sw.Abort()
					return nil, err
				}
			}
			if err := sw.Close(); err != nil {
				return nil, err
			}
			paths = append(paths, p)
		}
	}
	return paths, nil
}
