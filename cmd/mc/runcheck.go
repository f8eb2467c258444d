package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/reuptake/reuptake/analysis"
	"github.com/reuptake/reuptake/montecarlo/batch"
)

// runOf returns the run directory that holds path (a results file of
// RUN/<table>/condition=<c>/), or "" when path is not inside a run.
func runOf(path string) string {
	d := filepath.Dir(path)
	for i := 0; i < 3; i++ {
		if _, err := os.Stat(filepath.Join(d, "manifest.json")); err == nil {
			return d
		}
		up := filepath.Dir(d)
		if up == d {
			break
		}
		d = up
	}
	return ""
}

// checkRuns tells how much of each run the inputs come from is present, as
// mc run's summary does: a warning on stderr for an incomplete run (the
// analysis covers the replicates present), and an error for a run caught
// in the middle of a merge, whose files are being swapped.
func checkRuns(stderr io.Writer, cmdName string, srcs []analysis.Source) error {
	conds := map[string]map[string]bool{} // run → conditions read
	var runs []string
	for _, s := range srcs {
		run := runOf(s.Path)
		if run == "" {
			continue
		}
		if conds[run] == nil {
			conds[run] = map[string]bool{}
			runs = append(runs, run)
		}
		if s.Condition != "" {
			conds[run][s.Condition] = true
		}
	}
	for _, run := range runs {
		rep, err := batch.Inspect(run, false)
		if err != nil {
			fmt.Fprintf(stderr, "mc %s: warning: cannot tell whether %s is complete: %v\n", cmdName, run, err)
			continue
		}
		if rep.Merging || rep.MergePending {
			return &exitError{exitFailure, fmt.Errorf("%s is in the middle of a merge, its files are being swapped: %s, then analyse it", run, rep.Next())}
		}
		// Count the parts of the conditions read (all when none is named).
		done, total := 0, 0
		var short []string
		perCond := map[string][2]int{}
		for _, p := range rep.Parts {
			if len(conds[run]) > 0 && !conds[run][p.Condition] {
				continue
			}
			c := perCond[p.Condition]
			c[1] += p.End - p.First
			total++
			if p.State == batch.Done {
				done++
				c[0] += p.End - p.First
			}
			perCond[p.Condition] = c
		}
		if done == total {
			continue
		}
		for name, c := range perCond {
			if c[0] < c[1] {
				short = append(short, fmt.Sprintf("%s %d of %d", name, c[0], c[1]))
			}
		}
		sort.Strings(short)
		fmt.Fprintf(stderr, "mc %s: warning: %s is incomplete: %d of %d parts done (replicates present: %s); the results cover only those. To complete it, %s\n",
			cmdName, run, done, total, strings.Join(short, ", "), rep.Next())
	}
	return nil
}
