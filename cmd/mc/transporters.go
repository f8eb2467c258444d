package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/reuptake/reuptake/agents"
	"github.com/reuptake/reuptake/agents/transporters"
	"github.com/reuptake/reuptake/montecarlo/protocols"
)

func newTransportersCmd() *cobra.Command {
	c := &cobra.Command{
		Use:   "transporters",
		Short: "The library of transporter models: list, show, bench",
		Long: `The library of named transporter kinetic models (GLT-1/EAAT2, EAAC1/EAAT3,
DAT, SERT, NET), each a scheme with its rates, charges and sources, and the
exact quantities derived from it (Km, kcat, charge per cycle, buffering,
binding capacity, cycle time). A model file uses one with "model: NAME" on a
site; mc transporters bench runs the standard protocols on them.`,
	}
	c.AddCommand(&cobra.Command{
		Use:   "list",
		Short: "List the library's models with their derived Km and kcat",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return listTransporters(cmd.OutOrStdout())
		},
	}, &cobra.Command{
		Use:   "show NAME",
		Short: "Show a model: scheme, rates with sources, derived quantities and what its sources report",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			m, err := transporters.Lookup(args[0])
			if err != nil {
				return &exitError{exitUsage, err}
			}
			return showTransporter(cmd.OutOrStdout(), m)
		},
	})
	c.AddCommand(newTransportersBenchCmd())
	return c
}

func listTransporters(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "MODEL\tFAMILY\tSTATES\tKm (µM)\tkcat (/s)\tbuffering\tsummary")
	for _, m := range transporters.All() {
		d, err := transporters.Derive(m.Scheme, m.Substrate)
		if err != nil {
			return fmt.Errorf("%s: %v", m.Name, err)
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%.4g\t%.4g\t%.2f\t%s\n", m.Name, m.Family, len(m.Scheme.States), d.KmUM, d.KcatPerS, d.Buffering, m.Summary)
	}
	return tw.Flush()
}

// schemeLines writes a scheme in the compact transition syntax of model
// files, rates in the units a model file would use.
func schemeLines(s agents.Scheme) []string {
	var out []string
	for _, t := range s.Transitions {
		rate := fmt.Sprintf("%.6g /ms", t.Rate)
		if t.Kind == agents.Bind || t.Kind == agents.Bath {
			rate = fmt.Sprintf("%.6g /M/s", transporters.KOnToMolar(t.Rate))
		}
		sp := ""
		if t.Species != "" {
			sp = " " + t.Species
		}
		line := fmt.Sprintf("%s -> %s %s%s %s", t.From, t.To, t.Kind, sp, rate)
		if t.Charge != 0 {
			line += fmt.Sprintf("   (charge %g)", t.Charge)
		}
		out = append(out, line)
	}
	return out
}

func showTransporter(w io.Writer, m transporters.Model) error {
	d, err := transporters.Derive(m.Scheme, m.Substrate)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "%s (%s, substrate %s)\n  %s\n\n", m.Name, m.Family, m.Substrate, m.Summary)
	fmt.Fprintf(w, "scheme: states [%s], initial %s, outward %s, inward %s\n", strings.Join(m.Scheme.States, ", "), m.Scheme.Initial, m.Outward, m.Inward)
	for _, l := range schemeLines(m.Scheme) {
		fmt.Fprintln(w, "  "+l)
	}
	fmt.Fprintln(w, "\nparameters:")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, p := range m.Params {
		fmt.Fprintf(tw, "  %s\t%.6g %s\t%s\t%s\n", p.Name, p.Value, p.Unit, p.Tag, p.Source)
	}
	tw.Flush()
	fmt.Fprintln(w, "\nderived from the scheme (exact, stationary distribution with clamped substrate):")
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, r := range derivedRows(d) {
		fmt.Fprintf(tw, "  %s\t%s\t%s\n", r[0], r[1], r[2])
	}
	tw.Flush()
	if len(m.Reported) > 0 {
		fmt.Fprintln(w, "\nderived vs reported by the sources:")
		tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		for _, r := range m.Reported {
			fmt.Fprintf(tw, "  %s\t%.4g\treported %.4g %s\t%s\n", r.Quantity, derivedValue(d, r.Quantity), r.Value, r.Tag, r.Source)
		}
		tw.Flush()
	}
	if m.Class != "" {
		if drug, ok := agents.LookupDrug("cocaine"); ok {
			ki := transporters.Conc(drug.Ki[m.Class].KiNM / 1e3)
			kon := transporters.KOn(agents.DefaultDrugKOn)
			db, err := transporters.Derive(transporters.WithBlocker(m.Scheme, m.Outward, 2*ki, ki, kon), m.Substrate)
			if err != nil {
				return err
			}
			fmt.Fprintf(w, "\nwith cocaine at 2 × its %s Ki (%g nM, drug table): apparent Km %.4g µM exactly; Km(1 + I/Ki) = %.4g µM; kcat %.4g /s\n",
				m.Class, drug.Ki[m.Class].KiNM, db.KmUM, 3*d.KmUM, db.KcatPerS)
		}
	}
	fmt.Fprintf(w, "\nnotes: %s\n", m.Notes)
	fmt.Fprintf(w, "\nuse: sites: [{name: t, model: %s, rates: {%s: ...}}], or --set 'sites.t.model=%s' --set 'sites.t.rates.%s=...'\n",
		m.Name, m.RateList()[len(m.RateList())-1], m.Name, m.RateList()[len(m.RateList())-1])
	return nil
}

