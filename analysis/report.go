package analysis

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"runtime"
	"strconv"
	"strings"
	"sync"
)

// Options control Analyze.
type Options struct {
	LoadOptions
	// Resamples is the number of bootstrap resamples per interval: 0 means
	// DefaultResamples, a negative value turns the bootstrap off.
	Resamples int
	// Seed seeds the bootstrap; every interval uses the same stream, so a
	// report is reproducible.
	Seed uint64
}

// QuantityStats summarises one quantity of one condition across replicates.
type QuantityStats struct {
	Condition string
	Quantity  *Quantity
	Summary
	// BootLo, BootHi are the 95% percentile-bootstrap interval of the mean
	// (NaN when the bootstrap is off or there are fewer than two values).
	BootLo, BootHi float64
}

// ClearanceFit holds the exponential fits of a condition's mean clearance
// curve: the mean of the clearance observable from the time of its peak
// (TPeak) to the end, with time measured from the peak.
type ClearanceFit struct {
	Condition, Observable, Unit string
	TPeak, Peak                 float64 // of the mean curve
	N                           int     // points fitted
	Exp1                        Fit1
	Err1                        error
	Exp2                        Fit2
	Err2                        error
}

// Report is the result of Analyze.
type Report struct {
	*Dataset
	Options   Options
	Stats     []QuantityStats // per condition, in quantity order
	Clearance []ClearanceFit  // per condition with a clearance observable
}

// Analyze is the main analysis entry point: it resolves paths (run
// directories, partitions, globs and files: see Resolve), streams the
// files with Load, and summarises every condition with Summarize.
func Analyze(paths []string, opts Options) (*Report, error) {
	srcs, err := Resolve(paths...)
	if err != nil {
		return nil, err
	}
	ds, err := Load(srcs, opts.LoadOptions)
	if err != nil {
		return nil, err
	}
	return Summarize(ds, opts), nil
}

// Summarize computes, for each condition, the descriptive statistics of
// every quantity (Describe, plus a bootstrap interval of the mean) and the
// single- and double-exponential fits of the mean clearance curve.
func Summarize(ds *Dataset, opts Options) *Report {
	r := &Report{Dataset: ds, Options: opts}
	for _, c := range ds.Conditions {
		for _, q := range c.Quantities {
			r.Stats = append(r.Stats, QuantityStats{Condition: c.Name, Quantity: q})
		}
	}
	resamples := opts.Resamples
	if resamples == 0 {
		resamples = DefaultResamples
	}
	// The bootstrap dominates for many replicates: spread it over CPUs.
	workers := opts.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	var wg sync.WaitGroup
	next := make(chan int)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				s := &r.Stats[i]
				s.Summary = Describe(s.Quantity.Values)
				s.BootLo, s.BootHi = math.NaN(), math.NaN()
				if resamples > 0 && s.N >= 2 {
					s.BootLo, s.BootHi = BootstrapCI(dropNaN(s.Quantity.Values), mean, 0.95, resamples, opts.Seed)
				}
			}
		}()
	}
	for i := range r.Stats {
		next <- i
	}
	close(next)
	wg.Wait()
	if ds.Clearance != "" {
		for _, c := range ds.Conditions {
			if _, ok := c.Observable(ds.Clearance); !ok && opts.Clearance == "" {
				continue
			}
			if b, ok := c.Courses[ds.Clearance]; ok {
				r.Clearance = append(r.Clearance, fitClearance(c.Name, ds.Clearance, unitOf(c, ds.Clearance), b))
			}
		}
	}
	return r
}

// unitOf returns the unit of a condition's observable ("" if unknown).
func unitOf(c *Condition, name string) string {
	if col, ok := c.Observable(name); ok {
		return col.Unit
	}
	return ""
}

