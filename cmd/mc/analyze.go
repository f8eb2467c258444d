package main

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/reuptake/reuptake/analysis"
	"github.com/reuptake/reuptake/montecarlo/atomicfile"
)

// inputFlags are the input flags shared by analyze, compare and plot.
type inputFlags struct {
	observables []string
	conditions  []string
	clearance   string
	skipBad     bool
	workers     int
}

// register adds the flags; conditionFlag names the condition filter flag
// ("condition", or "conditions" for compare, where the order matters).
func (f *inputFlags) register(c *cobra.Command, conditionFlag string) {
	fl := c.Flags()
	fl.StringSliceVar(&f.observables, "observable", nil, "observables and summary columns to analyse: names or patterns (open_*), comma-separated or repeated; 'all' for every column (default: all but per-state counts)")
	if conditionFlag == "condition" {
		fl.StringArrayVar(&f.conditions, "condition", nil, "analyse only these conditions (comma-separated or repeated)")
	}
	fl.StringVar(&f.clearance, "clearance", "", "observable whose decay gives the clearance time constants (default: the free molecules in the cleft, else in total)")
	fl.BoolVar(&f.skipBad, "skip-bad", false, "analyse the readable files when some are empty or corrupt (they are listed on stderr)")
	fl.IntVar(&f.workers, "workers", 0, "files read at once (default GOMAXPROCS, at most 8)")
}

func (f *inputFlags) loadOptions() analysis.LoadOptions {
	return analysis.LoadOptions{Observables: f.observables, Conditions: f.conditions, Clearance: f.clearance,
		SkipBad: f.skipBad, Workers: f.workers}
}

// loadDataset resolves and loads the inputs, reporting skipped files.
func loadDataset(stderr io.Writer, cmdName string, args []string, opts analysis.LoadOptions) (*analysis.Dataset, error) {
	srcs, err := analysis.Resolve(args...)
	if err != nil {
		return nil, &exitError{exitUsage, err}
	}
	if err := checkRuns(stderr, cmdName, srcs); err != nil {
		return nil, err
	}
	ds, err := analysis.Load(srcs, opts)
	if err != nil {
		return nil, inputError(err)
	}
	for _, b := range ds.Skipped {
		fmt.Fprintf(stderr, "mc %s: skipped %s: %v\n", cmdName, b.Path, b.Err)
	}
	return ds, nil
}

// inputError maps analysis errors to exit codes and adds hints.
func inputError(err error) error {
	var mo *analysis.MissingObservableError
	var mc *analysis.MissingConditionError
	var bf *analysis.BadFilesError
	switch {
	case errors.As(err, &mo), errors.As(err, &mc):
		return &exitError{exitUsage, err}
	case errors.As(err, &bf):
		hint := ""
		for _, f := range bf.Files {
			if run := runOf(f.Path); run != "" {
				hint = fmt.Sprintf("; mc run ... --out %s --resume recomputes the corrupt parts of the run (mc status %s lists them)", run, run)
				break
			}
		}
		return &exitError{exitFailure, fmt.Errorf("%w\n(use --skip-bad to analyse the other files%s)", err, hint)}
	}
	return &exitError{exitFailure, err}
}

// writeTables writes tables in format to -o (stdout when empty or "-"):
// to a temporary file beside it, renamed into place once complete, so an
// interrupted command leaves the old file or the new one, never half.
func writeTables(stdout io.Writer, path, format string, tables []analysis.NamedTable) error {
	if path == "" || path == "-" {
		return analysis.WriteTables(stdout, format, tables)
	}
	var werr error // an error of the table writer, not of the file
	err := atomicfile.Write(path, 0o644, func(w io.Writer) error {
		werr = analysis.WriteTables(w, format, tables)
		return werr
	})
	if err != nil && werr == nil {
		return &exitError{exitFailure, err}
	}
	return err
}

// checkFormat validates --format.
func checkFormat(format string) error {
	switch strings.ToLower(format) {
	case "text", "txt", "csv", "json", "markdown", "md":
		return nil
	}
	return &exitError{exitUsage, fmt.Errorf("--format %q: want one of %s", format, strings.Join(analysis.TableFormats, ", "))}
}

