package montecarlo

import "math"

// summaryRule computes one summary column from a replicate's timeseries.
type summaryRule struct {
	col  Observable
	eval func(t []float64, rows [][]float64) float64
	// step marks a rule that the engine measures at step resolution
	// (stepPeaks): the peak (stepPeak), its time (stepPeakTime) or the
	// half-clearance time (stepHalf) of column stepCol.
	step    stepKind
	stepCol int
}

type stepKind int

const (
	stepNone stepKind = iota
	stepPeak
	stepPeakTime
	stepHalf
)

// SummaryColumns lists the per-replicate summary columns of the model.
func (m *Model) SummaryColumns() []Observable {
	rules := m.summaryRules()
	out := make([]Observable, len(rules))
	for i, r := range rules {
		out[i] = r.col
	}
	return out
}

// Summarise computes the summary row of one replicate from its samples
// (t[i] and rows[i] in the order of Columns).
func (m *Model) Summarise(t []float64, rows [][]float64) []float64 {
	rules := m.summaryRules()
	out := make([]float64, len(rules))
	for i, r := range rules {
		out[i] = r.eval(t, rows)
	}
	return out
}

func (m *Model) summaryRules() []summaryRule {
	var rules []summaryRule
	col := func(name string) int { return m.Column(name) }
	// The transmitter is the first species; the reference region is the
	// cleft when there is one.
	sf := ""
	if len(m.species) > 1 {
		sf = "_" + m.species[0]
	}
	free := col("free_cleft" + sf)
	where := "cleft"
	if free < 0 {
		free = col("free_total" + sf)
		where = "total"
	}
	peakRules := func(c int, name, unit, what string) {
		rules = append(rules,
			summaryRule{sumObs("peak_"+name, unit, "peak of "+what+", at step resolution (sample resolution in a sharded replicate)"), func(t []float64, rows [][]float64) float64 {
				_, v := peak(rows, c)
				return v
			}, stepPeak, c},
			summaryRule{sumObs("t_peak_"+name+"_ms", "ms", "time of the peak of "+what+", at step resolution (sample resolution in a sharded replicate)"), func(t []float64, rows [][]float64) float64 {
				i, _ := peak(rows, c)
				return t[i]
			}, stepPeakTime, c})
	}
	peakRules(free, "free_"+where, "molecules", "free transmitter ("+where+")")
	if c := col("conc_cleft" + sf + "_uM"); c >= 0 {
		rules = append(rules, summaryRule{sumObs("peak_conc_cleft_uM", "µM", "peak mean cleft concentration, at step resolution (sample resolution in a sharded replicate)"), func(t []float64, rows [][]float64) float64 {
			_, v := peak(rows, c)
			return v
		}, stepPeak, c})
	}
	rules = append(rules,
		summaryRule{sumObs("decay_tau_ms", "ms", "decay time constant of free transmitter ("+where+"): area after the sampled peak / sampled peak"), func(t []float64, rows [][]float64) float64 {
			i, p := peak(rows, free)
			if p <= 0 {
				return math.NaN()
			}
			area := 0.0
			for k := i + 1; k < len(t); k++ {
				area += 0.5 * (rows[k][free] + rows[k-1][free]) * (t[k] - t[k-1])
			}
			return area / p
		}, stepNone, -1},
		summaryRule{sumObs("half_clearance_ms", "ms", "time from the peak until free transmitter ("+where+") first falls below half the peak (NaN if never), at step resolution, interpolated within the step (sample resolution in a sharded replicate)"), func(t []float64, rows [][]float64) float64 {
			i, p := peak(rows, free)
			for k := i; k < len(t); k++ {
				if rows[k][free] < p/2 {
					return t[k] - t[i]
				}
			}
			return math.NaN()
		}, stepHalf, free})
	for _, st := range m.siteTypes {
		if c := col("open_" + st.Name); c >= 0 {
			peakRules(c, "open_"+st.Name, "sites", "open "+st.Name+" sites")
		}
	}
	// Fate fractions at the end of the run, per molecule released or emitted.
	for sp, name := range m.species {
		sfx := ""
		if len(m.species) > 1 {
			sfx = "_" + name
		}
		total := []int{col("released" + sfx)}
		if c := col("emitted" + sfx); c >= 0 {
			total = append(total, c)
		}
		frac := func(cols []int, what, desc string) {
			rules = append(rules, summaryRule{sumObs("frac_"+what+sfx, "1", desc), func(t []float64, rows [][]float64) float64 {
				last := rows[len(rows)-1]
				n := 0.0
				for _, c := range total {
					n += last[c]
				}
				if n == 0 {
					return math.NaN()
				}
				v := 0.0
				for _, c := range cols {
					v += last[c]
				}
				return v / n
			}, stepNone, -1})
		}
		frac([]int{col("transported" + sfx)}, "transported", "fraction taken up by transporters by the end")
		frac([]int{col("degraded" + sfx)}, "degraded", "fraction destroyed by the end")
		frac([]int{col("escaped" + sfx)}, "escaped", "fraction absorbed at the outer boundary by the end")
		var bound []int
		for _, st := range m.siteTypes {
			if c := col("bound_" + st.Name + sfx); c >= 0 {
				bound = append(bound, c)
			}
		}
		frac(bound, "bound_end", "fraction still bound to sites at the end")
		frac([]int{col("free_total" + sfx)}, "free_end", "fraction still free at the end")
		_ = sp
	}
	if c := col("current_pA"); c >= 0 {
		rules = append(rules,
			summaryRule{sumObs("peak_current_pA", "pA", "largest inward (most negative) current"), func(t []float64, rows [][]float64) float64 {
				v := 0.0
				for _, r := range rows {
					v = math.Min(v, r[c])
				}
				return v
			}, stepNone, -1},
			summaryRule{sumObs("charge_fC", "fC", "charge transfer: time integral of the current"), func(t []float64, rows [][]float64) float64 {
				q := 0.0
				for k := 1; k < len(t); k++ {
					q += 0.5 * (rows[k][c] + rows[k-1][c]) * (t[k] - t[k-1])
				}
				return q // pA·ms = fC
			}, stepNone, -1})
	}
	if c := col("transporter_current_pA"); c >= 0 {
		rules = append(rules, summaryRule{col: sumObs("transporter_charge_fC", "fC", "charge carried by transporter (charged site) transitions over the run: time integral of transporter_current_pA; inward negative"),
			eval: func(t []float64, rows [][]float64) float64 {
				// The column is the mean current over each sample interval,
				// so the rectangle rule is exact.
				q := 0.0
				for k := 1; k < len(t); k++ {
					q += rows[k][c] * (t[k] - t[k-1])
				}
				return q
			}})
	}
	m.annotateSummary(rules)
	return rules
}

