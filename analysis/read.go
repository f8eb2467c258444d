package analysis

import (
	"errors"
	"fmt"
	"math"
	"sort"

	"github.com/reuptake/reuptake/montecarlo/results"
)

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