// fitClearance fits the mean curve from its peak on.
func fitClearance(cond, obs, unit string, b Band) ClearanceFit {
	f := ClearanceFit{Condition: cond, Observable: obs, Unit: unit, TPeak: math.NaN(), Peak: math.NaN()}
	ip := -1
	for i, v := range b.Mean {
		if ip < 0 || v > b.Mean[ip] {
			ip = i
		}
	}
	if ip < 0 {
		f.Err1 = fmt.Errorf("%w: no data", ErrFit)
		f.Err2 = f.Err1
		return f
	}
	f.TPeak, f.Peak = b.T[ip], b.Mean[ip]
	t := make([]float64, 0, len(b.T)-ip)
	for _, v := range b.T[ip:] {
		t = append(t, v-f.TPeak)
	}
	y := b.Mean[ip:]
	f.N = len(y)
	f.Exp1, f.Err1 = FitExp1(t, y)
	f.Exp2, f.Err2 = FitExp2(t, y)
	return f
}

// NamedTable is a table with a short machine name (the --table name and the
// JSON key).
type NamedTable struct {
	Name string
	*Table
}

// WriteTables writes tables in one of TableFormats. Text and Markdown print
// them one after the other. JSON writes one object whose keys are the table
// names and whose values are the arrays Table.Write gives; tables sharing a
// name are concatenated. CSV writes a single table as plain CSV, and several
// as blocks, each preceded by a "# <name>: <title>" line and separated by a
// blank line.
func WriteTables(w io.Writer, format string, tables []NamedTable) error {
	f := strings.ToLower(format)
	switch f {
	case "json":
		var order []string
		rows := map[string][]string{}
		for _, t := range tables {
			var buf bytes.Buffer
			if err := t.Write(&buf, "json"); err != nil {
				return err
			}
			s := strings.TrimSpace(buf.String())
			s = strings.TrimSpace(strings.TrimSuffix(strings.TrimPrefix(s, "["), "]"))
			if _, ok := rows[t.Name]; !ok {
				order = append(order, t.Name)
				rows[t.Name] = nil
			}
			if s != "" {
				rows[t.Name] = append(rows[t.Name], s)
			}
		}
		var b strings.Builder
		b.WriteString("{")
		for i, name := range order {
			if i > 0 {
				b.WriteString(",")
			}
			k := strconv.Quote(name)
			body := strings.Join(rows[name], ",\n  ")
			if body == "" {
				fmt.Fprintf(&b, "\n%s: []", k)
				continue
			}
			body = strings.ReplaceAll(body, "\n  {", "\n    {")
			fmt.Fprintf(&b, "\n%s: [\n    %s\n  ]", k, body)
		}
		b.WriteString("\n}\n")
		_, err := io.WriteString(w, b.String())
		return err
	case "csv":
		if len(tables) == 1 {
			return tables[0].Write(w, "csv")
		}
		for i, t := range tables {
			if i > 0 {
				if _, err := io.WriteString(w, "\n"); err != nil {
					return err
				}
			}
			head := t.Name + ": " + t.Title
			if strings.HasPrefix(t.Title, t.Name) {
				head = t.Title
			}
			if _, err := fmt.Fprintf(w, "# %s\n", head); err != nil {
				return err
			}
			if err := t.Write(w, "csv"); err != nil {
				return err
			}
		}
		return nil
	case "text", "txt", "", "markdown", "md":
		for i, t := range tables {
			if i > 0 {
				if _, err := io.WriteString(w, "\n"); err != nil {
					return err
				}
			}
			if err := t.Write(w, f); err != nil {
				return err
			}
		}
		return nil
	}
	return fmt.Errorf("analysis: unknown table format %q (want one of %s)", format, strings.Join(TableFormats, ", "))
}

// numFormatter returns the cell formatter of a table format: 4 significant
// digits for text and Markdown (tables for people), the shortest exact
// representation for CSV and JSON (tables for programs).
func numFormatter(format string) func(float64) string {
	switch strings.ToLower(format) {
	case "csv", "json":
		return func(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }
	}
	return func(v float64) string {
		if math.IsNaN(v) {
			return "NaN"
		}
		return strconv.FormatFloat(v, 'g', 4, 64)
	}
}

// forPeople reports whether format is text or Markdown.
func forPeople(format string) bool {
	switch strings.ToLower(format) {
	case "csv", "json":
		return false
	}
	return true
}

// ReportTables lists the tables of a Report, in the order Tables gives
// them by default.
var ReportTables = []string{"inputs", "stats", "clearance", "course"}