// peak returns the index and value of the first maximum of column c.
func peak(rows [][]float64, c int) (int, float64) {
	bi, bv := 0, math.Inf(-1)
	for i, r := range rows {
		if r[c] > bv {
			bi, bv = i, r[c]
		}
	}
	return bi, bv
}

// stepPeaks follows, step by step, the columns whose peaks are summarised
// (peak_*, t_peak_*_ms, half_clearance_ms), so that these summaries do not
// depend on the sample interval: the running maximum and its time, and for
// the half-clearance column the time at which it first falls below half
// the running maximum after it, interpolated linearly within the step.
type stepPeaks struct {
	cols        []int // observable columns followed
	max, tmax   []float64
	half        int // index in cols of the half-clearance column, or −1
	prev, tprev float64
	thalf       float64 // NaN until the column falls below half its running maximum
	vals        []float64
}

// newStepPeaks returns the tracker of the model's summaries, or nil when
// there is nothing to follow.
func (m *Model) newStepPeaks() *stepPeaks {
	p := &stepPeaks{half: -1}
	idx := map[int]int{}
	for _, r := range m.summaryRules() {
		if r.step == stepNone || r.stepCol < 0 {
			continue
		}
		k, ok := idx[r.stepCol]
		if !ok {
			k = len(p.cols)
			idx[r.stepCol] = k
			p.cols = append(p.cols, r.stepCol)
		}
		if r.step == stepHalf {
			p.half = k
		}
	}
	if len(p.cols) == 0 {
		return nil
	}
	p.max = make([]float64, len(p.cols))
	p.tmax = make([]float64, len(p.cols))
	p.vals = make([]float64, len(p.cols))
	return p
}

