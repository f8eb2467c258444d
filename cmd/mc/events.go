package main

import (
	"errors"
	"io"
	"slices"

	"github.com/reuptake/reuptake/analysis"
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
