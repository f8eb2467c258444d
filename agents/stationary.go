package agents

import "math"

// Stationary returns the stationary distribution of the scheme's
// unimolecular transitions (first-order, bath-driven, unbinding, transport,
// emission; hit-driven binding of diffusing species is left out, i.e. no
// transmitter is present), over the states reachable from start. When the
// reachable states do not form one closed communicating class it returns
// the point mass at start.
func (c *Compiled) Stationary(start int) []float64 {
	n := len(c.States)
	pi := make([]float64, n)
	pi[start] = 1
	// Reachable states from start, and those that reach back to start.
	reach := make([]bool, n)
	reach[start] = true
	queue := []int{start}
	for len(queue) > 0 {
		u := queue[0]
		queue = queue[1:]
		for _, o := range c.Out[u] {
			if o.Rate > 0 && !reach[o.To] {
				reach[o.To] = true
				queue = append(queue, o.To)
			}
		}
	}
	back := make([]bool, n)
	back[start] = true
	for changed := true; changed; {
		changed = false
		for u := 0; u < n; u++ {
			if !reach[u] || back[u] {
				continue
			}
			for _, o := range c.Out[u] {
				if o.Rate > 0 && back[o.To] {
					back[u], changed = true, true
					break
				}
			}
		}
	}
	var idx []int
	pos := make([]int, n)
	for u := 0; u < n; u++ {
		if reach[u] {
			if !back[u] {
				return pi
			}
			pos[u] = len(idx)
			idx = append(idx, u)
		}
	}
	k := len(idx)
	if k == 1 {
		return pi
	}
	// Solve πQ = 0, Σπ = 1: the rows of A are the balance equations
	// (columns of Q), the last replaced by normalisation.
	a := make([][]float64, k)
	for i := range a {
		a[i] = make([]float64, k+1)
	}
	for _, u := range idx {
		for _, o := range c.Out[u] {
			if o.Rate <= 0 || o.To == u {
				continue
			}
			a[pos[o.To]][pos[u]] += o.Rate
			a[pos[u]][pos[u]] -= o.Rate
		}
	}
	for j := 0; j < k; j++ {
		a[k-1][j] = 1
	}
	a[k-1][k] = 1
	for col := 0; col < k; col++ {
		piv := col
		for r := col + 1; r < k; r++ {
			if math.Abs(a[r][col]) > math.Abs(a[piv][col]) {
				piv = r
			}
		}
		a[col], a[piv] = a[piv], a[col]
		if a[col][col] == 0 {
			return pi
		}
		for r := 0; r < k; r++ {
			if r == col || a[r][col] == 0 {
				continue
			}
			f := a[r][col] / a[col][col]
			for j := col; j <= k; j++ {
				a[r][j] -= f * a[col][j]
			}
		}
	}
	pi[start] = 0
	sum := 0.0
	for i, u := range idx {
		v := math.Max(0, a[i][k]/a[i][i])
		pi[u] = v
		sum += v
	}
	for _, u := range idx {
		pi[u] /= sum
	}
	return pi
}