// DefaultReportTables are the tables Tables returns when none is named.
var DefaultReportTables = []string{"inputs", "stats", "clearance"}

// Tables returns the named tables (see ReportTables; nil means
// DefaultReportTables) formatted for format. For text and Markdown the
// stats table is split by condition.
func (r *Report) Tables(format string, which []string) ([]NamedTable, error) {
	if len(which) == 0 {
		which = DefaultReportTables
	}
	var out []NamedTable
	for _, w := range which {
		switch strings.TrimSpace(w) {
		case "inputs":
			out = append(out, NamedTable{"inputs", r.InputsTable()})
		case "stats":
			out = append(out, r.StatsTables(format)...)
		case "clearance":
			if len(r.Clearance) > 0 {
				out = append(out, NamedTable{"clearance", r.ClearanceTable(format)})
			}
		case "course":
			out = append(out, NamedTable{"course", r.CourseTable(format)})
		default:
			return nil, fmt.Errorf("analysis: unknown table %q (want %s)", w, strings.Join(ReportTables, ", "))
		}
	}
	return out, nil
}

// InputsTable lists, per condition, the files, rows and replicates read and
// the seed and model they come from.
func (r *Report) InputsTable() *Table { return InputsTable(r.Dataset) }

// InputsTable lists, per condition, the files, rows and replicates read and
// the seed and model they come from.
func InputsTable(ds *Dataset) *Table {
	t := &Table{Header: []string{"condition", "ts_files", "summary_files", "rows", "replicates", "replicate_range", "seed", "model"},
		Text: []string{"condition", "replicate_range", "seed", "model"}}
	reps := 0
	for _, c := range ds.Conditions {
		rng := ""
		if n := len(c.Replicates); n > 0 {
			rng = fmt.Sprintf("%d-%d", c.Replicates[0], c.Replicates[n-1])
		}
		reps += len(c.Replicates)
		t.AddRow(c.Name, strconv.Itoa(c.TimeseriesFiles), strconv.Itoa(c.SummaryFiles), strconv.FormatInt(c.Rows, 10),
			strconv.Itoa(len(c.Replicates)), rng, strings.Join(c.Seeds, ","), shortHash(c.ModelHash))
	}
	t.Title = fmt.Sprintf("inputs: %d file(s), %d condition(s), %d replicate(s)", len(ds.Files), len(ds.Conditions), reps)
	if n := len(ds.Skipped); n > 0 {
		t.Title += fmt.Sprintf("; %d bad file(s) skipped", n)
	}
	return t
}

var statsHeader = []string{"quantity", "label", "role", "unit", "source", "n", "mean", "sd", "se", "ci95_lo", "ci95_hi", "boot_lo", "boot_hi",
	"min", "q05", "q25", "median", "q75", "q95", "max"}

// statsHeaderText is the narrower header of text and Markdown tables.
var statsHeaderText = []string{"quantity", "unit", "n", "mean", "sd", "se", "ci95_lo", "ci95_hi", "boot_lo", "boot_hi",
	"q25", "median", "q75"}

