package analysis

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"gonum.org/v1/gonum/stat"

	"github.com/reuptake/reuptake/montecarlo/results"
)

// Analysis of the events table (mc analyze --table fpt|dwell|reactions):
// first-passage times per molecule, dwell times per site state and counts
// of every transition. The events files are streamed one replicate at a
// time (a file holds whole replicates, in order), so memory grows with the
// molecules and sites of one replicate, not with the run.

// EventTableNames are the tables EventTables computes.
var EventTableNames = []string{"fpt", "survival", "dwell", "reactions"}

// ErrNoEvents is wrapped by EventTables' error when the inputs hold no
// events table.
var ErrNoEvents = errors.New("no events table")

// EventFiles lists the events files of run directories, events condition
// directories or files, in path order.
func EventFiles(args ...string) ([]string, error) {
	var out []string
	for _, a := range args {
		st, err := os.Stat(a)
		if err != nil {
			return nil, err
		}
		root := a
		if st.IsDir() {
			if ev := filepath.Join(a, results.Events.Dir()); isDir(ev) {
				root = ev
			}
			err := filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
				if err != nil {
					return err
				}
				if strings.HasPrefix(d.Name(), ".") && p != root {
					if d.IsDir() {
						return filepath.SkipDir
					}
					return nil
				}
				if !d.IsDir() && strings.HasSuffix(p, ".parquet") {
					out = append(out, p)
				}
				return nil
			})
			if err != nil {
				return nil, err
			}
			continue
		}
		out = append(out, a)
	}
	sort.Strings(out)
	return out, nil
}

func isDir(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.IsDir()
}

// event is one row of an events file.
type event struct {
	rep                int64
	t                  float64
	kind, species      string
	siteType, from, to string
	site, mol          int64
	x, y, z            float64
}

// passage names the first-passage quantities.
var passages = []string{"bind", "uptake", "escape"}

// condEvents accumulates one condition.
type condEvents struct {
	name     string
	reps     int
	released int64
	times    [3][]float64 // per passage: release → first bind, uptake, escape (ms)
	dist     []float64    // uptake distance from the release point, µm
	dwell    map[[2]string][]float64
	censored map[[2]string]int
	kout     map[string]map[string]float64
	count    map[[4]string][]float64 // per transition: count per replicate
	duration float64
	// per replicate
	cur      int64
	start    map[int64][4]float64 // molecule → release time and position
	reached  map[int64]uint8      // molecule → passages reached (bits)
	since    map[int64]float64    // site → time it entered its state
	state    map[int64][2]string  // site → type, state
	perRep   map[[4]string]float64
	lastTime float64
}

func newCondEvents(name string) *condEvents {
	return &condEvents{name: name, dwell: map[[2]string][]float64{}, censored: map[[2]string]int{},
		count: map[[4]string][]float64{}, cur: -1}
}

// beginRep starts replicate r.
func (c *condEvents) beginRep(r int64) {
	c.endRep()
	c.cur = r
	c.reps++
	c.start, c.reached = map[int64][4]float64{}, map[int64]uint8{}
	c.since, c.state = map[int64]float64{}, map[int64][2]string{}
	c.perRep = map[[4]string]float64{}
}

// endRep closes the current replicate: dwells still running are
// censored, and the transitions that did not fire count 0.
func (c *condEvents) endRep() {
	if c.cur < 0 {
		return
	}
	for _, ts := range c.state {
		c.censored[ts]++
	}
	for k := range c.count {
		c.count[k] = append(c.count[k], c.perRep[k])
	}
	for k, n := range c.perRep {
		if _, ok := c.count[k]; !ok {
			c.count[k] = append(make([]float64, c.reps-1), n)
		}
	}
	c.cur = -1
}

func (c *condEvents) add(e *event) {
	if e.rep != c.cur {
		c.beginRep(e.rep)
	}
	c.lastTime = math.Max(c.lastTime, e.t)
	switch e.kind {
	case "release":
		c.released++
		c.start[e.mol] = [4]float64{e.t, e.x, e.y, e.z}
	case "bind", "transport", "escape":
		p := map[string]int{"bind": 0, "transport": 1, "escape": 2}[e.kind]
		s, ok := c.start[e.mol]
		if ok && e.mol >= 0 && c.reached[e.mol]&(1<<p) == 0 {
			c.reached[e.mol] |= 1 << p
			c.times[p] = append(c.times[p], e.t-s[0])
			if p == 1 {
				dx, dy, dz := e.x-s[1], e.y-s[2], e.z-s[3]
				c.dist = append(c.dist, math.Sqrt(dx*dx+dy*dy+dz*dz))
			}
		}
	}
	if e.site >= 0 {
		t0, ok := c.since[e.site]
		if !ok {
			t0 = 0 // sites start in their initial state at t = 0
		}
		c.dwell[[2]string{e.siteType, e.from}] = append(c.dwell[[2]string{e.siteType, e.from}], e.t-t0)
		c.since[e.site] = e.t
		c.state[e.site] = [2]string{e.siteType, e.to}
		c.perRep[[4]string{e.siteType, e.from, e.to, e.kind}]++
	}
}

