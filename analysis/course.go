package analysis

import (
	"math"
	"sort"
)

// Band is a time course across replicates: for each sample time T[i], the
// number of replicates N[i] that reported a value, their mean, the standard
// error of the mean, and a t-based confidence interval [Lo[i], Hi[i]]
// (95% unless built with BandLevel). Times are ascending. SE, Lo and Hi are
// NaN where N[i] < 2.
type Band struct {
	T, Mean, SE, Lo, Hi []float64
	N                   []int
}

// CourseAccumulator aggregates time-series rows (replicate, t, value) into a
// Band in bounded memory: it keeps Welford running moments per distinct
// sample time, so memory grows with the number of time points, not with the
// number of rows or replicates. Rows may arrive in any order (several files,
// several tasks, interleaved replicates). Each (replicate, t) pair should be
// added once; replicate ids are not stored, only their range.
//
// Times are matched exactly (as float64 values, −0 equal to +0); the
// simulator writes the same sample times for every replicate. The zero value
// is ready to use. A CourseAccumulator is not safe for concurrent use; give
// each goroutine its own and combine them with Merge.
type CourseAccumulator struct {
	index   map[float64]int
	t       []float64
	n       []int
	mean    []float64
	m2      []float64
	rows    int64
	skipped int64
	repLo   int64
	repHi   int64
}

// Add records one row. Rows whose t or value is NaN are skipped (and
// counted, see Skipped).
func (a *CourseAccumulator) Add(replicate int64, t, value float64) {
	if math.IsNaN(t) || math.IsNaN(value) {
		a.skipped++
		return
	}
	if a.rows == 0 {
		a.repLo, a.repHi = replicate, replicate
	} else {
		a.repLo = min(a.repLo, replicate)
		a.repHi = max(a.repHi, replicate)
	}
	a.rows++
	i := a.slot(t)
	a.n[i]++
	d := value - a.mean[i]
	a.mean[i] += d / float64(a.n[i])
	a.m2[i] += d * (value - a.mean[i])
}

// slot returns the index of time t, creating it when new.
func (a *CourseAccumulator) slot(t float64) int {
	if t == 0 {
		t = 0 // fold −0 into +0
	}
	if a.index == nil {
		a.index = make(map[float64]int)
	}
	i, ok := a.index[t]
	if !ok {
		i = len(a.t)
		a.index[t] = i
		a.t = append(a.t, t)
		a.n = append(a.n, 0)
		a.mean = append(a.mean, 0)
		a.m2 = append(a.m2, 0)
	}
	return i
}

// Merge adds the rows accumulated by b into a (Chan et al.'s pairwise
// update), as if they had been added to a directly. b is not modified.
func (a *CourseAccumulator) Merge(b *CourseAccumulator) {
	if b.rows > 0 {
		if a.rows == 0 {
			a.repLo, a.repHi = b.repLo, b.repHi
		} else {
			a.repLo = min(a.repLo, b.repLo)
			a.repHi = max(a.repHi, b.repHi)
		}
	}
	a.rows += b.rows
	a.skipped += b.skipped
	for j, t := range b.t {
		nb := b.n[j]
		if nb == 0 {
			continue
		}
		i := a.slot(t)
		na := a.n[i]
		n := na + nb
		d := b.mean[j] - a.mean[i]
		a.mean[i] += d * float64(nb) / float64(n)
		a.m2[i] += b.m2[j] + d*d*float64(na)*float64(nb)/float64(n)
		a.n[i] = n
	}
}

// Rows returns the number of rows added (NaN rows excluded).
func (a *CourseAccumulator) Rows() int64 { return a.rows }

// Skipped returns the number of rows skipped because t or value was NaN.
func (a *CourseAccumulator) Skipped() int64 { return a.skipped }

// Len returns the number of distinct sample times seen.
func (a *CourseAccumulator) Len() int { return len(a.t) }

// ReplicateRange returns the smallest and largest replicate id added; ok is
// false when no row has been added.
func (a *CourseAccumulator) ReplicateRange() (lo, hi int64, ok bool) {
	return a.repLo, a.repHi, a.rows > 0
}

// Band returns the time course with t-based 95% confidence intervals.
func (a *CourseAccumulator) Band() Band { return a.BandLevel(0.95) }

// BandLevel returns the time course with t-based confidence intervals at the
// given level: Mean ∓ t((1+level)/2, N−1)·SE at each time.
func (a *CourseAccumulator) BandLevel(level float64) Band {
	k := len(a.t)
	order := make([]int, k)
	for i := range order {
		order[i] = i
	}
	sort.Slice(order, func(x, y int) bool { return a.t[order[x]] < a.t[order[y]] })
	b := Band{
		T: make([]float64, k), Mean: make([]float64, k), SE: make([]float64, k),
		Lo: make([]float64, k), Hi: make([]float64, k), N: make([]int, k),
	}
	tcrit := make(map[int]float64) // critical values by N; few distinct N
	for r, i := range order {
		n := a.n[i]
		b.T[r], b.Mean[r], b.N[r] = a.t[i], a.mean[i], n
		if n < 2 {
			b.SE[r], b.Lo[r], b.Hi[r] = math.NaN(), math.NaN(), math.NaN()
			continue
		}
		se := math.Sqrt(a.m2[i] / float64(n-1) / float64(n))
		tc, ok := tcrit[n]
		if !ok {
			tc = TCritical(level, float64(n-1))
			tcrit[n] = tc
		}
		h := tc * se
		b.SE[r], b.Lo[r], b.Hi[r] = se, a.mean[i]-h, a.mean[i]+h
	}
	return b
}