// reset starts the tracker from the values of the sample at t = 0.
func (p *stepPeaks) reset(values []float64) {
	for k, c := range p.cols {
		p.max[k], p.tmax[k] = values[c], 0
	}
	p.thalf = math.NaN()
	if p.half >= 0 {
		p.prev, p.tprev = values[p.cols[p.half]], 0
	}
}

// observe takes the followed columns' values p.vals at time t.
func (p *stepPeaks) observe(t float64) {
	for k, v := range p.vals {
		if v > p.max[k] {
			p.max[k], p.tmax[k] = v, t
			if k == p.half {
				p.thalf = math.NaN()
			}
		}
	}
	if h := p.half; h >= 0 {
		v, target := p.vals[h], p.max[h]/2
		if math.IsNaN(p.thalf) && v < target && p.tmax[h] < t {
			f := 1.0
			if p.prev > v {
				f = math.Min(1, math.Max(0, (p.prev-target)/(p.prev-v)))
			}
			p.thalf = p.tprev + f*(t-p.tprev)
		}
		p.prev, p.tprev = v, t
	}
}

// trackPeaks updates the step tracker after a step: the free molecule
// counts (one pass over the molecules) and the followed columns.
func (e *Engine) trackPeaks() {
	p := e.pk
	m := e.m
	nr := m.nRegions
	counted := false
	// The count pass is skipped once the half-clearance time is known and
	// no free count can exceed its running maximum (all the free molecules
	// together do not): after a release, most steps.
	need := p.half >= 0 && math.IsNaN(p.thalf)
	all := float64(len(e.mol.X))
	for k, c := range p.cols {
		h := m.obs.how[c]
		switch h.kind {
		case obsFreeTotal, obsFreeRegion:
			need = need || all > p.max[k]
		case obsConc:
			need = need || all*h.scale > p.max[k]
		}
	}
	for k, c := range p.cols {
		h := m.obs.how[c]
		switch h.kind {
		case obsFreeTotal, obsFreeRegion, obsConc:
			if !need {
				p.vals[k] = math.Inf(-1) // cannot be a new maximum
				continue
			}
			if !counted {
				clear(e.free)
				for i := range e.mol.X {
					e.free[int(e.mol.Species[i])*nr+e.g.Region(int(e.mol.Voxel[i]))]++
				}
				counted = true
			}
		}
		var v float64
		switch h.kind {
		case obsFreeTotal:
			for r := 0; r < nr; r++ {
				v += float64(e.free[h.species*nr+r])
			}
		case obsFreeRegion:
			v = float64(e.free[h.species*nr+h.region])
		case obsConc:
			v = float64(e.free[h.species*nr+h.region]) * h.scale
		case obsOpen:
			v = float64(e.open(h.site))
		default:
			v = math.NaN()
		}
		p.vals[k] = v
	}
	p.observe(e.t)
}

// applyStepPeaks replaces the sample-based peak, peak-time and
// half-clearance summaries with the step-resolution ones.
func (m *Model) applyStepPeaks(p *stepPeaks, summary []float64) {
	if p == nil {
		return
	}
	for i, r := range m.summaryRules() {
		k := -1
		for j, c := range p.cols {
			if c == r.stepCol {
				k = j
			}
		}
		if k < 0 || math.IsNaN(p.vals[k]) || math.IsNaN(p.max[k]) {
			continue
		}
		switch r.step {
		case stepPeak:
			summary[i] = p.max[k]
		case stepPeakTime:
			summary[i] = p.tmax[k]
		case stepHalf:
			summary[i] = p.thalf - p.tmax[k]
		}
	}
}
