package main

import (
	"fmt"
	"io"
	"math"
	"runtime"
	"strings"
	"unicode/utf8"

	"github.com/spf13/cobra"

	"github.com/reuptake/reuptake/montecarlo/validate"
)

func newValidateCmd() *cobra.Command {
	var quick, verbose bool
	var seed uint64
	var workers int
	c := &cobra.Command{
		Use:   "validate",
		Short: "Run the physics checks against analytic results and print expected, simulated ± SE, z, pass/fail",
		Long: `validate runs the engine's physics suite (free diffusion, reflecting slab, point
source in a cleft, clamped-ligand binding, surface binding flux, the Jonas–Sakmann
AMPA scheme, first-order decay, conservation and determinism) and compares each
simulated statistic with its analytic value. A check passes when |z| < 4, with z
computed from the simulation's own standard error. Exit status 1 if any fails.

Each check prints a heading and one line per compared quantity: PASS or
FAIL, z, the quantity, the expected value and the simulated one ± its SE.
--verbose adds, under each line, where the expected value comes from.`,
		Example: `  mc validate --quick        # the fast subset, a minute or two
  mc validate --verbose      # every check, with the source of each expected value`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if workers <= 0 {
				workers = runtime.GOMAXPROCS(0)
			}
			rs := validate.RunAll(quick, seed, workers)
			writeValidation(cmd.OutOrStdout(), rs, verbose)
			failed := 0
			for _, r := range rs {
				if !r.Pass {
					failed++
				}
			}
			if failed > 0 {
				return &exitError{exitFailure, fmt.Errorf("%d of %d checks failed", failed, len(rs))}
			}
			fmt.Fprintf(cmd.OutOrStdout(), "all %d checks passed\n", len(rs))
			return nil
		},
	}
	c.Flags().BoolVar(&quick, "quick", false, "run the fast subset")
	c.Flags().BoolVarP(&verbose, "verbose", "v", false, "say under each line where the expected value comes from")
	c.Flags().Uint64Var(&seed, "seed", 1, "seed for the checks")
	c.Flags().IntVarP(&workers, "workers", "w", 0, "checks run in parallel (default GOMAXPROCS)")
	return c
}

// validateWidth is the width mc validate's lines fit in.
const validateWidth = 96

// writeValidation prints the results grouped by check, one line of at
// most validateWidth columns per quantity (a long quantity is cut, and
// printed whole with --verbose), and with verbose the detail of each
// result wrapped under it.
func writeValidation(w io.Writer, rs []validate.Result, verbose bool) {
	const indent = "                "
	// The values (simulated ± SE, expected) line up in one column, as wide
	// as the widest (at most 42), after the quantity.
	values := make([]string, len(rs))
	vw := 0
	for i, r := range rs {
		values[i] = "exact: " + validationNum(r.Simulated) + ", expected " + validationNum(r.Expected)
		if r.SE != 0 {
			values[i] = validationNum(r.Simulated) + " ± " + fmt.Sprintf("%.2g", r.SE) + ", expected " + validationNum(r.Expected)
		}
		vw = max(vw, utf8.RuneCountInString(values[i]))
	}
	vw = min(vw, 42)
	prev := ""
	for i, r := range rs {
		if r.Name != prev {
			fmt.Fprintln(w, r.Name)
			prev = r.Name
		}
		verdict := "PASS"
		if !r.Pass {
			verdict = "FAIL"
		}
		z := "    -"
		if r.SE != 0 {
			z = fmt.Sprintf("%+5.2f", r.Z)
		}
		head := fmt.Sprintf("  %s %s  ", verdict, z)
		room := validateWidth - utf8.RuneCountInString(head) - max(vw, utf8.RuneCountInString(values[i])) - 2
		q := r.Quantity
		cut := utf8.RuneCountInString(q) > room
		if cut {
			q = string([]rune(q)[:max(room-1, 1)]) + "…"
		}
		fmt.Fprintf(w, "%s%s  %s%s\n", head, q, strings.Repeat(" ", max(0, room-utf8.RuneCountInString(q))), values[i])
		if verbose {
			if cut {
				for _, l := range wrap(r.Quantity, validateWidth-len(indent)) {
					fmt.Fprintf(w, "%s%s\n", indent, l)
				}
			}
			for _, l := range wrap(r.Detail, validateWidth-len(indent)) {
				fmt.Fprintf(w, "%s%s\n", indent, l)
			}
		}
	}
}

// validationNum formats a value with 4 significant digits, integers whole.
func validationNum(x float64) string {
	if x == math.Trunc(x) && math.Abs(x) < 1e7 {
		return fmt.Sprintf("%.0f", x)
	}
	return fmt.Sprintf("%.4g", x)
}

// wrap breaks s into lines of at most n runes at spaces (a longer word
// stays whole).
func wrap(s string, n int) []string {
	var lines []string
	line := ""
	for _, word := range strings.Fields(s) {
		switch {
		case line == "":
			line = word
		case utf8.RuneCountInString(line)+1+utf8.RuneCountInString(word) <= n:
			line += " " + word
		default:
			lines = append(lines, line)
			line = word
		}
	}
	if line != "" {
		lines = append(lines, line)
	}
	return lines
}
