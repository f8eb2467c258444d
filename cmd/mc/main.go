// Command mc is the reuptake command line: run models, list presets,
// validate the physics, inspect and analyse results, and prepare Slurm
// batch jobs.
//
//	mc run                      # the built-in CA1 glutamate synapse
//	mc run model.yaml --replicates 64 --seed 7 --out out/mine
//	mc presets list
//	mc validate --quick
//	mc inspect out/glutamate-ca1/summary/condition=base/part-00000.parquet
package main

import (
	"errors"
	"fmt"
	"os"

	"github.com/spf13/cobra"
)

// exitError carries a process exit code through cobra.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

// Exit codes.
const (
	exitFailure     = 1   // an error, or a validation check failed
	exitUsage       = 2   // bad flags or model
	exitInterrupted = 130 // stopped by SIGINT/SIGTERM; complete parts kept, resume with --resume
)

func newRootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:           "mc",
		Short:         "reuptake: stochastic Monte Carlo simulation of chemical synapses",
		Long:          "reuptake simulates transmitter molecules released into a synaptic cleft, diffusing, binding receptors and being taken up by transporters, and writes the results as Parquet.",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.AddCommand(newRunCmd(), newPresetsCmd(), newValidateCmd(), newInspectCmd(), newStatusCmd(),
		newAnalyzeCmd(), newCompareCmd(), newPlotCmd(), // analysis
		newSlurmCmd(), newMergeCmd(), // batch runs on a cluster
		newViewCmd(), newExportCmd()) // seeing and exporting models and runs
	// Bad flags and arguments exit with the usage status, 2.
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return &exitError{exitUsage, err} })
	var wrapArgs func(c *cobra.Command)
	wrapArgs = func(c *cobra.Command) {
		if a := c.Args; a != nil {
			c.Args = func(cmd *cobra.Command, args []string) error {
				if err := a(cmd, args); err != nil {
					return &exitError{exitUsage, err}
				}
				return nil
			}
		}
		for _, sub := range c.Commands() {
			wrapArgs(sub)
		}
	}
	wrapArgs(root)
	return root
}

func main() {
	err := newRootCmd().Execute()
	if err == nil {
		return
	}
	fmt.Fprintln(os.Stderr, "mc:", err)
	os.Exit(exitCode(err))
}

// exitCode is the process exit status for an error returned by a command.
func exitCode(err error) int {
	if err == nil {
		return 0
	}
	var ee *exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	return exitFailure
}