// analyzeFlags are the flags of mc analyze.
type analyzeFlags struct {
	inputFlags
	format    string
	tables    []string
	bootstrap int
	seed      uint64
	out       string
}

func newAnalyzeCmd() *cobra.Command {
	var f analyzeFlags
	c := &cobra.Command{
		Use:   "analyze RUN_DIR|FILES...",
		Short: "Summarise the replicates of a run: means, CIs, quantiles, peaks, clearance fits, fates, charge",
		Long: `Analyze streams any number of result files (run directories, condition
partitions such as RUN/timeseries/condition=c, the shorthand RUN/condition=c,
globs with ** and plain files) in bounded memory and prints, per condition:

  inputs     files, rows, replicates, seed and model hash read
  stats      per-replicate quantities across replicates: mean, SD, SE, 95% t
             CI, 95% bootstrap CI of the mean (--bootstrap, --seed), min,
             5/25/50/75/95% quantiles and max. Quantities are the summary
             columns (peak_*, decay_tau_ms, frac_* fates, charge_fC, ...)
             and, from each replicate's time series, <obs>.peak and
             <obs>.t_peak for every observable, <clearance>.tau (single
             exponential fitted from the replicate's peak) and
             <current>.charge (integral of a pA column, fC)
  clearance  single- and double-exponential fits of the mean clearance
             curve (free_cleft by default) from its peak, with 95% CIs
  course     (only with --table course) the mean time courses with 95% CIs

Files of one condition must come from one model (reuptake.model_hash); an
empty or corrupt file stops the analysis unless --skip-bad.

From the events table of a run written with mc run --events:

  fpt        per molecule, the time from its release to its first binding,
             to its uptake and to its escape (mean, SE, quantiles), and the
             distance of each uptake from the release point
  survival   the fraction of released molecules not yet bound, taken up or
             escaped, at 21 times over the run
  dwell      dwell times of each site state (entry to exit) against 1/k_out
  reactions  count per replicate and rate of every site transition

Examples:
  mc analyze out/glutamate-ca1
  mc analyze out/run --observable free_cleft,open_ampa --format markdown
  mc analyze 'out/run/timeseries/**/*.parquet' --table course --format csv -o course.csv`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runAnalyze(cmd.OutOrStdout(), cmd.ErrOrStderr(), &f, args)
		},
	}
	f.register(c, "condition")
	fl := c.Flags()
	fl.StringVarP(&f.format, "format", "f", "text", "output format: text, csv, json or markdown")
	fl.StringSliceVar(&f.tables, "table", nil, "tables to print: inputs, stats, clearance, course, and from the events table (mc run --events) fpt, survival, dwell, reactions (default inputs,stats,clearance)")
	fl.IntVar(&f.bootstrap, "bootstrap", analysis.DefaultResamples, "bootstrap resamples per interval (0: no bootstrap)")
	fl.Uint64Var(&f.seed, "seed", 1, "seed of the bootstrap")
	fl.StringVarP(&f.out, "out", "o", "", "write to this file instead of stdout")
	return c
}

func runAnalyze(stdout, stderr io.Writer, f *analyzeFlags, args []string) error {
	if err := checkFormat(f.format); err != nil {
		return err
	}
	if f.bootstrap < 0 {
		return &exitError{exitUsage, fmt.Errorf("--bootstrap must be ≥ 0, got %d", f.bootstrap)}
	}
	if ev, rest := splitEventTables(f.tables); len(ev) > 0 {
		return analyzeEvents(stdout, stderr, f, ev, rest, args) // events.go
	}
	ds, err := loadDataset(stderr, "analyze", args, f.loadOptions())
	if err != nil {
		return err
	}
	opts := analysis.Options{LoadOptions: f.loadOptions(), Resamples: f.bootstrap, Seed: f.seed}
	if f.bootstrap == 0 {
		opts.Resamples = -1
	}
	rep := analysis.Summarize(ds, opts)
	tables, err := rep.Tables(f.format, f.tables)
	if err != nil {
		return &exitError{exitUsage, err}
	}
	return writeTables(stdout, f.out, f.format, tables)
}
