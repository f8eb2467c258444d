package main

import (
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/cobra"
	"go.yaml.in/yaml/v3"
	"gonum.org/v1/plot/vg"

	"github.com/reuptake/reuptake/analysis"
	"github.com/reuptake/reuptake/analysis/figure"
	"github.com/reuptake/reuptake/montecarlo/results"
)

// plotFlags are the flags of mc plot.
type plotFlags struct {
	inputFlags
	out    string
	panels []string
	dose   []string
	tmax   float64
	title  string
	width  float64
	height float64
	dpi    int
}

func newPlotCmd() *cobra.Command {
	var f plotFlags
	c := &cobra.Command{
		Use:   "plot RUN_DIR|FILES... -o fig.png|fig.svg|fig.pdf",
		Short: "Plot time courses with 95% CI bands, fate fractions and dose–response curves (PNG, SVG, PDF)",
		Long: `Plot draws one figure with a panel per item, under one legend of the
conditions that every panel shares, with titles and axis labels from the
files' column metadata (units as µM, µm²/ms):

  course  the mean time course of an observable across replicates with its
          95% t confidence band (clipped to the values it can take: counts
          ≥ 0, fractions in [0, 1]), one colour per condition (--observable
          picks the observables; default: the clearance observable, open
          receptors, the largest current and transported)
  fates   the fractions of released molecules by fate (taken up, escaped,
          bound, ...), mean and 95% CI per condition, on a log axis when
          they span more than a decade
  dose    for a concentration sweep (conditions key@<number><unit>), a
          quantity against the concentration, mean ± 95% CI per dose, with
          the Hill fit when there are at least 4 doses (--dose-quantity;
          default the charge); other sweeps get this panel only when asked
          (--panels dose), without a Hill fit

The default title names the model, the condition or the swept value, and
the replicates. The format follows the extension of -o: .png, .svg or .pdf.

From the events table of a run written with mc run --events (asked for
alone, --panels survival,uptake):

  survival  the fraction of released molecules not yet bound, not yet taken
            up and not yet escaped against the time since their release
  uptake    the histogram of the distance of each uptake from its release
            point

Examples:
  mc plot out/glutamate-ca1 -o fig.png
  mc plot out/run --observable free_cleft,open_ampa --tmax 2 -o course.svg
  mc plot out/sweep --panels dose --dose-quantity decay_tau_ms -o dose.png`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runPlot(cmd.OutOrStdout(), cmd.ErrOrStderr(), &f, args)
		},
	}
	f.register(c, "condition")
	fl := c.Flags()
	fl.StringVarP(&f.out, "out", "o", "", "output file: .png, .svg or .pdf (required)")
	fl.StringSliceVar(&f.panels, "panels", nil, "panel kinds: course, fates, dose (default: all that apply); or, from the events table (mc run --events), survival and uptake")
	fl.StringSliceVar(&f.dose, "dose-quantity", nil, "quantities of the dose–response panels (default: the charge, else decay_tau_ms)")
	fl.Float64Var(&f.tmax, "tmax", 0, "end of the time axis of the time courses, in ms (default: the whole run)")
	fl.StringVar(&f.title, "title", "", "figure title (default: the model's name, the condition or the swept value, and the replicates)")
	fl.Float64Var(&f.width, "panel-width", 5, "panel width in inches")
	fl.Float64Var(&f.height, "panel-height", 3.6, "panel height in inches")
	fl.IntVar(&f.dpi, "dpi", 150, "resolution of PNG output")
	return c
}

func runPlot(stdout, stderr io.Writer, f *plotFlags, args []string) error {
	if f.out == "" {
		return &exitError{exitUsage, errors.New("give the output file with -o fig.png (or .svg, .pdf)")}
	}
	ext := strings.TrimPrefix(strings.ToLower(filepath.Ext(f.out)), ".")
	if !slices.Contains(figure.Formats, ext) {
		return &exitError{exitUsage, fmt.Errorf("-o %s: the extension must be .png, .svg or .pdf", f.out)}
	}
	if f.width <= 0 || f.height <= 0 || f.dpi <= 0 {
		return &exitError{exitUsage, errors.New("--panel-width, --panel-height and --dpi must be positive")}
	}
	if len(f.panels) > 0 && !slices.ContainsFunc(f.panels, func(p string) bool { return p != figure.Survival && p != figure.Uptake }) {
		return plotEvents(stdout, f, args) // events.go
	}
	lo := f.loadOptions()
	ds, err := loadDataset(stderr, "plot", args, lo)
	if err != nil {
		return err
	}
	// The time-course panels are the observables asked for (patterns
	// expanded by Load), in the order of the files.
	var obs []string
	if len(f.observables) > 0 {
		for _, c := range ds.Conditions {
			for _, o := range c.Observables {
				if !slices.Contains(obs, o.Name) {
					obs = append(obs, o.Name)
				}
			}
		}
		if len(obs) == 0 && (len(f.panels) == 0 || slices.Contains(f.panels, figure.Course)) {
			// Only summary columns were selected: no time courses.
			if len(f.panels) > 0 {
				return &exitError{exitUsage, fmt.Errorf("--observable %s selects no timeseries observable", strings.Join(f.observables, ","))}
			}
			f.panels = []string{figure.Fates, figure.Dose}
		}
	}
	title := f.title
	if title == "" {
		title = plotTitle(ds)
	}
	opts := figure.Options{Observables: obs, Panels: f.panels, DoseQuantities: f.dose, TMax: f.tmax, Title: title,
		PanelWidth: vg.Length(f.width) * vg.Inch, PanelHeight: vg.Length(f.height) * vg.Inch, DPI: f.dpi}
	if err := figure.Save(ds, f.out, opts); err != nil {
		return &exitError{exitFailure, err}
	}
	fmt.Fprintf(stdout, "wrote %s\n", f.out)
	return nil
}

// plotTitle is the default figure title: the model's name (from the
// files' metadata), the condition or what the conditions sweep, and the
// number of replicates.
func plotTitle(ds *analysis.Dataset) string {
	model := ""
	for _, fi := range ds.Files {
		if model = modelNameOf(fi.Path); model != "" {
			break
		}
	}
	reps := 0
	for _, c := range ds.Conditions {
		reps = max(reps, len(c.Replicates))
	}
	var what string
	switch names := ds.ConditionNames(); {
	case len(names) == 1 && names[0] == "base":
		what = ""
	case len(names) == 1:
		what = "condition " + names[0]
	default:
		what = fmt.Sprintf("%d conditions", len(names))
		if sw, ok := analysis.SweepOf(names); ok {
			what = "sweep of " + sw.Key
		}
	}
	parts := []string{}
	for _, p := range []string{model, what} {
		if p != "" {
			parts = append(parts, p)
		}
	}
	each := ""
	if len(ds.Conditions) > 1 {
		each = " each"
	}
	if len(parts) == 0 {
		return fmt.Sprintf("%d replicates", reps)
	}
	return fmt.Sprintf("%s (%d replicates%s)", strings.Join(parts, ", "), reps, each)
}

// modelNameOf is the name of the model a results file was written from
// (the name field of the model YAML in its metadata), or "".
func modelNameOf(path string) string {
	f, err := results.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	src, ok := f.Lookup(results.MetaModel)
	if !ok {
		return ""
	}
	var m struct {
		Name string `yaml:"name"`
	}
	if yaml.Unmarshal([]byte(src), &m) != nil {
		return ""
	}
	return m.Name
}
