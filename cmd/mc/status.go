package main

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/reuptake/reuptake/montecarlo/batch"
)

func newStatusCmd() *cobra.Command {
	var verify bool
	c := &cobra.Command{
		Use:   "status DIR",
		Short: "List the done, missing and corrupt parts of a run directory",
		Long: `Status reads a run directory's manifest and completion records and checks its
Parquet parts (with --verify, their checksums too): it prints one line per
part that is missing or corrupt, with its condition and replicates, then the
counts. Exit status 0 when the run is complete, 1 when parts are missing or
corrupt: finish those with 'mc run --resume DIR'.`,
		Example: `  mc status out/glutamate-ca1
  mc status /scratch/$USER/run1 --verify=false   # faster: trust the records`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			dir := args[0]
			rep, err := batch.Inspect(dir, verify)
			var nr *batch.NotRunError
			if errors.As(err, &nr) {
				return &exitError{exitUsage, err}
			}
			if err != nil {
				return err
			}
			w := cmd.OutOrStdout()
			man := rep.Manifest
			for _, p := range rep.Parts {
				if p.State != batch.Done {
					fmt.Fprintf(w, "%-8s condition=%s part %d (replicates %d-%d)%s\n", p.State, p.Condition, p.Chunk, p.First, p.End-1, why(p.Why))
				}
			}
			fmt.Fprintf(w, "%s: %d parts: %d done, %d missing, %d corrupt (engine %s, seed %d, %d replicates × %d conditions)\n",
				dir, len(rep.Parts), rep.Done, rep.Missing, rep.Corrupt, man.Engine, man.Seed, man.Replicates, len(man.Conditions))
			if rep.LiveTemps > 0 {
				fmt.Fprintf(w, "%d part file(s) being written now by a running task\n", rep.LiveTemps)
			}
			if n := len(rep.Stale); n > 0 {
				fmt.Fprintf(w, "%d temporary file(s) left by killed processes (mc run ... --out %s --resume removes them), e.g. %s\n", n, dir, rep.Stale[0])
			}
			if next := rep.Next(); next != "" {
				return &exitError{exitFailure, fmt.Errorf("run incomplete: %s", next)}
			}
			return nil
		},
	}
	c.Flags().BoolVar(&verify, "verify", true, "recompute checksums of done parts")
	return c
}

func why(s string) string {
	if s == "" {
		return ""
	}
	return ": " + s
}
