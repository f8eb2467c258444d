// Package analysis holds the statistics of reuptake: summaries of replicate
// ensembles (mean, SD, SE, t-based and bootstrap confidence intervals,
// quantiles), time courses with confidence bands accumulated in bounded
// memory, peak and decay statistics, exponential, Hill and Michaelis–Menten
// fits by nonlinear least squares, condition comparisons (paired differences
// under common random numbers, Welch's t, effect sizes) and tables printed as
// aligned text, CSV, JSON or Markdown.
//
// The functions here work on plain float64 slices; reading result files is
// layered on top of them. Numerics use gonum (stat, distuv, mat). The
// nonlinear fits use a small Levenberg–Marquardt solver on gonum/mat rather
// than gonum/optimize, which offers no least-squares method and would pull
// golang.org/x/tools into the module graph (through stat/distmv).
//
// Conventions: confidence intervals are two-sided; "95%" intervals use the
// Student t quantile with the stated degrees of freedom; NaN marks a value
// that cannot be computed (for example an SD from one observation).
package analysis
