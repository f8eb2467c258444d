package analysis

import "math"

// PeakStats describes one replicate's response y(t): the peak, its time, the
// area under the curve and the decay time.
type PeakStats struct {
	Peak      float64 // largest y
	TPeak     float64 // first t at which y equals Peak
	Area      float64 // trapezoid integral of y over the whole series
	AreaAfter float64 // trapezoid integral of y from TPeak to the end
	// Tau is the decay time AreaAfter/Peak: for a pure exponential decay
	// y = Peak·exp(−(t−TPeak)/τ) sampled to its end it equals τ. NaN when
	// Peak is zero.
	Tau float64
}

// Peak computes peak statistics of a sampled series (t ascending, y(t)).
// The peak is the maximum of y, so negate y first for signals that peak
// downwards (inward currents). NaN samples are ignored when locating the
// peak. Peak panics if len(t) != len(y); for an empty series every field is
// NaN.
func Peak(t, y []float64) PeakStats {
	if len(t) != len(y) {
		panic("analysis: Peak: len(t) != len(y)")
	}
	nan := math.NaN()
	p := PeakStats{Peak: nan, TPeak: nan, Area: nan, AreaAfter: nan, Tau: nan}
	ip := -1
	for i, v := range y {
		if !math.IsNaN(v) && (ip < 0 || v > y[ip]) {
			ip = i
		}
	}
	if ip < 0 {
		return p
	}
	p.Peak, p.TPeak = y[ip], t[ip]
	p.Area = trapezoid(t, y)
	p.AreaAfter = trapezoid(t[ip:], y[ip:])
	if p.Peak != 0 {
		p.Tau = p.AreaAfter / p.Peak
	}
	return p
}

// trapezoid integrates y over t with the trapezoid rule.
func trapezoid(t, y []float64) float64 {
	var s float64
	for i := 1; i < len(t); i++ {
		s += 0.5 * (t[i] - t[i-1]) * (y[i] + y[i-1])
	}
	return s
}
