package main

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"gonum.org/v1/plot/vg"

	"github.com/reuptake/reuptake/analysis"
	"github.com/reuptake/reuptake/analysis/figure"
)

// splitEventTables separates the --table names computed from the events
// table (fpt, survival, dwell, reactions) from the others.
func splitEventTables(names []string) (events, rest []string) {
	for _, n := range names {
		if slices.Contains(analysis.EventTableNames, n) {
			events = append(events, n)
		} else {
			rest = append(rest, n)
		}
	}
	return events, rest
}

// eventTables computes the event tables of mc analyze.
func eventTables(f *analyzeFlags, names []string, args []string) ([]analysis.NamedTable, error) {
	tabs, err := analysis.EventTables(names, f.conditions, args...)
	if errors.Is(err, analysis.ErrNoEvents) {
		return nil, &exitError{exitUsage, err}
	}
	if err != nil {
		return nil, &exitError{exitFailure, err}
	}
	return tabs, nil
}

// analyzeEvents prints the event tables, then the other tables asked for.
func analyzeEvents(stdout, stderr io.Writer, f *analyzeFlags, names, rest []string, args []string) error {
	tabs, err := eventTables(f, names, args)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		ds, err := loadDataset(stderr, "analyze", args, f.loadOptions())
		if err != nil {
			return err
		}
		opts := analysis.Options{LoadOptions: f.loadOptions(), Resamples: f.bootstrap, Seed: f.seed}
		if f.bootstrap == 0 {
			opts.Resamples = -1
		}
		more, err := analysis.Summarize(ds, opts).Tables(f.format, rest)
		if err != nil {
			return &exitError{exitUsage, err}
		}
		tabs = append(more, tabs...)
	}
	return writeTables(stdout, f.out, f.format, tabs)
}

// plotEvents draws the event panels of mc plot.
func plotEvents(stdout io.Writer, f *plotFlags, args []string) error {
	data, err := analysis.EventData(f.conditions, args...)
	if errors.Is(err, analysis.ErrNoEvents) {
		return &exitError{exitUsage, err}
	}
	if err != nil {
		return &exitError{exitFailure, err}
	}
	title := f.title
	if title == "" {
		title = strings.Join(args, " ") + ": per molecule, from the events table"
	}
	opts := figure.Options{Title: title, PanelWidth: vg.Length(f.width) * vg.Inch, PanelHeight: vg.Length(f.height) * vg.Inch, DPI: f.dpi}
	if err := figure.SaveEvents(data, f.out, f.panels, opts); err != nil {
		return &exitError{exitFailure, err}
	}
	fmt.Fprintf(stdout, "wrote %s\n", f.out)
	return nil
}
