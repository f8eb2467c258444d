package agents

import "fmt"

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
