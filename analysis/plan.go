package analysis

import (
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/reuptake/reuptake/montecarlo/results"
)

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
			if !slices.Contains(p.tracked, clear) {
				p.tracked = append(p.tracked, clear)
			}
			p.buffered = append(p.buffered, clear)
		}
		for _, c := range p.selected {
			if isCurrent(c) && !slices.Contains(p.buffered, c.Name) {
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

// isCurrent reports whether c is an electrical current.
func isCurrent(c results.Column) bool { return RoleOf(c) == results.RoleCurrent }

// defaultClearance picks the clearance observable: the free molecules in
// the cleft (by role and region when the file records them, else by name:
// free_cleft, free_total, the first free_*).
func defaultClearance(ts []results.Column) string {
	for _, region := range []string{"cleft", ""} {
		for _, c := range ts {
			if c.Role == results.RoleCount && c.Region == region {
				return c.Name
			}
		}
	}
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

// defaultSubstrate picks the concentration column of uptake runs: the
// concentration in the cleft (by role and region, else by name).
func defaultSubstrate(ts []results.Column) string {
	for _, c := range ts {
		if c.Role == results.RoleConcentration && c.Region == "cleft" {
			return c.Name
		}
	}
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
