package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/reuptake/reuptake/montecarlo/batch"
	"github.com/reuptake/reuptake/montecarlo/results"
)

func newMergeCmd() *cobra.Command {
	var o batch.MergeOptions
	var quiet bool
	c := &cobra.Command{
		Use:   "merge DIR",
		Short: "Compact the part files of a complete run into fewer, larger files",
		Long: `Merge rewrites the many small part files of a complete run directory into
part-<first>-<last>.parquet files, one per condition and table (timeseries,
summary, and events, snapshots and sites when the run has them), or several
of at most --max-rows rows. The rows, the hive partitions
(condition=...) and the metadata stay (the replicate range is updated); the
completion records point to the merged files, so 'mc status' still reports the
run complete and 'mc run --resume' computes nothing.

Merge is crash-safe: it writes the merged files aside, commits with a journal,
then swaps them in; a crash leaves either the old parts or the merged files,
and an interrupted merge is finished by running 'mc merge DIR' again.
Merging an already merged run is a no-op unless --max-rows asks for another
layout. The run must be complete: finish it with 'mc run --resume' first.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runMerge(cmd.OutOrStdout(), args[0], o, quiet)
		},
	}
	c.Flags().Int64Var(&o.MaxRows, "max-rows", 0, "most rows per merged file (0: one file per condition and table)")
	c.Flags().BoolVarP(&quiet, "quiet", "q", false, "print nothing but errors")
	return c
}

func runMerge(w io.Writer, dir string, o batch.MergeOptions, quiet bool) error {
	if o.MaxRows < 0 {
		return &exitError{exitUsage, fmt.Errorf("--max-rows must be 0 (no limit) or a positive count, got %d", o.MaxRows)}
	}
	rep, err := batch.Merge(dir, o)
	if err != nil {
		return err
	}
	if quiet {
		return nil
	}
	if rep.Finished {
		fmt.Fprintf(w, "%s: finished an interrupted merge\n", dir)
	}
	if rep.Unchanged {
		fmt.Fprintf(w, "%s: already merged (%d files for %d parts); nothing to do\n", dir, rep.FilesAfter, rep.Parts)
		return nil
	}
	var rows []string
	for _, k := range results.Kinds() {
		if n, ok := rep.Rows[k.String()]; ok {
			rows = append(rows, fmt.Sprintf("%d %s rows", n, k))
		}
	}
	fmt.Fprintf(w, "%s: merged %d files into %d (%d parts, %d condition(s) rewritten; %s); generation %d\n",
		dir, rep.FilesBefore, rep.FilesAfter, rep.Parts, rep.Conditions, strings.Join(rows, ", "), rep.Generation)
	return nil
}
