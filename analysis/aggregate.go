package analysis

import (
	"sort"
	"strings"

	"github.com/reuptake/reuptake/montecarlo/results"
)

type condAgg struct {
	plan     *condPlan
	course   *courseSet
	reps     map[int64]*repFinal
	repFile  map[int64]string
	sum      map[int64][]float64
	sumFile  map[int64]string
	seeds    map[string]bool
	hash     string
	tsFiles  int
	sumFiles int
	rows     int64
}

func newCondAgg(p *condPlan) *condAgg {
	return &condAgg{plan: p, course: newCourseSet(len(p.tracked)), reps: map[int64]*repFinal{}, repFile: map[int64]string{},
		sum: map[int64][]float64{}, sumFile: map[int64]string{}, seeds: map[string]bool{}}
}

// merge adds one file's contribution.
func (a *condAgg) merge(fa *fileAgg) error {
	h := fa.h
	if h.seed != "" {
		a.seeds[h.seed] = true
	}
	if h.hash != "" {
		a.hash = h.hash
	}
	a.rows += h.rows
	if fa.sum != nil {
		a.sumFiles++
		for _, rep := range fa.order {
			if prev, dup := a.sumFile[rep]; dup {
				return &DuplicateReplicateError{Condition: a.plan.name, Kind: results.Summary, Replicate: rep, First: prev, Then: h.path}
			}
			a.sum[rep] = fa.sum[rep]
			a.sumFile[rep] = h.path
		}
		return nil
	}
	a.tsFiles++
	for _, rep := range fa.order {
		if prev, dup := a.repFile[rep]; dup {
			return &DuplicateReplicateError{Condition: a.plan.name, Kind: results.Timeseries, Replicate: rep, First: prev, Then: h.path}
		}
		a.reps[rep] = fa.reps[rep]
		a.repFile[rep] = h.path
	}
	a.course.merge(fa.course)
	return nil
}