func derivedRows(d transporters.Derived) [][3]string {
	return [][3]string{
		{"Km", fmt.Sprintf("%.4g µM", d.KmUM), "substrate concentration of half-maximal uptake"},
		{"kcat", fmt.Sprintf("%.4g /s", d.KcatPerS), "maximal turnover = Vmax per transporter (Vmax = kcat·[T])"},
		{"kcat/Km", fmt.Sprintf("%.3g /M/s", d.SpecificityPerMolarS), "uptake rate constant at low substrate"},
		{"Hill slope", fmt.Sprintf("%.4g", d.Hill), "at Km"},
		{"charge per cycle", fmt.Sprintf("%.4g e", d.ChargePerCycle), "moved into the cell per substrate transported"},
		{"buffering", fmt.Sprintf("%.4g", d.Buffering), "fraction of bound substrate that unbinds instead of being transported"},
		{"bound dwell", fmt.Sprintf("%.4g ms", d.BoundDwellMs), "mean time a bound molecule stays on the transporter"},
		{"capacity", fmt.Sprintf("%.4g", d.Capacity), "fraction of resting transporters able to bind at pulse start"},
		{"cycle time", fmt.Sprintf("%.4g ms", d.CycleMs), "1/kcat"},
		{"relaxation", fmt.Sprintf("%.4g ms", d.RelaxMs), "slowest relaxation without substrate (recovery after a pulse)"},
	}
}

func derivedValue(d transporters.Derived, q string) float64 {
	switch q {
	case "Km_uM":
		return d.KmUM
	case "kcat_per_s":
		return d.KcatPerS
	case "buffering":
		return d.Buffering
	case "charge_per_cycle":
		return d.ChargePerCycle
	case "cycle_ms":
		return d.CycleMs
	}
	return 0
}

// benchFlags are the flags of mc transporters bench.
type benchFlags struct {
	models, protocols []string
	replicates        int
	quick, force      bool
	neuropil          bool
	out               string
	seed              uint64
	workers           int
}

