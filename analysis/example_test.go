package analysis_test

import (
	"fmt"
	"math"

	"github.com/reuptake/reuptake/analysis"
)

func ExampleDescribe() {
	// Peak open receptors in ten replicates.
	s := analysis.Describe([]float64{2, 4, 4, 4, 5, 5, 7, 9, 6, 4})
	fmt.Printf("n=%d mean=%.3f sd=%.3f se=%.3f\n", s.N, s.Mean, s.SD, s.SE)
	fmt.Printf("95%% CI [%.3f, %.3f]\n", s.CI95[0], s.CI95[1])
	fmt.Printf("median %.2f, IQR [%.2f, %.2f]\n", s.Median, s.Q25, s.Q75)
	// Output:
	// n=10 mean=5.000 sd=1.944 se=0.615
	// 95% CI [3.610, 6.390]
	// median 4.50, IQR [4.00, 5.75]
}

func ExampleFitExp1() {
	// Clearance of free transmitter: 500 molecules decaying with τ = 1.2 ms,
	// sampled every 0.1 ms, with a deterministic ripple standing in for noise.
	var t, y []float64
	for i := range 60 {
		ti := 0.1 * float64(i)
		t = append(t, ti)
		y = append(y, 500*math.Exp(-ti/1.2)+10*math.Sin(7*ti))
	}
	f, err := analysis.FitExp1(t, y)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("A = %.0f ± %.0f, tau = %.3f ± %.3f ms\n", f.A.Value, f.A.SE, f.Tau.Value, f.Tau.SE)
	fmt.Printf("tau 95%% CI [%.3f, %.3f] ms, R² = %.4f\n", f.Tau.Lo, f.Tau.Hi, f.R2)
	// Output:
	// A = 504 ± 4, tau = 1.192 ± 0.013 ms
	// tau 95% CI [1.166, 1.218] ms, R² = 0.9971
}
