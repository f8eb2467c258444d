package main

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/reuptake/reuptake/agents"
	"github.com/reuptake/reuptake/agents/transporters"
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
	fmt.Fprintf(w, "\nuse: sites: [{name: t, model: %s, ...}]  (rates overridable with --set on the site's scheme)\n", m.Name)
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

func newTransportersBenchCmd() *cobra.Command {
	return &cobra.Command{Use: "bench", Short: "Run the standard protocols on the library's models (not yet)", Hidden: true}
}
