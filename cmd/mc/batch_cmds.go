package main

import "github.com/spf13/cobra"

// batchCommands returns mc slurm and mc merge.
func batchCommands() []*cobra.Command {
	return []*cobra.Command{newSlurmCmd(), newMergeCmd(), newExportCmd()}
}