// StatsTables returns the per-replicate statistics: for CSV and JSON one
// long table with a condition column, each quantity's label and role (see
// Quantity) and every statistic (statsHeader); for text and Markdown one
// table per condition, without the label, role, source, extreme quantiles
// and min/max, to fit a terminal, with units as people read them (µM).
func (r *Report) StatsTables(format string) []NamedTable {
	num := numFormatter(format)
	boot := "bootstrap off"
	if r.Options.Resamples >= 0 {
		n := r.Options.Resamples
		if n == 0 {
			n = DefaultResamples
		}
		boot = fmt.Sprintf("95%% bootstrap CI of the mean (%d resamples, seed %d)", n, r.Options.Seed)
	}
	if !forPeople(format) {
		t := &Table{Title: "per-replicate statistics; " + boot, Header: append([]string{"condition"}, statsHeader...),
			Text: []string{"condition", "quantity", "label", "role", "unit", "source"}}
		for _, s := range r.Stats {
			q := s.Quantity
			t.AddRow(s.Condition, q.Name, q.Label, string(q.Role), q.Unit, q.Source, strconv.Itoa(s.N), num(s.Mean), num(s.SD), num(s.SE), num(s.CI95[0]), num(s.CI95[1]),
				num(s.BootLo), num(s.BootHi), num(s.Min), num(s.Q05), num(s.Q25), num(s.Median), num(s.Q75), num(s.Q95), num(s.Max))
		}
		return []NamedTable{{"stats", t}}
	}
	var out []NamedTable
	for _, c := range r.Conditions {
		t := &Table{Header: statsHeaderText, Text: []string{"quantity", "unit"}}
		for _, s := range r.Stats {
			if s.Condition != c.Name {
				continue
			}
			q := s.Quantity
			t.AddRow(q.Name, PrettyUnit(q.Unit), strconv.Itoa(s.N), num(s.Mean), num(s.SD), num(s.SE), num(s.CI95[0]), num(s.CI95[1]),
				num(s.BootLo), num(s.BootHi), num(s.Q25), num(s.Median), num(s.Q75))
		}
		t.Title = fmt.Sprintf("condition %s: %d replicate(s); 95%% t CI of the mean; %s", c.Name, len(c.Replicates), boot)
		out = append(out, NamedTable{"stats", t})
	}
	return out
}

// ClearanceTable lists the exponential fits of the mean clearance curves:
// one row for the single and one for the double exponential per condition,
// with 95% intervals of the time constants.
func (r *Report) ClearanceTable(format string) *Table {
	num := numFormatter(format)
	t := &Table{
		Title: "clearance: exponential fits of the mean " + r.Dataset.Clearance + " from its peak, y = A1·exp(−t/τ1) [+ A2·exp(−t/τ2)], 95% CI",
		Header: []string{"condition", "model", "t_peak_ms", "points", "a1", "tau1_ms", "tau1_lo", "tau1_hi", "a2", "tau2_ms", "tau2_lo", "tau2_hi",
			"r2", "note"},
		Text: []string{"condition", "model", "note"},
	}
	nan := math.NaN()
	for _, f := range r.Clearance {
		if f.Err1 == nil || errors.Is(f.Err1, ErrSingular) {
			e := f.Exp1
			t.AddRow(f.Condition, "exp1", num(f.TPeak), strconv.Itoa(f.N), num(e.A.Value), num(e.Tau.Value), num(e.Tau.Lo), num(e.Tau.Hi),
				"", "", "", "", num(e.R2), errNote(f.Err1))
		} else {
			t.AddRow(f.Condition, "exp1", num(f.TPeak), strconv.Itoa(f.N), num(nan), num(nan), num(nan), num(nan), "", "", "", "", num(nan), errNote(f.Err1))
		}
		if f.Err2 == nil || errors.Is(f.Err2, ErrSingular) {
			e := f.Exp2
			note := errNote(f.Err2)
			if e.A1.Value <= 0 || e.A2.Value <= 0 {
				note = strings.TrimPrefix(note+"; a component has a negative amplitude (a rise, not a decay)", "; ")
			}
			t.AddRow(f.Condition, "exp2", num(f.TPeak), strconv.Itoa(f.N), num(e.A1.Value), num(e.Tau1.Value), num(e.Tau1.Lo), num(e.Tau1.Hi),
				num(e.A2.Value), num(e.Tau2.Value), num(e.Tau2.Lo), num(e.Tau2.Hi), num(e.R2), note)
		} else {
			t.AddRow(f.Condition, "exp2", num(f.TPeak), strconv.Itoa(f.N), num(nan), num(nan), num(nan), num(nan), num(nan), num(nan), num(nan), num(nan),
				num(nan), errNote(f.Err2))
		}
	}
	return t
}

// errNote shortens a fit error for a table cell.
func errNote(err error) string {
	switch {
	case err == nil:
		return ""
	case errors.Is(err, ErrSingular):
		return "not identifiable (no CI)"
	}
	s := err.Error()
	s = strings.ReplaceAll(s, "analysis: ", "")
	return s
}

