// Package analysis holds the statistics of reuptake: summaries of replicate
// ensembles (mean, SD, SE, t-based and bootstrap confidence intervals,
// quantiles), time courses with confidence bands accumulated in bounded
// memory, peak and decay statistics, exponential, Hill and Michaelis–Menten
// fits by nonlinear least squares, condition comparisons (paired differences
// under common random numbers, Welch's t, effect sizes) and tables printed as
// aligned text, CSV, JSON or Markdown.
//
// The statistics work on plain float64 slices; reading result files is
// layered on top of them:
//
//   - Resolve expands run directories, Hive partitions
//     (RUN/timeseries/condition=c, or the shorthand RUN/condition=c), globs
//     with ** and plain files into the Parquet files to read;
//   - Load streams those files, several at a time, in memory that grows
//     with the number of sample times and replicates, not of rows, and
//     returns a Dataset: per condition the time courses with confidence
//     bands (Band) and the per-replicate quantities (Quantity: summary
//     columns, peaks, clearance time constants, charge, fate fractions),
//     after checking for bad files, files of different models, missing
//     observables and duplicated replicates;
//   - Analyze (Resolve, Load, Summarize) is the entry point of mc analyze:
//     descriptive statistics with t and bootstrap intervals per quantity,
//     and exponential fits of the mean clearance curve;
//   - Contrasts compares two conditions (paired under common random
//     numbers, Welch otherwise), DoseResponse fits Hill curves over a sweep
//     (SweepOf, ParseDose) and KmVmax apparent Michaelis–Menten constants
//     of uptake runs;
//   - the report tables print with WriteTables; package figure draws them.
//
// Numerics use gonum (stat, distuv, mat). The
// nonlinear fits use a small Levenberg–Marquardt solver on gonum/mat rather
// than gonum/optimize, which offers no least-squares method and would pull
// golang.org/x/tools into the module graph (through stat/distmv).
//
// Conventions: confidence intervals are two-sided; "95%" intervals use the
// Student t quantile with the stated degrees of freedom; NaN marks a value
// that cannot be computed (for example an SD from one observation).
package analysis