func newTransportersBenchCmd() *cobra.Command {
	var f benchFlags
	c := &cobra.Command{
		Use:   "bench --out DIR [--models A,B] [--protocols uptake,jump,pairs,inhibitor,synapse] [--replicates N] [--quick]",
		Short: "Run the standard protocols on library models and compare them",
		Long: `bench runs the standard transporter protocols on models of the library:

  uptake     steady-state uptake against clamped substrate (Km/8 to 8 Km) on a
             patch of 1000 transporters → Km, Vmax, Hill slope with 95% CIs
  jump       a 1 ms pulse and a step of substrate (1 mM glutamate, 10 µM
             monoamine) on 10,000 transporters → current (uptake flux when the
             model moves no charge): peak, decay τ, steady state
  pairs      paired 1 ms pulses → binding in pulse 2 / pulse 1 against the
             interval, and the recovery time constant
  inhibitor  uptake again with cocaine at 2 × its Ki (drug table; monoamine
             transporters) → apparent Km, exact and Km(1 + I/Ki)
  synapse    the model swapped into glutamate-ca1 (glutamate transporters;
             glutamate-ca1-neuropil with --neuropil) or dopamine-striatum
             (DAT), same seeds for every model → cleft decay
             τ, fractions taken up / bound / escaped at 1 and 5 ms, peak
             receptor activation, spillover concentration at 0.5 and 1 µm

Every patch result has an exact counterpart from the scheme's master
equation, written next to it. Output in --out: one Parquet table per
protocol, comparison.{txt,md,csv} and bench.png (a panel per protocol).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runBench(cmd, &f)
		},
	}
	fl := c.Flags()
	fl.StringSliceVar(&f.models, "models", nil, "library models to bench (default: all; mc transporters list)")
	fl.StringSliceVar(&f.protocols, "protocols", nil, "protocols to run (default: all): "+strings.Join(protocols.Names, ", "))
	fl.IntVarP(&f.replicates, "replicates", "n", 0, "replicates per condition (default 8, 4 with --quick)")
	fl.BoolVar(&f.quick, "quick", false, "fewer concentrations, intervals and replicates (for CI)")
	fl.StringVarP(&f.out, "out", "o", "", "output directory (required)")
	fl.BoolVar(&f.force, "force", false, "replace the files of an earlier bench in --out")
	fl.BoolVar(&f.neuropil, "neuropil", false, "synapse protocol of glutamate transporters in glutamate-ca1-neuropil (porous neuropil with glial GLT-1 to 1.2 µm) instead of glutamate-ca1")
	fl.Uint64Var(&f.seed, "seed", 1, "random seed (the same for every model: paired comparisons)")
	fl.IntVar(&f.workers, "workers", 0, "worker goroutines (default: all cores)")
	return c
}

func runBench(cmd *cobra.Command, f *benchFlags) error {
	usage := func(format string, a ...any) error { return &exitError{exitUsage, fmt.Errorf(format, a...)} }
	if f.out == "" {
		return usage("--out: give the output directory, e.g. --out out/bench")
	}
	if f.replicates < 0 || f.replicates == 1 {
		return usage("--replicates %d: need at least 2 replicates for confidence intervals", f.replicates)
	}
	if f.workers < 0 {
		return usage("--workers %d: must be 0 (all cores) or more", f.workers)
	}
	var ms []transporters.Model
	if len(f.models) == 0 {
		ms = transporters.All()
	}
	for _, n := range f.models {
		m, err := transporters.Lookup(strings.TrimSpace(n))
		if err != nil {
			return usage("--models: %v", err)
		}
		ms = append(ms, m)
	}
	for _, p := range f.protocols {
		if !slices.Contains(protocols.Names, p) {
			return usage("--protocols: unknown protocol %q (protocols: %s)", p, strings.Join(protocols.Names, ", "))
		}
	}
	cfg := protocols.Config{Models: ms, Protocols: f.protocols, Replicates: f.replicates, Seed: f.seed, Workers: f.workers, Quick: f.quick, Neuropil: f.neuropil, Ctx: cmd.Context()}
	if !f.force {
		for _, name := range (&protocols.Result{}).Files() {
			if _, err := os.Stat(filepath.Join(f.out, name)); err == nil {
				return usage("--out %s already holds a bench (%s); use --force to replace it or another --out", f.out, name)
			}
		}
	}
	stderr := cmd.ErrOrStderr()
	var bar *progressbar.ProgressBar
	if fd, ok := stderr.(*os.File); ok && term.IsTerminal(int(fd.Fd())) { // a bar only on a terminal, not in logs
		cfg.Progress = func(done, total int) {
			if bar == nil {
				bar = progressbar.NewOptions(total, progressbar.OptionSetWriter(stderr), progressbar.OptionSetDescription("protocols"),
					progressbar.OptionShowCount(), progressbar.OptionClearOnFinish())
			}
			bar.Set(done)
		}
	}
	start := time.Now()
	res, err := protocols.Run(cfg)
	if bar != nil {
		bar.Finish()
	}
	if err != nil {
		return err
	}
	if err := res.Write(f.out); err != nil {
		return err
	}
	w := cmd.OutOrStdout()
	fmt.Fprintf(w, "transporter bench: %d model(s), seed %d, %s\n\n", len(ms), f.seed, time.Since(start).Round(time.Millisecond))
	if err := res.Table(w, "text"); err != nil {
		return err
	}
	fmt.Fprintf(w, "\nfiles: %s/{%s}\n", f.out, strings.Join(res.Files(), ","))
	return nil
}
