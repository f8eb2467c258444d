package analysis

import (
	"errors"
	"fmt"
	"math"
	"path"
	"runtime"
	"sort"
	"strings"
	"sync"

	"github.com/reuptake/reuptake/montecarlo/results"
)

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
	Name        string
	Unit        string
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

// BadFile is a file that could not be analysed.
type BadFile struct {
	Path string
	Err  error
}

// BadFilesError reports empty, truncated or corrupt files.
type BadFilesError struct{ Files []BadFile }

// Error lists the bad files and why each could not be read.
func (e *BadFilesError) Error() string {
	var b strings.Builder
	if len(e.Files) == 1 {
		fmt.Fprintf(&b, "bad results file %s: %v", e.Files[0].Path, trimPath(e.Files[0]))
		return b.String()
	}
	fmt.Fprintf(&b, "%d bad results files:", len(e.Files))
	for _, f := range e.Files {
		fmt.Fprintf(&b, "\n  %s: %v", f.Path, trimPath(f))
	}
	return b.String()
}

// trimPath shortens an error that repeats the file's path.
func trimPath(f BadFile) string {
	s := f.Err.Error()
	for _, p := range []string{"results: open " + f.Path + ": ", "results: scan " + f.Path + ": ", "results: "} {
		s = strings.TrimPrefix(s, p)
	}
	return s
}

// MissingObservableError reports observables asked for that no file has.
type MissingObservableError struct {
	Missing    []string
	Timeseries []string // observables present in timeseries files
	Summary    []string // columns present in summary files
}

// Error names the missing observables and lists those present.
func (e *MissingObservableError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "no column matches %s", quoteList(e.Missing))
	if len(e.Timeseries) > 0 {
		fmt.Fprintf(&b, "\n  timeseries observables: %s", strings.Join(e.Timeseries, ", "))
	}
	if len(e.Summary) > 0 {
		fmt.Fprintf(&b, "\n  summary columns: %s", strings.Join(e.Summary, ", "))
	}
	return b.String()
}

// MissingConditionError reports conditions asked for that no file has.
type MissingConditionError struct {
	Missing, Present []string
}

// Error names the missing conditions and lists those present.
func (e *MissingConditionError) Error() string {
	return fmt.Sprintf("no condition %s (conditions present: %s)", quoteList(e.Missing), strings.Join(e.Present, ", "))
}

// MixedModelsError reports files of one condition written from different
// models (different results.MetaModelHash).
type MixedModelsError struct {
	Condition string
	Hashes    []string            // distinct hashes in order of first file
	Files     map[string][]string // files by hash
}

// Error lists the files of each model.
func (e *MixedModelsError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "condition %q mixes files from %d different models (%s):", e.Condition, len(e.Hashes), results.MetaModelHash)
	for _, h := range e.Hashes {
		fs := e.Files[h]
		fmt.Fprintf(&b, "\n  model %s: %d file(s): %s", shortHash(h), len(fs), strings.Join(fs, ", "))
	}
	return b.String()
}

// DuplicateReplicateError reports a replicate found in two files of one
// condition and table (the same file given twice under two names, two runs
// mixed, or overlapping tasks).
type DuplicateReplicateError struct {
	Condition   string
	Kind        results.Kind
	Replicate   int64
	First, Then string
}

// Error names the replicate and both files.
func (e *DuplicateReplicateError) Error() string {
	return fmt.Sprintf("condition %q: replicate %d appears in two %s files: %s and %s (mixed runs or overlapping tasks?)",
		e.Condition, e.Replicate, e.Kind, e.First, e.Then)
}

// shortHash abbreviates a model hash for messages.
func shortHash(h string) string {
	if h == "" {
		return "(none)"
	}
	if len(h) > 12 {
		return h[:12]
	}
	return h
}

func quoteList(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = fmt.Sprintf("%q", n)
	}
	return strings.Join(q, ", ")
}

// fileHeader is what Load learns from a file's footer.
type fileHeader struct {
	path  string
	cond  string
	kind  results.Kind
	cols  []results.Column
	rows  int64
	seed  string
	hash  string
	reps  string
	index int // position in the input
}

