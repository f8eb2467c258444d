package analysis_test

import (
	"fmt"
	"log"
	"os"

	"github.com/reuptake/reuptake/analysis"
	"github.com/reuptake/reuptake/analysis/analysistest"
)

func ExampleAnalyze() {
	// A tiny synthetic run: 4 replicates whose free transmitter decays as
	// A·exp(−t/τ) with τ = 0.20, 0.21, 0.22, 0.23 ms, written as mc run
	// writes runs (timeseries/ and summary/ Hive partitions).
	dir, err := os.MkdirTemp("", "run")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	if _, err := analysistest.Write(dir, analysistest.Spec{Replicates: 4}); err != nil {
		log.Fatal(err)
	}

	r, err := analysis.Analyze([]string{dir}, analysis.Options{
		LoadOptions: analysis.LoadOptions{Observables: []string{"free_cleft"}},
		Seed:        1,
	})
	if err != nil {
		log.Fatal(err)
	}
	for _, s := range r.Stats {
		fmt.Printf("%-17s %s: mean %.4g, 95%% CI [%.4g, %.4g] %s\n", s.Quantity.Name, s.Condition, s.Mean, s.CI95[0], s.CI95[1], s.Quantity.Unit)
	}
	f := r.Clearance[0]
	fmt.Printf("mean curve from its peak at %.2f ms: tau = %.2f ms\n", f.TPeak, f.Exp1.Tau.Value)
	// Output:
	// peak_free_cleft   base: mean 1015, 95% CI [994.5, 1036] molecules
	// free_cleft.t_peak base: mean 0, 95% CI [0, 0] ms
	// free_cleft.tau    base: mean 0.215, 95% CI [0.1945, 0.2355] ms
	// mean curve from its peak at 0.00 ms: tau = 0.22 ms
}
