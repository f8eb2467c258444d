package main

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/reuptake/reuptake/analysis"
)

// compareFlags are the flags of mc compare.
type compareFlags struct {
	inputFlags
	reference  string
	alpha      float64
	unpaired   bool
	holm       bool
	km         bool
	rateWindow float64
	rate       string
	substrate  string
	format     string
	tables     []string
	out        string
}

// compareTables are the tables mc compare can print.
var compareTables = []string{"inputs", "contrasts", "dose", "uptake"}

func newCompareCmd() *cobra.Command {
	var f compareFlags
	c := &cobra.Command{
		Use:   "compare A [B]",
		Short: "Compare conditions or runs: paired (common random numbers) or Welch differences, effect sizes, dose–response",
		Long: `Compare reports, for every per-replicate quantity (see mc analyze), the
difference between a condition and a reference, condition − reference, with
a (1 − alpha) t interval, the relative difference, the p-value, an effect
size with its 95% interval and whether it is significant at --alpha.

What is compared:
  mc compare RUN                       every condition against the first
                                       (the lowest dose of a sweep, else the
                                       first by name) or against --reference
  mc compare RUN --conditions a,b      b against a (the first is the reference)
  mc compare RUN/condition=a RUN/condition=b
                                       the same, with partition paths
  mc compare RUN_A RUN_B               two runs: condition by condition when
                                       they share condition names, else their
                                       single conditions; RUN_A is the reference

Pairing: when both sides record the same seed (reuptake.seed) and share
replicate indices, replicate r of each used the same random streams (common
random numbers, as mc run does across the conditions of a sweep): the
difference is then a paired t on the common replicates (effect size d_z).
Otherwise, or with --unpaired, Welch's t (effect size Hedges' g).

Sweeps: when the conditions of one run are the values of one key
(key@<number><unit>, as mc run --sweep names them, e.g.
drugs.cocaine.concentration@1uM; key=<number><unit> from older runs too),
a Hill curve is fitted to each quantity against the dose (EC50/IC50, Hill
slope and asymptotes with 95% CIs; at least 4 doses).

Uptake (--km): apparent Km and Vmax from a sweep of uptake runs. Each
replicate's initial rate v is the slope of the cumulative column --rate
(default transported) over 0 ≤ t ≤ --rate-window; its substrate level S is
the swept value when the sweep is in concentration units (M, mM, uM, nM: a
bath concentration), else the mean of --substrate (default conc_cleft_uM)
over the same window (a sweep of the amount released, say
--sweep 'release[0].molecules=500,1000,2000,4000,8000'). v = Vmax·S/(Km+S)
is fitted to all replicates of at least 3 conditions.`,
		Args: cobra.RangeArgs(1, 2),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runCompare(cmd.OutOrStdout(), cmd.ErrOrStderr(), &f, args)
		},
	}
	f.register(c, "conditions")
	fl := c.Flags()
	fl.StringArrayVar(&f.conditions, "conditions", nil, "conditions to compare, reference first (comma-separated or repeated)")
	fl.StringVar(&f.reference, "reference", "", "reference condition (default: the first)")
	fl.Float64Var(&f.alpha, "alpha", 0.05, "significance level; intervals are at 1 − alpha")
	fl.BoolVar(&f.unpaired, "unpaired", false, "never pair replicates (Welch's t even under common random numbers)")
	fl.BoolVar(&f.holm, "holm", false, "adjust p-values for the number of quantities compared (Holm–Bonferroni)")
	fl.BoolVar(&f.km, "km", false, "fit apparent Km and Vmax to initial uptake rates over the conditions")
	fl.Float64Var(&f.rateWindow, "rate-window", 1, "initial window for --km, in ms from t = 0")
	fl.StringVar(&f.rate, "rate", "transported", "cumulative uptake column for --km")
	fl.StringVar(&f.substrate, "substrate", "", "concentration column for --km (default conc_cleft_uM)")
	fl.StringVarP(&f.format, "format", "f", "text", "output format: text, csv, json or markdown")
	fl.StringSliceVar(&f.tables, "table", nil, "tables to print: "+strings.Join(compareTables, ", ")+" (default: all that apply)")
	fl.StringVarP(&f.out, "out", "o", "", "write to this file instead of stdout")
	return c
}

// side is one condition in a comparison with its label.
type side struct {
	label string
	cond  *analysis.Condition
}

