package analysis

import "math"

// courseSet accumulates the time courses of k observables at once, with one
// shared index of sample times: per (time, observable) it keeps Welford's
// running count, mean and sum of squared deviations, like k
// CourseAccumulators but with one time lookup per row instead of k.
type courseSet struct {
	k     int
	index map[float64]int
	t     []float64
	n     []int // n[slot*k+j]
	mean  []float64
	m2    []float64
	last  int // slot of the previous row: rows usually come in time order
	rows  []int64
}

func newCourseSet(k int) *courseSet {
	return &courseSet{k: k, index: map[float64]int{}, last: -1, rows: make([]int64, k)}
}

// slot returns the slot of time t, creating it when new.
func (c *courseSet) slot(t float64) int {
	if t == 0 {
		t = 0 // fold −0 into +0
	}
	if i := c.last + 1; i < len(c.t) && c.t[i] == t {
		c.last = i
		return i
	}
	if c.last >= 0 && c.t[c.last] == t {
		return c.last
	}
	i, ok := c.index[t]
	if !ok {
		i = len(c.t)
		c.index[t] = i
		c.t = append(c.t, t)
		for range c.k {
			c.n = append(c.n, 0)
			c.mean = append(c.mean, 0)
			c.m2 = append(c.m2, 0)
		}
	}
	c.last = i
	return i
}

// add records value x of observable j at the slot returned by slot.
func (c *courseSet) add(slot, j int, x float64) {
	i := slot*c.k + j
	c.n[i]++
	d := x - c.mean[i]
	c.mean[i] += d / float64(c.n[i])
	c.m2[i] += d * (x - c.mean[i])
	c.rows[j]++
}

// merge adds b's moments into c (Chan et al.'s pairwise update); b must
// have the same observables.
func (c *courseSet) merge(b *courseSet) {
	for sb, t := range b.t {
		sa := c.slot(t)
		for j := range c.k {
			ib, ia := sb*b.k+j, sa*c.k+j
			nb := b.n[ib]
			if nb == 0 {
				continue
			}
			na := c.n[ia]
			n := na + nb
			d := b.mean[ib] - c.mean[ia]
			c.mean[ia] += d * float64(nb) / float64(n)
			c.m2[ia] += b.m2[ib] + d*d*float64(na)*float64(nb)/float64(n)
			c.n[ia] = n
		}
	}
	for j := range c.k {
		c.rows[j] += b.rows[j]
	}
}

// accumulator returns observable j's moments as a CourseAccumulator.
func (c *courseSet) accumulator(j int) *CourseAccumulator {
	a := &CourseAccumulator{rows: c.rows[j]}
	for s, t := range c.t {
		i := s*c.k + j
		if c.n[i] == 0 {
			continue
		}
		a.t = append(a.t, t)
		a.n = append(a.n, c.n[i])
		a.mean = append(a.mean, c.mean[i])
		a.m2 = append(a.m2, c.m2[i])
	}
	a.index = make(map[float64]int, len(a.t))
	for i, t := range a.t {
		a.index[t] = i
	}
	return a
}

// extremum tracks the largest and smallest value of a series and the first
// times they occur.
type extremum struct {
	max, tMax, min, tMin float64
	n                    int
}

func (e *extremum) add(t, x float64) {
	if e.n == 0 {
		e.max, e.tMax, e.min, e.tMin = x, t, x, t
	} else {
		if x > e.max || (x == e.max && t < e.tMax) {
			e.max, e.tMax = x, t
		}
		if x < e.min || (x == e.min && t < e.tMin) {
			e.min, e.tMin = x, t
		}
	}
	e.n++
}

// peak returns the extreme value and its time, the minimum when down.
func (e *extremum) peak(down bool) (v, t float64) {
	switch {
	case e.n == 0:
		return math.NaN(), math.NaN()
	case down:
		return e.min, e.tMin
	}
	return e.max, e.tMax
}

// lineSums accumulates the sums of a least-squares line y = a + b·t.
type lineSums struct {
	n                int
	st, sy, stt, sty float64
}

func (l *lineSums) add(t, y float64) {
	l.n++
	l.st += t
	l.sy += y
	l.stt += t * t
	l.sty += t * y
}

// slope returns the least-squares slope b, NaN with fewer than two distinct
// times.
func (l *lineSums) slope() float64 {
	n := float64(l.n)
	d := n*l.stt - l.st*l.st
	if l.n < 2 || !(d > 0) {
		return math.NaN()
	}
	return (n*l.sty - l.st*l.sy) / d
}

// mean returns the mean of y, NaN when empty.
func (l *lineSums) mean() float64 {
	if l.n == 0 {
		return math.NaN()
	}
	return l.sy / float64(l.n)
}