// CourseTable lists the time courses: per condition, observable and sample
// time, the number of replicates, mean, SE and 95% t interval.
func (r *Report) CourseTable(format string) *Table {
	num := numFormatter(format)
	t := &Table{Title: "time courses: mean across replicates with 95% t CI",
		Header: []string{"condition", "observable", "unit", "t_ms", "n", "mean", "se", "ci95_lo", "ci95_hi"},
		Text:   []string{"condition", "observable", "unit"}}
	for _, c := range r.Conditions {
		for _, o := range c.Observables {
			b := c.Courses[o.Name]
			for i := range b.T {
				t.AddRow(c.Name, o.Name, o.Unit, num(b.T[i]), strconv.Itoa(b.N[i]), num(b.Mean[i]), num(b.SE[i]), num(b.Lo[i]), num(b.Hi[i]))
			}
		}
	}
	return t
}

// ContrastTables lists contrasts (see Contrasts): for CSV and JSON one long
// table with reference and condition columns, for text and Markdown one
// table per (reference, condition) pair titled with its pairing.
func ContrastTables(groups [][]Contrast, pairings []Pairing, format string, alpha float64) []NamedTable {
	num := numFormatter(format)
	level := strconv.FormatFloat(100*(1-alpha), 'g', 4, 64)
	sig := func(c Contrast) string {
		if c.Significant {
			return "yes"
		}
		return "no"
	}
	if !forPeople(format) {
		t := &Table{
			Title: fmt.Sprintf("differences condition − reference, %s%% CI; significant: p_adj < %g", level, alpha),
			Header: []string{"reference", "condition", "quantity", "label", "unit", "method", "n_ref", "n", "mean_ref", "mean", "diff", "ci_lo", "ci_hi",
				"rel_pct", "t", "df", "p", "p_adj", "effect", "es", "es_lo", "es_hi", "significant"},
			Text: []string{"reference", "condition", "quantity", "label", "unit", "method", "effect", "significant"},
		}
		for _, g := range groups {
			for _, c := range g {
				t.AddRow(c.Reference, c.Condition, c.Quantity, c.Label, c.Unit, c.Method, strconv.Itoa(c.N2), strconv.Itoa(c.N1), num(c.MeanB), num(c.MeanA),
					num(c.Diff), num(c.CILo), num(c.CIHi), num(100*c.Rel), num(c.T), num(c.DF), num(c.P), num(c.PAdj),
					c.EffectName, num(c.Effect), num(c.EffectLo), num(c.EffectHi), sig(c))
			}
		}
		return []NamedTable{{"contrasts", t}}
	}
	var out []NamedTable
	for i, g := range groups {
		if len(g) == 0 {
			continue
		}
		adjusted := false
		for _, c := range g {
			if c.PAdj != c.P && !(math.IsNaN(c.P) && math.IsNaN(c.PAdj)) {
				adjusted = true
			}
		}
		header := []string{"quantity", "unit", "mean_ref", "mean", "diff", "ci_lo", "ci_hi", "rel_%", "p"}
		if adjusted {
			header = append(header, "p_holm")
		}
		t := &Table{Header: append(header, "effect", "es", "es_lo", "es_hi", "sig"), Text: []string{"quantity", "unit", "effect", "sig"}}
		for _, c := range g {
			mark := ""
			if c.Significant {
				mark = "*"
			}
			row := []string{c.Quantity, PrettyUnit(c.Unit), num(c.MeanB), num(c.MeanA), num(c.Diff), num(c.CILo), num(c.CIHi), num(100 * c.Rel),
				pFormat(c.P, format)}
			if adjusted {
				row = append(row, pFormat(c.PAdj, format))
			}
			t.AddRow(append(row, c.EffectName, num(c.Effect), num(c.EffectLo), num(c.EffectHi), mark)...)
		}
		c := g[0]
		sig := fmt.Sprintf("p < %g", alpha)
		if adjusted {
			sig = fmt.Sprintf("Holm-adjusted p < %g", alpha)
		}
		t.Title = fmt.Sprintf("%s − %s (reference): %s; %s%% CI; * %s", c.Condition, c.Reference, pairings[i].Reason, level, sig)
		out = append(out, NamedTable{"contrasts", t})
	}
	return out
}

