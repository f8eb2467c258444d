package modelfile

import (
	"math"
	"strings"
	"testing"

	"github.com/reuptake/reuptake/montecarlo"
)

func TestQuantity(t *testing.T) {
	tests := []struct {
		in   string
		dim  Dim
		want float64
	}{
		{"20 nm", Length, 0.02},
		{"20nm", Length, 0.02},
		{"0.5 um", Length, 0.5},
		{"0.5 µm", Length, 0.5},
		{"0.5 μm", Length, 0.5}, // Greek mu
		{"1e-6 m", Length, 1},
		{"1 mm", Length, 1000},
		{"0.33 um^2/ms", Diffusion, 0.33},
		{"0.33 µm²/ms", Diffusion, 0.33},
		{"0.33 um2/ms", Diffusion, 0.33},
		{"3.3e-6 cm^2/s", Diffusion, 0.33},
		{"3.3e-10 m^2/s", Diffusion, 0.33},
		{"4.59e6 /M/s", RateBi, montecarlo.KOnFromMolar(4.59e6)},
		{"4.59e6 M^-1 s^-1", RateBi, montecarlo.KOnFromMolar(4.59e6)},
		{"4.59e6 M⁻¹s⁻¹", RateBi, montecarlo.KOnFromMolar(4.59e6)},
		{"4.59e6 M⁻¹·s⁻¹", RateBi, montecarlo.KOnFromMolar(4.59e6)},
		{"4.59 /mM/ms", RateBi, montecarlo.KOnFromMolar(4.59e6)},
		{"1 um^3/ms", RateBi, 1},
		{"4.26 /ms", Rate1, 4.26},
		{"4.26 1/ms", Rate1, 4.26},
		{"4260 1/s", Rate1, 4.26},
		{"14 /s", Rate1, 0.014},
		{"14 s^-1", Rate1, 0.014},
		{"1 uM", Concentration, montecarlo.ConcFromMolar(1e-6)},
		{"1 µM", Concentration, montecarlo.ConcFromMolar(1e-6)},
		{"10 nM", Concentration, montecarlo.ConcFromMolar(10e-9)},
		{"1 mM", Concentration, montecarlo.ConcFromMolar(1e-3)},
		{"602.214076 /um^3", Concentration, 602.214076},
		{"602.214076 molecules/um^3", Concentration, 602.214076},
		{"3000 molecules", Count, 3000},
		{"3000", Count, 3000},
		{"80 receptors", Count, 80},
		{"0.1 us", Time, 1e-4},
		{"1 ms", Time, 1},
		{"2 s", Time, 2000},
		{"10 Hz", Frequency, 10},
		{"0.1 kHz", Frequency, 100},
		{"10 pS", Conductance, 10},
		{"0.01 nS", Conductance, 10},
		{"-70 mV", Voltage, -70},
		{"−70 mV", Voltage, -70}, // Unicode minus
		{"-0.07 V", Voltage, -70},
		{"5000 /um^2", Density, 5000},
		{"5000 sites/µm²", Density, 5000},
		{"0.5", Dimensionless, 0.5},
		{"50 %", Dimensionless, 0.5},
		{"  .5  ", Dimensionless, 0.5},
	}
	for _, tc := range tests {
		got, err := Quantity(tc.in, tc.dim)
		if err != nil {
			t.Errorf("Quantity(%q, %v): %v", tc.in, tc.dim, err)
			continue
		}
		if math.Abs(got-tc.want) > 1e-12*math.Abs(tc.want) {
			t.Errorf("Quantity(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

// The canonical units convert exactly as the Go API does.
func TestQuantityExact(t *testing.T) {
	if v, _ := Quantity("4.59e6 /M/s", RateBi); v != montecarlo.KOnFromMolar(4.59e6) {
		t.Errorf("k_on not bit-identical to KOnFromMolar")
	}
	if v, _ := Quantity("2.5 M", Concentration); v != montecarlo.ConcFromMolar(2.5) {
		t.Errorf("concentration not bit-identical to ConcFromMolar")
	}
}

func TestQuantityErrors(t *testing.T) {
	tests := []struct {
		in   string
		dim  Dim
		want []string // substrings of the message
	}{
		{"20 ms", Length, []string{"is a time", "expected a length (e.g. 20 nm, 0.5 um)"}},
		{"20", Length, []string{"no unit", "expected a length"}},
		{"0.33", Diffusion, []string{"no unit", "diffusion coefficient"}},
		{"1 uM", RateBi, []string{"is a concentration", "bimolecular rate"}},
		{"4.26 /ms", RateBi, []string{"rate or frequency", "bimolecular"}},
		{"4.59e6 /M/s", Rate1, []string{"bimolecular rate", "expected a first-order rate"}},
		{"3000 molecules", Concentration, []string{"is a count", "concentration"}},
		{"1 mol", Dimensionless, []string{"count", "plain number"}},
		{"10 pS", Voltage, []string{"conductance", "voltage"}},
		{"NaN", Dimensionless, []string{"NaN"}},
		{".nan um", Length, []string{"NaN"}},
		{"inf nm", Length, []string{"infinity"}},
		{"-Inf", Time, []string{"infinity"}},
		{"1e400 nm", Length, []string{"out of range", "1.8e308", "expected a length"}},
		{"1e305 m", Length, []string{"out of range", "1.8e308", "expected a length"}},
		{"1e400 ms", Time, []string{"out of range", "exponent between -400 and 400", "expected a time"}},
		{"", Length, []string{"empty"}},
		{"nm", Length, []string{"not a number"}},
		{"20 nmm", Length, []string{"unknown unit \"nmm\"", "did you mean \"nm\""}},
		{"0.33 um^/ms", Diffusion, []string{"missing exponent"}},
		{"0.33 um^2/", Diffusion, []string{"missing"}},
		{"5 2 um", Length, []string{"unexpected"}},
		{"1 (um)", Length, []string{"unexpected"}},
	}
	for _, tc := range tests {
		_, err := Quantity(tc.in, tc.dim)
		if err == nil {
			t.Errorf("Quantity(%q, %v): no error", tc.in, tc.dim)
			continue
		}
		for _, w := range tc.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("Quantity(%q, %v) = %q, want it to mention %q", tc.in, tc.dim, err, w)
			}
		}
	}
}
