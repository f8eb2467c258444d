package main

import (
	"bytes"
	"math"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/reuptake/reuptake/montecarlo/validate"
)

// TestWriteValidation checks that mc validate's lines fit the terminal
// width, with a long quantity and detail, and that --verbose prints both
// whole.
func TestWriteValidation(t *testing.T) {
	long := "KS √N·D of x/√(2Dt) vs N(0,1) over every replicate of the longest configuration, dt = 1 µs"
	detail := strings.Repeat("a source with its formula and standard error; ", 8)
	rs := []validate.Result{
		{Name: "T1 free diffusion", Quantity: "<r²>(0.1 ms) µm², dt = 1 µs", Expected: 0.198, Simulated: 0.1988, SE: 0.0008083, Z: 1, Pass: true, Detail: "6Dt"},
		{Name: "T1 free diffusion", Quantity: long, Expected: 0.8687, Simulated: 1.361, SE: 0.2603, Z: 1.65, Pass: true, Detail: detail},
		{Name: "conservation", Quantity: "molecules lost", Expected: 0, Simulated: 0, Z: math.NaN(), Pass: true},
		{Name: "broken", Quantity: "x", Expected: 1, Simulated: 2, SE: 0.1, Z: 10, Pass: false},
	}
	for _, verbose := range []bool{false, true} {
		var b bytes.Buffer
		writeValidation(&b, rs, verbose)
		out := b.String()
		for _, l := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
			if n := utf8.RuneCountInString(l); n > validateWidth {
				t.Errorf("verbose %v: line of %d columns: %q", verbose, n, l)
			}
		}
		for _, want := range []string{"T1 free diffusion\n", "  PASS +1.00  <r²>(0.1 ms) µm², dt = 1 µs", "0.1988 ± 0.00081, expected 0.198",
			"exact: 0, expected 0", "  FAIL +10.00  x"} {
			if !strings.Contains(out, want) {
				t.Errorf("verbose %v: no %q in\n%s", verbose, want, out)
			}
		}
		if strings.Count(out, "T1 free diffusion") != 1 {
			t.Errorf("check heading printed %d times", strings.Count(out, "T1 free diffusion"))
		}
		joined := strings.Join(strings.Fields(out), " ")
		if has := strings.Contains(joined, strings.Join(strings.Fields(detail), " ")) && strings.Contains(joined, long); has != verbose {
			t.Errorf("verbose %v: full quantity and detail printed: %v", verbose, has)
		}
	}
}