// finish builds the Condition.
func (a *condAgg) finish() *Condition {
	p := a.plan
	c := &Condition{Name: p.name, Seeds: sortedKeys(a.seeds), ModelHash: a.hash, TimeseriesFiles: a.tsFiles,
		SummaryFiles: a.sumFiles, Rows: a.rows, Observables: p.selected, Courses: map[string]Band{}, Down: map[string]bool{}}
	repSet := map[int64]bool{}
	for r := range a.reps {
		repSet[r] = true
	}
	for r := range a.sum {
		repSet[r] = true
	}
	for r := range repSet {
		c.Replicates = append(c.Replicates, r)
	}
	sort.Slice(c.Replicates, func(i, j int) bool { return c.Replicates[i] < c.Replicates[j] })

	for j, name := range p.tracked {
		b := a.course.accumulator(j).Band()
		c.Courses[name] = b
		lo, hi := span(b.Mean)
		c.Down[name] = len(b.Mean) > 0 && -lo > hi
	}

	// Summary quantities.
	sumReps := sortedReps(a.sum)
	for i, col := range p.sumSel {
		q := &Quantity{Name: col.Name, Unit: col.Unit, Role: RoleOf(col), Label: LabelOf(col), Source: "summary", Description: col.Description}
		for _, r := range sumReps {
			q.Replicates = append(q.Replicates, r)
			q.Values = append(q.Values, a.sum[r][i])
		}
		c.Quantities = append(c.Quantities, q)
	}

	// Time-series quantities.
	tsReps := sortedReps(a.reps)
	if len(tsReps) == 0 {
		return c
	}
	derived := func(name, unit string, role results.Role, label, desc string, value func(rf *repFinal) float64) {
		q := &Quantity{Name: name, Unit: unit, Role: role, Label: label, Source: "timeseries", Description: desc,
			Replicates: append([]int64(nil), tsReps...), Values: make([]float64, len(tsReps))}
		for i, r := range tsReps {
			q.Values[i] = value(a.reps[r])
		}
		c.Quantities = append(c.Quantities, q)
	}
	for _, col := range p.selected {
		j := indexOf(p.tracked, col.Name)
		down := c.Down[col.Name]
		what := "largest"
		if down {
			what = "most negative"
		}
		label := LabelOf(col)
		// The summary's peak_<obs> and t_peak_<obs>_ms are the same values.
		if c.Quantity("peak_"+col.Name) == nil {
			derived(col.Name+".peak", col.Unit, RoleOf(col), "peak "+label, what+" value of "+col.Name, func(rf *repFinal) float64 {
				v, _ := rf.ext[j].peak(down)
				return v
			})
		}
		if c.Quantity("t_peak_"+col.Name+"_ms") == nil {
			derived(col.Name+".t_peak", "ms", results.RoleTime, "time to peak of "+label, "time of the "+what+" value of "+col.Name, func(rf *repFinal) float64 {
				_, t := rf.ext[j].peak(down)
				return t
			})
		}
		if col.Name == p.clear {
			derived(col.Name+".tau", "ms", results.RoleTime, "exponential-fit τ of "+label, "time constant of a single-exponential fit of "+col.Name+" from its peak (the summary column decay_tau_ms is area after the peak / peak)",
				func(rf *repFinal) float64 { return rf.tau })
		}
		if b := indexOf(p.buffered, col.Name); b >= 0 && isCurrent(col) && !(c.Quantity("charge_fC") != nil && currents(p.tsCols) == 1) {
			derived(col.Name+".charge", "fC", results.RoleCharge, "charge of "+label, "charge transfer: time integral of "+col.Name,
				func(rf *repFinal) float64 { return rf.charge[b] })
		}
	}
	// Fates from the time series, when the summary has none.
	hasFrac := false
	for _, q := range c.Quantities {
		if q.Source == "summary" && RoleOf(results.Column{Name: q.Name, Unit: q.Unit, Role: q.Role}) == results.RoleFraction {
			hasFrac = true
		}
	}
	if rel := indexColumn(p.tsCols, "released"); !hasFrac && rel >= 0 && p.fates {
		frac := func(fate string, cols []int) {
			derived("frac_"+fate, "", results.RoleFraction, "fraction "+strings.ReplaceAll(fate, "_", " "), "fraction of released molecules "+fate, func(rf *repFinal) float64 {
				var s float64
				for _, k := range cols {
					s += rf.last[k]
				}
				return s / rf.last[rel]
			})
		}
		for _, fate := range []string{"transported", "degraded", "escaped"} {
			if k := indexColumn(p.tsCols, fate); k >= 0 {
				frac(fate, []int{k})
			}
		}
		var bound []int
		for k, col := range p.tsCols {
			if strings.HasPrefix(col.Name, "bound_") {
				bound = append(bound, k)
			}
		}
		if len(bound) > 0 {
			frac("bound_end", bound)
		}
		if k := indexColumn(p.tsCols, "free_total"); k >= 0 {
			frac("free_end", []int{k})
		}
	}
	if p.rate != "" {
		unit := "1/ms"
		if k := indexColumn(p.tsCols, p.rate); k >= 0 && p.tsCols[k].Unit != "" {
			unit = p.tsCols[k].Unit + "/ms"
		}
		derived(p.rate+".rate0", unit, results.RoleOther, "initial rate of "+p.rate, "initial rate: slope of "+p.rate+" over the uptake window",
			func(rf *repFinal) float64 { return rf.rate0 })
	}
	if p.subst != "" {
		unit, role, label := "", results.RoleConcentration, p.subst
		if k := indexColumn(p.tsCols, p.subst); k >= 0 {
			unit, role, label = p.tsCols[k].Unit, RoleOf(p.tsCols[k]), LabelOf(p.tsCols[k])
		}
		derived(p.subst+".mean0", unit, role, "initial mean of "+label, "mean of "+p.subst+" over the uptake window",
			func(rf *repFinal) float64 { return rf.mean0 })
	}
	return c
}

// currents counts the pA columns.
func currents(cols []results.Column) int {
	n := 0
	for _, c := range cols {
		if isCurrent(c) {
			n++
		}
	}
	return n
}

// selectedFates reports whether the selection asks for fates: one of the
// cumulative fate columns is selected.
func selectedFates(p *condPlan) bool {
	for _, c := range p.selected {
		if RoleOf(c) == results.RoleFate {
			return true
		}
	}
	return false
}

func indexOf(list []string, s string) int {
	for i, x := range list {
		if x == s {
			return i
		}
	}
	return -1
}

func sortedReps[V any](m map[int64]V) []int64 {
	out := make([]int64, 0, len(m))
	for r := range m {
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// orderConditions sorts by dose when every name is a dose of one key, else
// by name.
func orderConditions(cs []*Condition) {
	doses, ok := sweepDoses(conditionNames(cs))
	if ok {
		sort.SliceStable(cs, func(i, j int) bool { return doses[cs[i].Name].Value < doses[cs[j].Name].Value })
		return
	}
	sort.SliceStable(cs, func(i, j int) bool { return cs[i].Name < cs[j].Name })
}

func conditionNames(cs []*Condition) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.Name
	}
	return out
}
