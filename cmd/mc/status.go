package main

import (
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
			man, err := batch.ReadManifest(dir)
			if err != nil {
				return err
			}
			w := cmd.OutOrStdout()
			counts := map[batch.PartState]int{}
			for _, p := range batch.StatusFromManifest(dir, man, verify) {
				counts[p.State]++
				if p.State != batch.Done {
					fmt.Fprintf(w, "%-8s condition=%s part %d (replicates %d-%d)%s\n", p.State, p.Condition, p.Chunk, p.First, p.End-1, why(p.Why))
				}
			}
			fmt.Fprintf(w, "%s: %d parts: %d done, %d missing, %d corrupt (engine %s, seed %d, %d replicates × %d conditions)\n",
				dir, man.Parts, counts[batch.Done], counts[batch.Missing], counts[batch.Corrupt], man.Engine, man.Seed, man.Replicates, len(man.Conditions))
			if counts[batch.Done] != man.Parts {
				return &exitError{exitFailure, fmt.Errorf("run incomplete: finish it with mc run ... --out %s --resume", dir)}
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
