package analysis

import (
	"fmt"
	"math"
	"sort"
)

// Pairing says how two conditions are compared.
type Pairing struct {
	// Paired is true under common random numbers: both conditions were run
	// from the same seed and share replicate indices, so replicate r of
	// one and replicate r of the other used the same random streams.
	Paired bool
	// Common are the replicate indices present in both (ascending).
	Common []int64
	// Reason explains the choice in words, starting with the test used
	// ("paired t: ..." or "Welch t: ...").
	Reason string
}

// PairingOf decides whether ref and other can be compared replicate by
// replicate: each must record exactly one seed (results.MetaSeed), the same
// one, and they must share at least two replicate indices. Replicates in
// only one of them are then left out of paired comparisons. unpaired forces
// independent-sample comparisons.
func PairingOf(ref, other *Condition, unpaired bool) Pairing {
	var p Pairing
	in := map[int64]bool{}
	for _, r := range ref.Replicates {
		in[r] = true
	}
	for _, r := range other.Replicates {
		if in[r] {
			p.Common = append(p.Common, r)
		}
	}
	switch {
	case unpaired:
		p.Reason = "Welch t: pairing turned off"
	case len(ref.Seeds) == 0 || len(other.Seeds) == 0:
		p.Reason = "Welch t: no seed recorded in the files"
	case len(ref.Seeds) > 1 || len(other.Seeds) > 1:
		p.Reason = "Welch t: the files of a condition come from several seeds"
	case ref.Seeds[0] != other.Seeds[0]:
		p.Reason = fmt.Sprintf("Welch t: different seeds (%s and %s)", ref.Seeds[0], other.Seeds[0])
	case len(p.Common) < 2:
		p.Reason = "Welch t: fewer than two common replicate indices"
	default:
		p.Paired = true
		left := len(ref.Replicates) + len(other.Replicates) - 2*len(p.Common)
		p.Reason = fmt.Sprintf("paired t: common random numbers (seed %s, %d common replicates)", ref.Seeds[0], len(p.Common))
		if left > 0 {
			p.Reason += fmt.Sprintf(", %d unpaired replicate(s) left out", left)
		}
	}
	return p
}

// Contrast is the comparison of one quantity between a condition and a
// reference. Differences are Condition − Reference.
type Contrast struct {
	Reference, Condition string // labels
	Quantity, Unit       string
	// Label is the quantity's human-readable name (Quantity.Label).
	Label      string
	Comparison // Comparison.MeanA is the condition's mean, MeanB the reference's
	// Rel is Diff relative to the reference mean, |MeanB|; NaN when that
	// is zero.
	Rel float64
	// Level is the confidence level of CILo, CIHi (1 − alpha).
	Level      float64
	CILo, CIHi float64
	// PAdj is the Holm-adjusted p-value over the contrasts of one call of
	// Contrasts (equal to P when not adjusting).
	PAdj        float64
	Significant bool // PAdj < alpha
}

// ContrastOptions control Contrasts.
type ContrastOptions struct {
	Alpha    float64 // significance level; default 0.05
	Unpaired bool    // never pair replicates
	Holm     bool    // adjust p-values over the quantities (Holm–Bonferroni)
}

// Contrasts compares every quantity that both conditions have: paired
// differences (PairedDiff on the common replicates) when PairingOf allows,
// Welch's t otherwise. Differences and effect sizes are other − ref;
// intervals are t-based at level 1 − alpha, so a difference is significant
// exactly when its interval excludes zero (unless Holm adjusts the
// p-values). refLabel and label name the two conditions in the result.
func Contrasts(ref, other *Condition, refLabel, label string, opts ContrastOptions) ([]Contrast, Pairing) {
	alpha := opts.Alpha
	if !(alpha > 0 && alpha < 1) {
		alpha = 0.05
	}
	pair := PairingOf(ref, other, opts.Unpaired)
	var out []Contrast
	for _, qo := range other.Quantities {
		qr := ref.Quantity(qo.Name)
		if qr == nil {
			continue
		}
		var cmp Comparison
		if pair.Paired {
			mr, mo := qr.ByReplicate(), qo.ByReplicate()
			a := make([]float64, 0, len(pair.Common))
			b := make([]float64, 0, len(pair.Common))
			for _, r := range pair.Common {
				vo, ok1 := mo[r]
				vr, ok2 := mr[r]
				if ok1 && ok2 {
					a, b = append(a, vo), append(b, vr)
				}
			}
			cmp = PairedDiff(a, b)
		} else {
			cmp = Welch(qo.Values, qr.Values)
		}
		c := Contrast{Reference: refLabel, Condition: label, Quantity: qo.Name, Unit: qo.Unit, Label: qo.Label, Comparison: cmp,
			Level: 1 - alpha, Rel: math.NaN()}
		if cmp.MeanB != 0 && !math.IsNaN(cmp.MeanB) {
			c.Rel = cmp.Diff / math.Abs(cmp.MeanB)
		}
		c.CILo, c.CIHi = cmp.CI(1 - alpha)
		if cmp.SE == 0 {
			c.CILo, c.CIHi = cmp.Diff, cmp.Diff
		}
		c.PAdj = cmp.P
		out = append(out, c)
	}
	if opts.Holm {
		holm(out)
	}
	for i := range out {
		out[i].Significant = out[i].PAdj < alpha
	}
	return out, pair
}

// holm replaces PAdj by Holm–Bonferroni adjusted p-values (NaN p-values are
// left out of the count and stay NaN).
func holm(cs []Contrast) {
	var idx []int
	for i, c := range cs {
		if math.IsNaN(c.P) {
			cs[i].PAdj = math.NaN()
			continue
		}
		idx = append(idx, i)
	}
	sort.SliceStable(idx, func(a, b int) bool { return cs[idx[a]].P < cs[idx[b]].P })
	m := len(idx)
	prev := 0.0
	for k, i := range idx {
		adj := math.Min(1, float64(m-k)*cs[i].P)
		adj = math.Max(adj, prev) // monotone
		cs[i].PAdj, prev = adj, adj
	}
}