func runCompare(stdout, stderr io.Writer, f *compareFlags, args []string) error {
	if err := checkFormat(f.format); err != nil {
		return err
	}
	if !(f.alpha > 0 && f.alpha < 1) {
		return &exitError{exitUsage, fmt.Errorf("--alpha must be in (0, 1), got %g", f.alpha)}
	}
	want := map[string]bool{}
	for _, t := range f.tables {
		if !slices.Contains(compareTables, t) {
			return &exitError{exitUsage, fmt.Errorf("--table %q: want %s", t, strings.Join(compareTables, ", "))}
		}
		want[t] = true
	}
	show := func(t string) bool { return len(want) == 0 || want[t] }
	lo := f.loadOptions()
	if f.km {
		if len(args) != 1 {
			return &exitError{exitUsage, errors.New("--km works on the conditions of one run")}
		}
		lo.Uptake = &analysis.UptakeOptions{Window: f.rateWindow, Rate: f.rate, Substrate: f.substrate}
	}

	var datasets []*analysis.Dataset
	var refs, others []side
	switch len(args) {
	case 1:
		ds, err := loadDataset(stderr, "compare", args, lo)
		if err != nil {
			return err
		}
		datasets = append(datasets, ds)
		conds := ds.Conditions
		if len(f.conditions) > 0 { // the order given on the command line
			names, _ := analysis.ResolveConditions(f.conditions, ds.ConditionNames())
			conds = conds[:0:0]
			for _, n := range names {
				conds = append(conds, ds.Condition(n))
			}
		}
		if len(conds) < 2 {
			return &exitError{exitUsage, fmt.Errorf("nothing to compare: %s holds one condition (%s); give two runs, two RUN/condition=... paths or a run with several conditions",
				args[0], ds.Conditions[0].Name)}
		}
		ref := conds[0]
		if f.reference != "" {
			if ref = ds.Condition(f.reference); ref == nil {
				return &exitError{exitUsage, fmt.Errorf("--reference %q: no such condition (conditions: %s)", f.reference, strings.Join(ds.ConditionNames(), ", "))}
			}
		}
		for _, c := range conds {
			if c != ref {
				refs = append(refs, side{ref.Name, ref})
				others = append(others, side{c.Name, c})
			}
		}
	case 2:
		if f.reference != "" {
			return &exitError{exitUsage, errors.New("--reference is for the conditions of one run; with two inputs the first is the reference")}
		}
		for _, a := range args {
			ds, err := loadDataset(stderr, "compare", []string{a}, lo)
			if err != nil {
				return err
			}
			datasets = append(datasets, ds)
		}
		a, b := datasets[0], datasets[1]
		if len(a.Conditions) == 1 && len(b.Conditions) == 1 {
			ca, cb := a.Conditions[0], b.Conditions[0]
			la, lb := ca.Name, cb.Name
			if la == lb {
				la, lb = args[0], args[1]
			}
			refs, others = []side{{la, ca}}, []side{{lb, cb}}
			break
		}
		for _, ca := range a.Conditions {
			if cb := b.Condition(ca.Name); cb != nil {
				refs = append(refs, side{args[0] + ":" + ca.Name, ca})
				others = append(others, side{args[1] + ":" + cb.Name, cb})
			}
		}
		if len(refs) == 0 {
			return &exitError{exitUsage, fmt.Errorf("%s and %s share no condition (%s; %s): name one condition of each, e.g. RUN/condition=c",
				args[0], args[1], strings.Join(a.ConditionNames(), ", "), strings.Join(b.ConditionNames(), ", "))}
		}
	}

	var tables []analysis.NamedTable
	if show("inputs") {
		for i, ds := range datasets {
			t := analysis.InputsTable(ds)
			if len(datasets) > 1 {
				t.Title = args[i] + ": " + t.Title
			}
			tables = append(tables, analysis.NamedTable{Name: "inputs", Table: t})
		}
	}
	var groups [][]analysis.Contrast
	var pairings []analysis.Pairing
	copts := analysis.ContrastOptions{Alpha: f.alpha, Unpaired: f.unpaired, Holm: f.holm}
	for i := range refs {
		cs, p := analysis.Contrasts(refs[i].cond, others[i].cond, refs[i].label, others[i].label, copts)
		groups = append(groups, cs)
		pairings = append(pairings, p)
	}
	if show("contrasts") {
		tables = append(tables, analysis.ContrastTables(groups, pairings, f.format, f.alpha)...)
	}
	if len(datasets) == 1 && show("dose") {
		ds := datasets[0]
		conds := ds.Conditions
		if fits := analysis.DoseResponse(conds); len(fits) > 0 {
			tables = append(tables, analysis.NamedTable{Name: "dose", Table: analysis.DoseTable(fits, f.format)})
		}
	}
	if f.km && show("uptake") {
		tables = append(tables, analysis.NamedTable{Name: "uptake", Table: analysis.UptakeTable(analysis.KmVmax(datasets[0]), f.format)})
	}
	return writeTables(stdout, f.out, f.format, tables)
}
