package main

import (
	"fmt"
	"runtime"

	"github.com/spf13/cobra"

	"github.com/reuptake/reuptake/montecarlo/validate"
)

func newValidateCmd() *cobra.Command {
	var quick bool
	var seed uint64
	var workers int
	c := &cobra.Command{
		Use:   "validate",
		Short: "Run the physics checks against analytic results and print expected, simulated ± SE, z, pass/fail",
		Long: `validate runs the engine's physics suite (free diffusion, reflecting slab, point
source in a cleft, clamped-ligand binding, surface binding flux, the Jonas–Sakmann
AMPA scheme, first-order decay, conservation and determinism) and compares each
simulated statistic with its analytic value. A check passes when |z| < 4, with z
computed from the simulation's own standard error. Exit status 1 if any fails.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if workers <= 0 {
				workers = runtime.GOMAXPROCS(0)
			}
			rs := validate.RunAll(quick, seed, workers)
			validate.WriteTable(cmd.OutOrStdout(), rs)
			failed := 0
			for _, r := range rs {
				if !r.Pass {
					failed++
				}
			}
			if failed > 0 {
				return &exitError{exitFailure, fmt.Errorf("%d of %d checks failed", failed, len(rs))}
			}
			fmt.Fprintf(cmd.OutOrStdout(), "all %d checks passed\n", len(rs))
			return nil
		},
	}
	c.Flags().BoolVar(&quick, "quick", false, "run the fast subset")
	c.Flags().Uint64Var(&seed, "seed", 1, "seed for the checks")
	c.Flags().IntVarP(&workers, "workers", "w", 0, "checks run in parallel (default GOMAXPROCS)")
	return c
}
