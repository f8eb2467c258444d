package montecarlo

import "math"

// summaryRule computes one summary column from a replicate's timeseries.
type summaryRule struct {
	col  Observable
	eval func(t []float64, rows [][]float64) float64
}

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
			summaryRule{sumObs("peak_"+name, unit, "peak of "+what), func(t []float64, rows [][]float64) float64 {
				_, v := peak(rows, c)
				return v
			}},
			summaryRule{sumObs("t_peak_"+name+"_ms", "ms", "time of the peak of "+what), func(t []float64, rows [][]float64) float64 {
				i, _ := peak(rows, c)
				return t[i]
			}})
	}
	peakRules(free, "free_"+where, "molecules", "free transmitter ("+where+")")
	if c := col("conc_cleft" + sf + "_uM"); c >= 0 {
		rules = append(rules, summaryRule{sumObs("peak_conc_cleft_uM", "µM", "peak mean cleft concentration"), func(t []float64, rows [][]float64) float64 {
			_, v := peak(rows, c)
			return v
		}})
	}
	rules = append(rules,
		summaryRule{sumObs("decay_tau_ms", "ms", "decay time constant of free transmitter ("+where+"): area after the peak / peak"), func(t []float64, rows [][]float64) float64 {
			i, p := peak(rows, free)
			if p <= 0 {
				return math.NaN()
			}
			area := 0.0
			for k := i + 1; k < len(t); k++ {
				area += 0.5 * (rows[k][free] + rows[k-1][free]) * (t[k] - t[k-1])
			}
			return area / p
		}},
		summaryRule{sumObs("half_clearance_ms", "ms", "time from the peak until free transmitter ("+where+") first falls below half the peak (NaN if never)"), func(t []float64, rows [][]float64) float64 {
			i, p := peak(rows, free)
			for k := i; k < len(t); k++ {
				if rows[k][free] < p/2 {
					return t[k] - t[i]
				}
			}
			return math.NaN()
		}})
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
			}})
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
			}},
			summaryRule{sumObs("charge_fC", "fC", "charge transfer: time integral of the current"), func(t []float64, rows [][]float64) float64 {
				q := 0.0
				for k := 1; k < len(t); k++ {
					q += 0.5 * (rows[k][c] + rows[k-1][c]) * (t[k] - t[k-1])
				}
				return q // pA·ms = fC
			}})
	}
	if c := col("transporter_current_pA"); c >= 0 {
		rules = append(rules, summaryRule{sumObs("transporter_charge_fC", "fC", "charge carried by transporter (charged site) transitions over the run: time integral of transporter_current_pA; inward negative"),
			func(t []float64, rows [][]float64) float64 {
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