// condPlan says what to accumulate for one condition.
type condPlan struct {
	name     string
	files    []*fileHeader
	tsCols   []results.Column // union of timeseries columns, in order
	sumCols  []results.Column // union of summary columns, in order
	tracked  []string         // observables with courses and extrema
	selected []results.Column // selected timeseries observables
	sumSel   []results.Column // selected summary columns
	buffered []string         // observables whose series are kept per replicate: clearance and currents
	clear    string
	rate     string
	subst    string
	fates    bool // derive fate fractions from the time series if the summary has none
}

// Load reads the given results files (see Resolve) and aggregates them per
// condition in bounded memory: the files are streamed row by row, several
// at a time (LoadOptions.Workers), and what is kept grows with the number
// of sample times and of replicates, not with the number of rows. Only the
// time series of the clearance observable and of currents (pA) are kept per
// replicate, and only for the files being read, to fit each replicate's
// clearance time constant and integrate its charge.
//
// Every file is checked before any is read: unreadable, empty (no rows)
// and corrupt files are reported together (BadFilesError) unless SkipBad;
// files of one condition written from different models (MixedModelsError),
// observables and conditions not present (MissingObservableError,
// MissingConditionError) and a replicate present in two files of a
// condition (DuplicateReplicateError) are errors. The condition of a file
// is its condition=<c> directory, else its results.MetaCondition metadata,
// else "default". Rows of one replicate must all be in one file; they may
// be in any order.
func Load(srcs []Source, opts LoadOptions) (*Dataset, error) {
	ds := &Dataset{}
	var bad []BadFile
	var hdrs []*fileHeader
	// Conditions asked for, matched against the names the paths show (and,
	// below, the metadata).
	var pathConds []string
	for _, s := range srcs {
		if s.Condition != "" {
			pathConds = append(pathConds, s.Condition)
		}
	}
	wanted, _ := ResolveConditions(opts.Conditions, pathConds)
	want := map[string]bool{}
	for _, c := range wanted {
		want[c] = true
	}
	present := map[string]bool{}
	for i, s := range srcs {
		if len(opts.Conditions) > 0 && s.Condition != "" && !want[s.Condition] {
			present[s.Condition] = true // not read, not checked
			continue
		}
		h, err := readHeader(s, i)
		if err != nil {
			bad = append(bad, BadFile{Path: s.Path, Err: err})
			continue
		}
		hdrs = append(hdrs, h)
	}
	if len(bad) > 0 && !opts.SkipBad {
		return nil, &BadFilesError{Files: bad}
	}
	ds.Skipped = bad

	// Conditions.
	for _, h := range hdrs {
		present[h.cond] = true
	}
	if len(opts.Conditions) > 0 {
		resolved, missing := ResolveConditions(opts.Conditions, sortedKeys(present))
		if len(missing) > 0 {
			return nil, &MissingConditionError{Missing: missing, Present: sortedKeys(present)}
		}
		want := map[string]bool{}
		for _, c := range resolved {
			want[c] = true
		}
		kept := hdrs[:0]
		for _, h := range hdrs {
			if want[h.cond] {
				kept = append(kept, h)
			}
		}
		hdrs = kept
	}
	if len(hdrs) == 0 {
		return nil, errors.New("analysis: no readable results files")
	}
	plans, err := planConditions(hdrs, opts)
	if err != nil {
		return nil, err
	}
	for _, p := range plans {
		if p.clear != "" {
			ds.Clearance = p.clear
		}
	}
	ds.Uptake = opts.Uptake

	// Read.
	aggs := make(map[string]*condAgg, len(plans))
	for _, p := range plans {
		aggs[p.name] = newCondAgg(p)
	}
	workers := opts.Workers
	if workers <= 0 {
		workers = min(runtime.GOMAXPROCS(0), DefaultMaxWorkers)
	}
	var jobs []*fileHeader
	for _, p := range plans {
		jobs = append(jobs, p.files...)
	}
	sort.Slice(jobs, func(i, j int) bool { return jobs[i].index < jobs[j].index })
	for start := 0; start < len(jobs); start += workers {
		batch := jobs[start:min(start+workers, len(jobs))]
		res := make([]*fileAgg, len(batch))
		errs := make([]error, len(batch))
		var wg sync.WaitGroup
		for i, h := range batch {
			wg.Add(1)
			go func() {
				defer wg.Done()
				res[i], errs[i] = readFile(h, aggs[h.cond].plan, opts)
			}()
		}
		wg.Wait()
		for i, h := range batch {
			if errs[i] != nil {
				if !opts.SkipBad {
					return nil, &BadFilesError{Files: []BadFile{{Path: h.path, Err: errs[i]}}}
				}
				ds.Skipped = append(ds.Skipped, BadFile{Path: h.path, Err: errs[i]})
				continue
			}
			if err := aggs[h.cond].merge(res[i]); err != nil {
				return nil, err
			}
			ds.Files = append(ds.Files, FileInfo{Path: h.path, Condition: h.cond, Kind: h.kind, Rows: h.rows,
				Seed: h.seed, ModelHash: h.hash, Replicates: h.reps})
		}
	}
	for _, p := range plans {
		a := aggs[p.name]
		if a.tsFiles+a.sumFiles == 0 {
			continue // every file of the condition was skipped
		}
		ds.Conditions = append(ds.Conditions, a.finish())
	}
	if len(ds.Conditions) == 0 {
		return nil, errors.New("analysis: no readable results files")
	}
	orderConditions(ds.Conditions)
	return ds, nil
}

