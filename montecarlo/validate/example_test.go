package validate_test

import (
	"fmt"
	"os"

	"github.com/reuptake/reuptake/montecarlo/validate"
)

// ExampleRunAll runs the quick subset of the physics suite on two workers,
// prints the table and counts the failures. (It has no Output block: the
// table holds Monte Carlo numbers, and the suite itself is exercised by
// TestChecks.)
func ExampleRunAll() {
	results := validate.RunAll(true, 1, 2)
	validate.WriteTable(os.Stdout, results)
	failed := 0
	for _, r := range results {
		if !r.Pass {
			failed++
		}
	}
	fmt.Printf("%d of %d results failed\n", failed, len(results))
}