// pFormat prints p-values: tiny ones as <1e-16 for people.
func pFormat(p float64, format string) string {
	if forPeople(format) && p < 1e-16 {
		return "<1e-16"
	}
	return numFormatter(format)(p)
}

// DoseTable lists dose–response fits (see DoseResponse).
func DoseTable(fits []DoseFit, format string) *Table {
	num := numFormatter(format)
	t := &Table{Header: []string{"quantity", "unit", "doses", "direction", "ec50", "ec50_lo", "ec50_hi", "hill", "hill_lo", "hill_hi",
		"bottom", "top", "r2", "note"}, Text: []string{"quantity", "unit", "direction", "note"}}
	if len(fits) == 0 {
		return t
	}
	f0 := fits[0]
	t.Title = fmt.Sprintf("dose–response over %s (%s): Hill fits to every replicate, 95%% CI (ec50 is the IC50 of decreasing responses)",
		f0.Key, orNone(DisplayUnit(f0.DoseUnit)))
	few := true
	for _, f := range fits {
		few = few && errors.Is(f.Err, ErrTooFewDoses)
	}
	if few {
		t.Title = fmt.Sprintf("dose–response over %s (%s)", f0.Key, orNone(DisplayUnit(f0.DoseUnit)))
		t.Header, t.Text = []string{"note"}, []string{"note"}
		t.AddRow(fmt.Sprintf("%d doses: a Hill fit needs at least %d (compare the doses above instead)", len(f0.Points), MinHillDoses))
		return t
	}
	nan := num(math.NaN())
	for _, f := range fits {
		doses := strconv.Itoa(len(f.Points))
		if !f.Fitted() {
			t.AddRow(f.Quantity, f.Unit, doses, "", nan, nan, nan, nan, nan, nan, nan, nan, nan, errNote(f.Err))
			continue
		}
		h := f.Hill
		dir := "decreasing"
		if h.Increasing {
			dir = "increasing"
		}
		note := errNote(f.Err)
		if lo, hi := f.Points[0].Dose, f.Points[len(f.Points)-1].Dose; !(h.IC50.Value >= lo && h.IC50.Value <= hi) {
			note = strings.TrimPrefix(note+"; ec50 outside the doses tested", "; ")
		}
		t.AddRow(f.Quantity, f.Unit, doses, dir, num(h.IC50.Value), num(h.IC50.Lo), num(h.IC50.Hi), num(h.Slope.Value), num(h.Slope.Lo),
			num(h.Slope.Hi), num(h.Bottom.Value), num(h.Top.Value), num(h.R2), note)
	}
	return t
}

// UptakeTable lists an apparent Michaelis–Menten fit (see KmVmax).
func UptakeTable(f UptakeFit, format string) *Table {
	num := numFormatter(format)
	t := &Table{
		Title: fmt.Sprintf("apparent Michaelis–Menten: v = %s against S = %s, one point per replicate, 95%% CI", f.Rate, f.Substrate),
		Header: []string{"rate", "rate_unit", "substrate", "s_unit", "conditions", "points", "vmax", "vmax_lo", "vmax_hi", "km", "km_lo",
			"km_hi", "r2", "note"},
		Text: []string{"rate", "rate_unit", "substrate", "s_unit", "note"},
	}
	nan := num(math.NaN())
	if !f.Fitted() {
		t.AddRow(f.Rate, f.RateUnit, f.Substrate, f.SubstrateUnit, strconv.Itoa(f.Conditions), strconv.Itoa(len(f.S)), nan, nan, nan, nan,
			nan, nan, nan, errNote(f.Err))
		return t
	}
	m := f.MM
	t.AddRow(f.Rate, f.RateUnit, f.Substrate, f.SubstrateUnit, strconv.Itoa(f.Conditions), strconv.Itoa(len(f.S)), num(m.Vmax.Value),
		num(m.Vmax.Lo), num(m.Vmax.Hi), num(m.Km.Value), num(m.Km.Lo), num(m.Km.Hi), num(m.R2), errNote(f.Err))
	return t
}

func orNone(unit string) string {
	if unit == "" {
		return "dimensionless"
	}
	return unit
}