// ResolveConditions matches requested condition names against the present
// ones, in the order requested. Condition names may hold commas (the
// conditions of a multi-key sweep are named a@1,b@2), so an entry that is
// not a present name is split at its commas and the pieces are joined back,
// longest first, into present names: "a@1,b@2,a@1,b@3" gives the two
// conditions a@1,b@2 and a@1,b@3, and "ctrl,drug" gives ctrl and drug.
// Pieces that match nothing are returned in missing.
func ResolveConditions(requested, present []string) (resolved, missing []string) {
	have := map[string]bool{}
	for _, p := range present {
		have[p] = true
	}
	add := func(c string) {
		for _, r := range resolved {
			if r == c {
				return
			}
		}
		resolved = append(resolved, c)
	}
	for _, req := range requested {
		req = strings.TrimSpace(req)
		if req == "" {
			continue
		}
		if have[req] {
			add(req)
			continue
		}
		pieces := strings.Split(req, ",")
		for i := 0; i < len(pieces); {
			j := len(pieces)
			for ; j > i; j-- {
				if have[strings.Join(pieces[i:j], ",")] {
					break
				}
			}
			if j == i {
				if p := strings.TrimSpace(pieces[i]); p != "" {
					missing = append(missing, p)
				}
				i++
				continue
			}
			add(strings.Join(pieces[i:j], ","))
			i = j
		}
	}
	return resolved, missing
}

