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
	"os/signal"
	"runtime"
	"runtime/debug"
	"sync/atomic"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/reuptake/reuptake/montecarlo/batch"
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
		Version:       batch.Version,
	}
	root.SetVersionTemplate(versionText(debug.ReadBuildInfo()))
	root.AddCommand(newRunCmd(), newPresetsCmd(), newValidateCmd(), newInspectCmd(), newStatusCmd(),
		newAnalyzeCmd(), newCompareCmd(), newPlotCmd(), // analysis
		newSlurmCmd(), newMergeCmd(), // batch runs on a cluster
		newViewCmd(), newExportCmd(), // seeing and exporting models and runs
		newTransportersCmd()) // the transporter model library and its protocols
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

// versionText is what mc --version prints: the engine version, the source
// commit and the Go toolchain, from the build information the Go linker
// records (bi may be nil, ok false, for binaries built without it).
func versionText(bi *debug.BuildInfo, ok bool) string {
	commit, when, dirty := "unknown (built without VCS information: outside a git checkout, or -buildvcs=false)", "", false
	goVersion := runtime.Version()
	module := ""
	if ok && bi != nil {
		goVersion = bi.GoVersion
		if v := bi.Main.Version; v != "" && v != "(devel)" {
			module = " (module " + v + ")"
		}
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				commit = s.Value
			case "vcs.time":
				when = ", " + s.Value
			case "vcs.modified":
				dirty = s.Value == "true"
			}
		}
	}
	if dirty {
		commit += " with local changes"
	}
	return fmt.Sprintf("mc (reuptake) %s%s\ncommit %s%s\n%s %s/%s\n", batch.Version, module, commit, when, goVersion, runtime.GOOS, runtime.GOARCH)
}

// selfInterrupting marks, by its annotation, a command that handles
// SIGINT and SIGTERM itself (stopping cleanly and exiting 130): mc run.
// Every other command is stopped by main at once with status 130; what
// they write is atomic or, for mc merge, journalled, so nothing is left
// half-done.
const selfInterrupting = "reuptake.handles-signals"

func main() {
	root := newRootCmd()
	var running atomic.Pointer[cobra.Command]
	root.PersistentPreRun = func(cmd *cobra.Command, _ []string) { running.Store(cmd) }
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	go func() {
		s := <-sigs
		if c := running.Load(); c != nil && c.Annotations[selfInterrupting] != "" {
			return // the command stops itself
		}
		fmt.Fprintf(os.Stderr, "mc: interrupted (%v)\n", s)
		os.Exit(exitInterrupted)
	}()
	err := root.Execute()
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
