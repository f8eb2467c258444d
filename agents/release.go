package agents

import (
	"fmt"
	"math"
	"sort"
)

// CountDist is how the number of molecules in one release event is drawn.
type CountDist uint8

// Count distributions.
const (
	Fixed    CountDist = iota // exactly N
	Poisson                   // Poisson with mean N
	Gaussian                  // normal with mean N and SD CV·N, rounded, at least 0
)

var countNames = [...]string{"fixed", "poisson", "gaussian"}

// String is the name used in model files.
func (c CountDist) String() string {
	if int(c) < len(countNames) {
		return countNames[c]
	}
	return fmt.Sprintf("dist(%d)", uint8(c))
}

// ParseCountDist is the inverse of CountDist.String.
func ParseCountDist(s string) (CountDist, error) {
	for i, n := range countNames {
		if s == n {
			return CountDist(i), nil
		}
	}
	return 0, fmt.Errorf("unknown count distribution %q (want fixed, poisson or gaussian)", s)
}

// Release is a release protocol: at each of Times, with probability
// Probability, a vesicle puts a number of molecules of Species (drawn from
// Dist with mean N) at the point At, instantaneously.
type Release struct {
	Species     string
	At          [3]float64 // µm
	Times       []float64  // ms, ascending
	N           float64    // mean molecules per event
	Dist        CountDist
	CV          float64 // for Gaussian
	Probability float64 // release probability per event, (0, 1]
}

// Train returns the times of count action potentials at freq (Hz) starting
// at start (ms).
func Train(start, freqHz float64, count int) []float64 {
	t := make([]float64, count)
	for i := range t {
		t[i] = start + float64(i)*1000/freqHz
	}
	return t
}

// MaxTrainSpikes is the most action potentials one Pattern may generate.
const MaxTrainSpikes = 10_000_000

// Burst is a burst of action potentials within a firing pattern: Spikes
// spikes at FrequencyHz (the intra-burst rate, e.g. 15–30 Hz for a
// dopamine neuron), the first at At (ms). It spans [At, At + (Spikes −
// 1)·1000/FrequencyHz].
type Burst struct {
	At          float64 // ms
	Spikes      int
	FrequencyHz float64
}

// End is the time of the burst's last spike, ms.
func (b Burst) End() float64 {
	if b.Spikes <= 1 {
		return b.At
	}
	return b.At + float64(b.Spikes-1)*1000/b.FrequencyHz
}

// Pause is an interval [From, To) (ms) in which a firing pattern has no
// action potentials.
type Pause struct {
	From, To float64 // ms
}

// Pattern is a firing pattern of a neuron: tonic firing (Count spikes at
// FrequencyHz from Start, as Train), bursts and pauses. Its spike times
// (see Times) are the tonic spikes, except those within the span of a
// burst (the burst replaces them: a burst resets the pacemaker), merged
// with the spikes of every burst, less every spike in a pause. Count may
// be 0 when there are bursts (then FrequencyHz is unused).
//
// Bursts must be listed in time order and must not overlap one another
// or a pause; pauses must be listed in time order and must not overlap
// (they may touch). Dopamine neurons, for example, fire tonically at
// ~4 Hz, in bursts of 3–6 spikes at 15–30 Hz, and pause for ~0.3–0.5 s.
type Pattern struct {
	Start       float64 // ms
	FrequencyHz float64
	Count       int
	Bursts      []Burst
	Pauses      []Pause
}

// PatternError is a problem with one field of a Pattern. Field is its
// path relative to the pattern in model-file spelling ("frequency",
// "bursts[1].at", "pauses[0].to", or "" for the pattern as a whole).
type PatternError struct {
	Field string
	Msg   string
}

// Error is "field: message".
func (e *PatternError) Error() string {
	if e.Field == "" {
		return e.Msg
	}
	return e.Field + ": " + e.Msg
}

func patternErr(field, format string, args ...any) error {
	return &PatternError{Field: field, Msg: fmt.Sprintf(format, args...)}
}

// sameTime reports whether two times (ms) are equal up to rounding: 1e-9
// ms up to 1 s, relative 1e-12 beyond.
func sameTime(a, b float64) bool {
	return math.Abs(a-b) <= 1e-12*math.Max(1e3, math.Max(math.Abs(a), math.Abs(b)))
}

// finite reports whether x is neither NaN nor infinite.
func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }

// Validate checks the pattern; errors are *PatternError naming the field.
func (p Pattern) Validate() error {
	if !finite(p.Start) || p.Start < 0 {
		return patternErr("start", "must be a time ≥ 0 ms, got %v ms", p.Start)
	}
	if p.Count < 0 {
		return patternErr("count", "must be a number of action potentials ≥ 0, got %d", p.Count)
	}
	if p.Count == 0 && len(p.Bursts) == 0 {
		return patternErr("count", "a train needs tonic spikes (count and frequency) or bursts")
	}
	if p.Count > 0 && (!finite(p.FrequencyHz) || p.FrequencyHz <= 0) {
		return patternErr("frequency", "must be a positive frequency in Hz, got %v Hz", p.FrequencyHz)
	}
	if p.Count > MaxTrainSpikes {
		return patternErr("count", "%d action potentials is too many (at most %d)", p.Count, MaxTrainSpikes)
	}
	total := p.Count
	for i, b := range p.Bursts {
		f := fmt.Sprintf("bursts[%d]", i)
		if !finite(b.At) || b.At < 0 {
			return patternErr(f+".at", "must be a time ≥ 0 ms, got %v ms", b.At)
		}
		if b.Spikes < 1 {
			return patternErr(f+".spikes", "must be a number of action potentials ≥ 1, got %d", b.Spikes)
		}
		if !finite(b.FrequencyHz) || b.FrequencyHz <= 0 {
			return patternErr(f+".frequency", "must be a positive frequency in Hz, got %v Hz", b.FrequencyHz)
		}
		if b.Spikes > MaxTrainSpikes-total {
			return patternErr(f+".spikes", "the train has more than %d action potentials", MaxTrainSpikes)
		}
		total += b.Spikes
		if i > 0 {
			prev := p.Bursts[i-1]
			if b.At < prev.At {
				return patternErr(f+".at", "bursts must be listed in time order: this one at %g ms comes after bursts[%d] at %g ms", b.At, i-1, prev.At)
			}
			if b.At <= prev.End() || sameTime(b.At, prev.End()) {
				return patternErr(f+".at", "at %g ms overlaps bursts[%d], which lasts from %g ms to %g ms (%d spikes at %g Hz)", b.At, i-1, prev.At, prev.End(), prev.Spikes, prev.FrequencyHz)
			}
		}
	}
	for i, q := range p.Pauses {
		f := fmt.Sprintf("pauses[%d]", i)
		if !finite(q.From) || q.From < 0 {
			return patternErr(f+".from", "must be a time ≥ 0 ms, got %v ms", q.From)
		}
		if !finite(q.To) || !(q.To > q.From) {
			return patternErr(f+".to", "must be a time after from (%g ms), got %v ms", q.From, q.To)
		}
		if i > 0 {
			prev := p.Pauses[i-1]
			if q.From < prev.From {
				return patternErr(f+".from", "pauses must be listed in time order: this one from %g ms comes after pauses[%d] from %g ms", q.From, i-1, prev.From)
			}
			if q.From < prev.To && !sameTime(q.From, prev.To) {
				return patternErr(f+".from", "%g ms is inside pauses[%d] [%g ms, %g ms): pauses must not overlap", q.From, i-1, prev.From, prev.To)
			}
		}
		for k, b := range p.Bursts {
			// The burst's span [At, End] meets the pause [From, To).
			if b.At < q.To && !sameTime(b.At, q.To) && (b.End() >= q.From || sameTime(b.End(), q.From)) {
				return patternErr(fmt.Sprintf("bursts[%d].at", k), "the burst from %g ms to %g ms overlaps pauses[%d] [%g ms, %g ms); a pause may start after the burst's last spike", b.At, b.End(), i, q.From, q.To)
			}
		}
	}
	return nil
}

// Times returns the spike times of the pattern in ascending order (ms):
// the tonic spikes (Train(Start, FrequencyHz, Count)) outside the span of
// every burst, merged with the spikes of every burst, less those in a
// pause [From, To). Times that differ by rounding only (1e-9 ms) count as
// equal at the edges of bursts and pauses. It fails, with a
// *PatternError, when the pattern is invalid (see Validate) or when its
// pauses leave no spike.
func (p Pattern) Times() ([]float64, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	var out []float64
	if p.Count > 0 {
		tonic := Train(p.Start, p.FrequencyHz, p.Count)
		k := 0 // the first burst that may contain or follow t
		for _, t := range tonic {
			for k < len(p.Bursts) && p.Bursts[k].End() < t && !sameTime(p.Bursts[k].End(), t) {
				k++
			}
			if k < len(p.Bursts) && (p.Bursts[k].At <= t || sameTime(p.Bursts[k].At, t)) {
				continue // replaced by the burst
			}
			out = append(out, t)
		}
	}
	for _, b := range p.Bursts {
		out = append(out, Train(b.At, b.FrequencyHz, b.Spikes)...)
	}
	sort.Float64s(out)
	if len(p.Pauses) > 0 {
		kept := out[:0]
		for _, t := range out {
			if !inPause(t, p.Pauses) {
				kept = append(kept, t)
			}
		}
		out = kept
		if len(out) == 0 {
			return nil, patternErr("pauses", "the pauses remove every action potential of the train")
		}
	}
	return out, nil
}

// inPause reports whether t lies in one of the pauses [From, To).
func inPause(t float64, pauses []Pause) bool {
	i := sort.Search(len(pauses), func(i int) bool { return pauses[i].To > t && !sameTime(pauses[i].To, t) })
	return i < len(pauses) && (pauses[i].From <= t || sameTime(pauses[i].From, t))
}