// EventSummary is what the events of one condition say per molecule.
type EventSummary struct {
	Condition string
	Released  int64 // molecules released, all replicates
	// FirstBind, Uptake and Escape are the times from release to the first
	// binding, to uptake and to escape of the molecules that got there
	// (ms); UptakeDistance the distance of each uptake from its release
	// point (µm).
	FirstBind, Uptake, Escape, UptakeDistance []float64
	// Duration is the simulated duration of a replicate (ms), 0 if unknown.
	Duration float64
}

// EventData reads the events of args (as EventTables) and returns the
// first-passage data of each condition, in the order met.
func EventData(conditions []string, args ...string) ([]EventSummary, error) {
	conds, order, err := readEvents(conditions, args...)
	if err != nil {
		return nil, err
	}
	var out []EventSummary
	for _, n := range order {
		c := conds[n]
		out = append(out, EventSummary{Condition: n, Released: c.released, FirstBind: c.times[0], Uptake: c.times[1],
			Escape: c.times[2], UptakeDistance: c.dist, Duration: c.duration})
	}
	return out, nil
}

// EventTables computes the named event tables (of EventTableNames) from
// the events files of args (run directories, directories or files),
// restricted to the conditions listed (all when empty).
func EventTables(names []string, conditions []string, args ...string) ([]NamedTable, error) {
	conds, order, err := readEvents(conditions, args...)
	if err != nil {
		return nil, err
	}
	var out []NamedTable
	for _, n := range names {
		var t *Table
		switch n {
		case "fpt":
			t = fptTable(conds, order)
		case "survival":
			t = survivalTable(conds, order)
		case "dwell":
			t = dwellTable(conds, order)
		case "reactions":
			t = reactionsTable(conds, order)
		default:
			return nil, fmt.Errorf("unknown event table %q (want one of %s)", n, strings.Join(EventTableNames, ", "))
		}
		out = append(out, NamedTable{Name: n, Table: t})
	}
	return out, nil
}

// readEvents streams the events files of args into per-condition
// accumulators.
func readEvents(conditions []string, args ...string) (map[string]*condEvents, []string, error) {
	files, err := EventFiles(args...)
	if err != nil {
		return nil, nil, err
	}
	conds := map[string]*condEvents{}
	var order []string
	want := map[string]bool{}
	for _, c := range conditions {
		want[c] = true
	}
	ev := &event{}
	for _, path := range files {
		f, err := results.Open(path)
		if err != nil {
			return nil, nil, err
		}
		if f.Kind != results.Events {
			f.Close()
			continue
		}
		meta := f.Meta()
		name := meta[results.MetaCondition]
		if len(want) > 0 && !want[name] {
			f.Close()
			continue
		}
		c := conds[name]
		if c == nil {
			c = newCondEvents(name)
			conds[name] = c
			order = append(order, name)
			if s, ok := meta[results.MetaExitRates]; ok {
				json.Unmarshal([]byte(s), &c.kout)
			}
			c.duration, _ = strconv.ParseFloat(meta[results.MetaDuration], 64)
		}
		err = f.ScanRows(func(row []results.Value) error {
			*ev = event{rep: row[0].Int64(), t: row[1].Float64(), kind: row[2].Str(), species: row[3].Str(),
				siteType: row[4].Str(), site: row[5].Int64(), from: row[6].Str(), to: row[7].Str(), mol: row[8].Int64(),
				x: row[9].Float64(), y: row[10].Float64(), z: row[11].Float64()}
			c.add(ev)
			return nil
		})
		f.Close()
		if err != nil {
			return nil, nil, err
		}
	}
	if len(order) == 0 {
		return nil, nil, fmt.Errorf("%w in %s: write one with mc run --events (or output: {events: all} in the model)", ErrNoEvents, strings.Join(args, ", "))
	}
	for _, c := range conds {
		c.endRep()
	}
	return conds, order, nil
}

func eventMeanSE(xs []float64) (float64, float64) {
	if len(xs) == 0 {
		return math.NaN(), math.NaN()
	}
	m, sd := stat.MeanStdDev(xs, nil)
	return m, sd / math.Sqrt(float64(len(xs)))
}