// readHeader opens a file and reads its footer.
func readHeader(s Source, index int) (*fileHeader, error) {
	f, err := results.Open(s.Path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	h := &fileHeader{path: s.Path, cond: s.Condition, kind: f.Kind, cols: append([]results.Column(nil), f.Columns()...),
		rows: f.NumRows(), index: index}
	h.seed, _ = f.Lookup(results.MetaSeed)
	h.hash, _ = f.Lookup(results.MetaModelHash)
	h.reps, _ = f.Lookup(results.MetaReplicates)
	if h.cond == "" {
		h.cond, _ = f.Lookup(results.MetaCondition)
	}
	if h.cond == "" {
		h.cond = "default"
	}
	if h.rows == 0 {
		return nil, errors.New("empty: the file has no rows")
	}
	return h, nil
}

// planConditions groups files by condition, checks model hashes and
// resolves the observable selection.
func planConditions(hdrs []*fileHeader, opts LoadOptions) ([]*condPlan, error) {
	var plans []*condPlan
	byName := map[string]*condPlan{}
	for _, h := range hdrs {
		p := byName[h.cond]
		if p == nil {
			p = &condPlan{name: h.cond}
			byName[h.cond] = p
			plans = append(plans, p)
		}
		p.files = append(p.files, h)
		cols := &p.tsCols
		if h.kind == results.Summary {
			cols = &p.sumCols
		}
		for _, c := range h.cols {
			if !hasColumn(*cols, c.Name) {
				*cols = append(*cols, c)
			}
		}
	}
	// Models.
	for _, p := range plans {
		files := map[string][]string{}
		var hashes []string
		for _, h := range p.files {
			if h.hash == "" {
				continue
			}
			if _, ok := files[h.hash]; !ok {
				hashes = append(hashes, h.hash)
			}
			files[h.hash] = append(files[h.hash], h.path)
		}
		if len(hashes) > 1 {
			return nil, &MixedModelsError{Condition: p.name, Hashes: hashes, Files: files}
		}
	}
	// Selection, over the union of all conditions.
	var allTS, allSum []results.Column
	for _, p := range plans {
		for _, c := range p.tsCols {
			if !hasColumn(allTS, c.Name) {
				allTS = append(allTS, c)
			}
		}
		for _, c := range p.sumCols {
			if !hasColumn(allSum, c.Name) {
				allSum = append(allSum, c)
			}
		}
	}
	selTS, selSum, err := selectColumns(allTS, allSum, opts.Observables)
	if err != nil {
		return nil, err
	}
	clear := opts.Clearance
	if clear != "" && !hasColumn(allTS, clear) {
		return nil, &MissingObservableError{Missing: []string{clear}, Timeseries: names(allTS), Summary: names(allSum)}
	}
	if clear == "" {
		clear = defaultClearance(allTS)
	}
	var rate, subst string
	if u := opts.Uptake; u != nil {
		if !(u.Window > 0) {
			return nil, fmt.Errorf("analysis: uptake window must be > 0 ms, got %g", u.Window)
		}
		rate = u.Rate
		if rate == "" {
			rate = "transported"
		}
		subst = u.Substrate
		if subst == "" {
			subst = defaultSubstrate(allTS)
		}
		var missing []string
		if !hasColumn(allTS, rate) {
			missing = append(missing, rate)
		}
		if subst != "" && !hasColumn(allTS, subst) {
			missing = append(missing, subst)
		}
		if len(missing) > 0 {
			return nil, &MissingObservableError{Missing: missing, Timeseries: names(allTS), Summary: names(allSum)}
		}
	}
	for _, p := range plans {
		for _, c := range selTS {
			if i := indexColumn(p.tsCols, c.Name); i >= 0 {
				p.selected = append(p.selected, p.tsCols[i])
				p.tracked = append(p.tracked, c.Name)
			}
		}
		for _, c := range selSum {
			if hasColumn(p.sumCols, c.Name) {
				p.sumSel = append(p.sumSel, c)
			}
		}
		if hasColumn(p.tsCols, clear) {
			p.clear = clear
			if !contains(p.tracked, clear) {
				p.tracked = append(p.tracked, clear)
			}
			p.buffered = append(p.buffered, clear)
		}
		for _, c := range p.selected {
			if isCurrent(c) && !contains(p.buffered, c.Name) {
				p.buffered = append(p.buffered, c.Name)
			}
		}
		if opts.Uptake != nil {
			p.rate, p.subst = rate, subst
		}
		p.fates = len(opts.Observables) == 0 || selectedFates(p)
	}
	return plans, nil
}

// selectColumns applies the observable patterns.
func selectColumns(ts, sum []results.Column, patterns []string) (selTS, selSum []results.Column, err error) {
	if len(patterns) == 0 {
		for _, c := range ts {
			if !isStateColumn(c.Name, ts) {
				selTS = append(selTS, c)
			}
		}
		return selTS, sum, nil
	}
	var missing []string
	tsSet, sumSet := map[string]bool{}, map[string]bool{}
	for _, p := range patterns {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		if _, err := path.Match(p, ""); err != nil {
			return nil, nil, fmt.Errorf("analysis: bad observable pattern %q: %w", p, err)
		}
		hit := false
		for _, c := range ts {
			if p == "all" || matchName(p, c.Name) {
				tsSet[c.Name], hit = true, true
			}
		}
		for _, c := range sum {
			if p == "all" || matchName(p, c.Name) {
				sumSet[c.Name], hit = true, true
			}
		}
		if !hit {
			missing = append(missing, p)
		}
	}
	if len(missing) > 0 {
		return nil, nil, &MissingObservableError{Missing: missing, Timeseries: names(ts), Summary: names(sum)}
	}
	for _, c := range ts {
		if tsSet[c.Name] {
			selTS = append(selTS, c)
		}
	}
	for _, c := range sum {
		related := false
		for _, o := range selTS {
			if containsToken(c.Name, o.Name) {
				related = true
			}
		}
		if sumSet[c.Name] || related {
			selSum = append(selSum, c)
		}
	}
	return selTS, selSum, nil
}

// matchName reports whether name matches a pattern or equals it.
func matchName(pattern, name string) bool {
	if pattern == name {
		return true
	}
	ok, _ := path.Match(pattern, name)
	return ok
}

// containsToken reports whether name contains tok delimited by '_' or the
// ends of the string (peak_free_cleft contains free_cleft, not free).
func containsToken(name, tok string) bool {
	for i := 0; i+len(tok) <= len(name); i++ {
		if name[i:i+len(tok)] != tok {
			continue
		}
		if (i == 0 || name[i-1] == '_') && (i+len(tok) == len(name) || name[i+len(tok)] == '_') {
			return true
		}
	}
	return false
}

// isStateColumn reports whether name is <site>_<state> for a site that has
// a bound_<site> column (a per-state count of a kinetic scheme).
func isStateColumn(name string, cols []results.Column) bool {
	for _, c := range cols {
		site, ok := strings.CutPrefix(c.Name, "bound_")
		if ok && strings.HasPrefix(name, site+"_") {
			return true
		}
	}
	return false
}

// isCurrent reports whether c is a current in pA.
func isCurrent(c results.Column) bool { return c.Unit == "pA" }

// defaultClearance picks the clearance observable.
func defaultClearance(ts []results.Column) string {
	for _, n := range []string{"free_cleft", "free_total"} {
		if hasColumn(ts, n) {
			return n
		}
	}
	for _, c := range ts {
		if strings.HasPrefix(c.Name, "free_") {
			return c.Name
		}
	}
	return ""
}

// defaultSubstrate picks the concentration column of uptake runs.
func defaultSubstrate(ts []results.Column) string {
	if hasColumn(ts, "conc_cleft_uM") {
		return "conc_cleft_uM"
	}
	for _, c := range ts {
		if c.Unit == "µM" || c.Unit == "uM" {
			return c.Name
		}
	}
	return ""
}

func hasColumn(cols []results.Column, name string) bool { return indexColumn(cols, name) >= 0 }

func indexColumn(cols []results.Column, name string) int {
	for i, c := range cols {
		if c.Name == name {
			return i
		}
	}
	return -1
}

func names(cols []results.Column) []string {
	out := make([]string, len(cols))
	for i, c := range cols {
		out[i] = c.Name
	}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// repFinal is what is kept of one replicate's time series.
type repFinal struct {
	ext    []extremum // per tracked observable
	last   []float64  // per timeseries column of the condition: value at the last time
	tau    float64
	charge []float64 // per buffered observable (currents); NaN for others
	rate0  float64
	mean0  float64
}

// repState accumulates one replicate while its file is read.
type repState struct {
	ext   []extremum
	last  []float64
	tLast float64
	seen  bool
	t     []float64   // sample times, for the buffered observables
	y     [][]float64 // per buffered observable
	rate  lineSums
	subst lineSums
}

// fileAgg is what one file contributes.
type fileAgg struct {
	h      *fileHeader
	course *courseSet
	reps   map[int64]*repFinal
	order  []int64
	sum    map[int64][]float64 // summary values per replicate, in plan.sumSel order
}

// readFile streams one file.
func readFile(h *fileHeader, p *condPlan, opts LoadOptions) (*fileAgg, error) {
	f, err := results.Open(h.path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fa := &fileAgg{h: h}
	cols := f.Columns()
	idx := func(name string) int { return indexColumn(cols, name) }
	if f.Kind == results.Summary {
		sel := make([]int, len(p.sumSel))
		for i, c := range p.sumSel {
			sel[i] = idx(c.Name)
		}
		fa.sum = map[int64][]float64{}
		err := f.Scan(func(rep int64, _ float64, v []float64) error {
			if _, dup := fa.sum[rep]; dup {
				return fmt.Errorf("replicate %d appears twice", rep)
			}
			row := make([]float64, len(sel))
			for i, j := range sel {
				row[i] = math.NaN()
				if j >= 0 {
					row[i] = v[j]
				}
			}
			fa.sum[rep] = row
			fa.order = append(fa.order, rep)
			return nil
		})
		if err != nil {
			return nil, err
		}
		return fa, nil
	}

	tracked := make([]int, len(p.tracked)) // tracked j → file column
	for j, n := range p.tracked {
		tracked[j] = idx(n)
	}
	buffered := make([]int, len(p.buffered))
	for j, n := range p.buffered {
		buffered[j] = idx(n)
	}
	lastMap := make([]int, len(cols)) // file column → condition column
	for i, c := range cols {
		lastMap[i] = indexColumn(p.tsCols, c.Name)
	}
	rateCol, substCol := -1, -1
	if p.rate != "" {
		rateCol = idx(p.rate)
	}
	if p.subst != "" {
		substCol = idx(p.subst)
	}
	window := math.Inf(-1)
	if opts.Uptake != nil {
		window = opts.Uptake.Window
	}
	fa.course = newCourseSet(len(tracked))
	states := map[int64]*repState{}
	var rs *repState
	lastRep := int64(math.MinInt64)
	hint := 0 // samples per replicate so far: replicates share their sample times
	err = f.Scan(func(rep int64, t float64, v []float64) error {
		if rs == nil || rep != lastRep {
			if rs != nil {
				hint = max(hint, len(rs.t))
			}
			rs = states[rep]
			if rs == nil {
				rs = &repState{ext: make([]extremum, len(tracked)), last: make([]float64, len(p.tsCols)), y: make([][]float64, len(buffered))}
				if len(buffered) > 0 && hint > 0 {
					rs.t = make([]float64, 0, hint)
					for j := range rs.y {
						rs.y[j] = make([]float64, 0, hint)
					}
				}
				for i := range rs.last {
					rs.last[i] = math.NaN()
				}
				states[rep] = rs
				fa.order = append(fa.order, rep)
			}
			lastRep = rep
		}
		if math.IsNaN(t) {
			return nil
		}
		slot := fa.course.slot(t)
		for j, ci := range tracked {
			if ci < 0 {
				continue
			}
			x := v[ci]
			if math.IsNaN(x) {
				continue
			}
			fa.course.add(slot, j, x)
			rs.ext[j].add(t, x)
		}
		if !rs.seen || t >= rs.tLast {
			rs.seen, rs.tLast = true, t
			for i, x := range v {
				if k := lastMap[i]; k >= 0 {
					rs.last[k] = x
				}
			}
		}
		if len(buffered) > 0 {
			rs.t = append(rs.t, t)
			for j, ci := range buffered {
				x := math.NaN()
				if ci >= 0 {
					x = v[ci]
				}
				rs.y[j] = append(rs.y[j], x)
			}
		}
		if t <= window {
			if rateCol >= 0 && !math.IsNaN(v[rateCol]) {
				rs.rate.add(t, v[rateCol])
			}
			if substCol >= 0 && !math.IsNaN(v[substCol]) {
				rs.subst.add(t, v[substCol])
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	fa.reps = make(map[int64]*repFinal, len(states))
	for rep, rs := range states {
		fa.reps[rep] = finishReplicate(rs, p)
	}
	return fa, nil
}

// finishReplicate fits and integrates one replicate's buffered series.
func finishReplicate(rs *repState, p *condPlan) *repFinal {
	rf := &repFinal{ext: rs.ext, last: rs.last, tau: math.NaN(), charge: make([]float64, len(p.buffered)),
		rate0: rs.rate.slope(), mean0: rs.subst.mean()}
	if len(p.buffered) > 0 && !sort.Float64sAreSorted(rs.t) {
		idx := make([]int, len(rs.t))
		for i := range idx {
			idx[i] = i
		}
		sort.SliceStable(idx, func(a, b int) bool { return rs.t[idx[a]] < rs.t[idx[b]] })
		permute := func(x []float64) {
			c := make([]float64, len(x))
			for i, k := range idx {
				c[i] = x[k]
			}
			copy(x, c)
		}
		permute(rs.t)
		for _, y := range rs.y {
			permute(y)
		}
	}
	for j, name := range p.buffered {
		rf.charge[j] = math.NaN()
		t, y := dropNaNPairs(rs.t, rs.y[j])
		if name == p.clear {
			rf.tau = decayTau(t, y)
		}
		if len(t) > 1 {
			rf.charge[j] = trapezoid(t, y)
		}
	}
	return rf
}

// dropNaNPairs returns t, y without the points where y is NaN (sharing
// storage when there is none).
func dropNaNPairs(t, y []float64) ([]float64, []float64) {
	clean := true
	for _, v := range y {
		if math.IsNaN(v) {
			clean = false
			break
		}
	}
	if clean {
		return t, y
	}
	var ct, cy []float64
	for i, v := range y {
		if !math.IsNaN(v) {
			ct = append(ct, t[i])
			cy = append(cy, v)
		}
	}
	return ct, cy
}

// decayTau fits A·exp(−(t−t_peak)/τ) to a series from its peak and returns
// τ, NaN when the fit fails or the peak is not positive.
func decayTau(t, y []float64) float64 {
	ip := -1
	for i, v := range y {
		if ip < 0 || v > y[ip] {
			ip = i
		}
	}
	if ip < 0 || !(y[ip] > 0) || len(y)-ip < 3 {
		return math.NaN()
	}
	// The fit stops once the signal is gone: at half as long again as the
	// time it takes to first fall below 0.5% of the peak. The points past
	// that are noise around zero; they add cost, not information.
	end := len(y)
	for i := ip; i < len(y); i++ {
		if y[i] < 0.005*y[ip] {
			tEnd := t[ip] + 1.5*(t[i]-t[ip])
			end = i
			for end < len(y) && t[end] <= tEnd {
				end++
			}
			break
		}
	}
	if end-ip < 3 {
		end = min(len(y), ip+3)
	}
	tt := make([]float64, end-ip)
	for i := range tt {
		tt[i] = t[ip+i] - t[ip]
	}
	f, err := FitExp1(tt, y[ip:end])
	if err != nil && !errors.Is(err, ErrSingular) {
		return math.NaN()
	}
	if !(f.Tau.Value > 0) || math.IsInf(f.Tau.Value, 0) {
		return math.NaN()
	}
	return f.Tau.Value
}

// condAgg accumulates a condition across files.
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
		q := &Quantity{Name: col.Name, Unit: col.Unit, Source: "summary", Description: col.Description}
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
	derived := func(name, unit, desc string, value func(rf *repFinal) float64) {
		q := &Quantity{Name: name, Unit: unit, Source: "timeseries", Description: desc,
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
		// The summary's peak_<obs> and t_peak_<obs>_ms are the same values.
		if c.Quantity("peak_"+col.Name) == nil {
			derived(col.Name+".peak", col.Unit, what+" value of "+col.Name, func(rf *repFinal) float64 {
				v, _ := rf.ext[j].peak(down)
				return v
			})
		}
		if c.Quantity("t_peak_"+col.Name+"_ms") == nil {
			derived(col.Name+".t_peak", "ms", "time of the "+what+" value of "+col.Name, func(rf *repFinal) float64 {
				_, t := rf.ext[j].peak(down)
				return t
			})
		}
		if col.Name == p.clear {
			derived(col.Name+".tau", "ms", "clearance time constant: exponential fit of "+col.Name+" from its peak",
				func(rf *repFinal) float64 { return rf.tau })
		}
		if b := indexOf(p.buffered, col.Name); b >= 0 && isCurrent(col) && !(c.Quantity("charge_fC") != nil && currents(p.tsCols) == 1) {
			derived(col.Name+".charge", "fC", "charge transfer: time integral of "+col.Name,
				func(rf *repFinal) float64 { return rf.charge[b] })
		}
	}
	// Fates from the time series, when the summary has none.
	hasFrac := false
	for _, q := range c.Quantities {
		if strings.HasPrefix(q.Name, "frac_") {
			hasFrac = true
		}
	}
	if rel := indexColumn(p.tsCols, "released"); !hasFrac && rel >= 0 && p.fates {
		frac := func(fate string, cols []int) {
			derived("frac_"+fate, "", "fraction of released molecules "+fate, func(rf *repFinal) float64 {
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
		derived(p.rate+".rate0", unit, "initial rate: slope of "+p.rate+" over the uptake window",
			func(rf *repFinal) float64 { return rf.rate0 })
	}
	if p.subst != "" {
		unit := ""
		if k := indexColumn(p.tsCols, p.subst); k >= 0 {
			unit = p.tsCols[k].Unit
		}
		derived(p.subst+".mean0", unit, "mean of "+p.subst+" over the uptake window",
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
		switch c.Name {
		case "transported", "degraded", "escaped", "released":
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