func quantiles(xs []float64, ps ...float64) []string {
	out := make([]string, len(ps))
	if len(xs) == 0 {
		for i := range out {
			out[i] = "NaN"
		}
		return out
	}
	sort.Float64s(xs)
	for i, p := range ps {
		out[i] = FormatNum(stat.Quantile(p, stat.Empirical, xs, nil))
	}
	return out
}

func fptTable(conds map[string]*condEvents, order []string) *Table {
	t := &Table{Title: "First passage per molecule, from its release (ms; distance in um)",
		Header: []string{"condition", "passage", "released", "reached", "fraction", "mean", "se", "q05", "q25", "q50", "q75", "q95"}}
	for _, name := range order {
		c := conds[name]
		row := func(label string, xs []float64) {
			m, se := eventMeanSE(xs)
			frac := math.NaN()
			if c.released > 0 {
				frac = float64(len(xs)) / float64(c.released)
			}
			t.AddRow(append([]string{name, label, strconv.FormatInt(c.released, 10), strconv.Itoa(len(xs)), FormatNum(frac), FormatNum(m), FormatNum(se)},
				quantiles(xs, 0.05, 0.25, 0.5, 0.75, 0.95)...)...)
		}
		for p, label := range passages {
			row("release to first "+label, append([]float64(nil), c.times[p]...))
		}
		row("uptake distance from release (um)", append([]float64(nil), c.dist...))
	}
	return t
}

// survivalTable is S(t), the fraction of released molecules that have not
// reached each passage by t, at 20 times evenly spaced to the last event.
func survivalTable(conds map[string]*condEvents, order []string) *Table {
	t := &Table{Title: "Survival: fraction of the released molecules not yet bound, taken up or escaped",
		Header: []string{"condition", "t_ms", "not_bound", "not_taken_up", "not_escaped"}}
	for _, name := range order {
		c := conds[name]
		end := c.duration
		if !(end > 0) {
			end = c.lastTime
		}
		sorted := make([][]float64, 3)
		for p := range sorted {
			sorted[p] = append([]float64(nil), c.times[p]...)
			sort.Float64s(sorted[p])
		}
		for i := 0; i <= 20; i++ {
			tm := end * float64(i) / 20
			row := []string{name, FormatNum(tm)}
			for p := range sorted {
				n := sort.Search(len(sorted[p]), func(k int) bool { return sorted[p][k] > tm })
				row = append(row, FormatNum(1-float64(n)/float64(max(c.released, 1))))
			}
			t.AddRow(row...)
		}
	}
	return t
}

func dwellTable(conds map[string]*condEvents, order []string) *Table {
	t := &Table{Title: "Dwell times of site states, entry to exit (ms); expected 1/k_out for states left only by first-order transitions",
		Header: []string{"condition", "site_type", "state", "dwells", "censored", "mean", "se", "1/k_out", "q50", "q95"}}
	for _, name := range order {
		c := conds[name]
		keys := make([][2]string, 0, len(c.dwell))
		for k := range c.dwell {
			keys = append(keys, k)
		}
		sort.Slice(keys, func(i, j int) bool {
			return keys[i][0] < keys[j][0] || keys[i][0] == keys[j][0] && keys[i][1] < keys[j][1]
		})
		for _, k := range keys {
			xs := c.dwell[k]
			m, se := eventMeanSE(xs)
			exp := math.NaN()
			if r, ok := c.kout[k[0]][k[1]]; ok && r > 0 {
				exp = 1 / r
			}
			t.AddRow(append([]string{name, k[0], k[1], strconv.Itoa(len(xs)), strconv.Itoa(c.censored[k]), FormatNum(m), FormatNum(se), FormatNum(exp)},
				quantiles(append([]float64(nil), xs...), 0.5, 0.95)...)...)
		}
	}
	return t
}

func reactionsTable(conds map[string]*condEvents, order []string) *Table {
	t := &Table{Title: "Site transitions: count per replicate (mean ± SE) and rate (per ms of the run)",
		Header: []string{"condition", "site_type", "from_state", "to_state", "kind", "replicates", "count_mean", "count_se", "rate_per_ms"}}
	for _, name := range order {
		c := conds[name]
		keys := make([][4]string, 0, len(c.count))
		for k := range c.count {
			keys = append(keys, k)
		}
		sort.Slice(keys, func(i, j int) bool {
			for x := 0; x < 4; x++ {
				if keys[i][x] != keys[j][x] {
					return keys[i][x] < keys[j][x]
				}
			}
			return false
		})
		for _, k := range keys {
			xs := c.count[k]
			m, se := eventMeanSE(xs)
			rate := math.NaN()
			if c.duration > 0 {
				rate = m / c.duration
			}
			t.AddRow(name, k[0], k[1], k[2], k[3], strconv.Itoa(len(xs)), FormatNum(m), FormatNum(se), FormatNum(rate))
		}
	}
	return t
}
