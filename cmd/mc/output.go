package main

import (
	"fmt"
	"strings"

	"github.com/reuptake/reuptake/montecarlo"
	"github.com/reuptake/reuptake/montecarlo/batch"
	"github.com/spf13/pflag"
)

// outputFlags are the flags that ask for the optional per-molecule
// tables; they become overrides of the model's output section (so that
// they count in the model hash: a run cannot be resumed with other
// output tables).
type outputFlags struct {
	events    string
	snapshots string
	maxRows   int64
}

// DefaultMaxOutputRows is the default --max-output-rows.
const DefaultMaxOutputRows = 200_000_000

func (o *outputFlags) register(fl *pflag.FlagSet) {
	fl.StringVar(&o.events, "events", "", "write the events table: --events (all kinds) or --events=bind,unbind,transport (kinds: "+strings.Join(montecarlo.EventKinds(), ", ")+"); same as --set output.events=...")
	fl.Lookup("events").NoOptDefVal = "all"
	fl.StringVar(&o.snapshots, "snapshots", "", "write the snapshots and sites tables every interval, e.g. --snapshots 50us (a multiple of dt); same as --set 'output.snapshots.every=...'")
	fl.Int64Var(&o.maxRows, "max-output-rows", DefaultMaxOutputRows, "refuse a run whose events, snapshots and sites tables would hold more rows than this in all (estimated before it starts)")
}

// args returns the flags again, for a script that runs mc run (mc
// slurm), each value quoted by quote.
func (o *outputFlags) args(quote func(string) string) []string {
	var out []string
	if o.events != "" {
		out = append(out, "--events="+quote(o.events))
	}
	if o.snapshots != "" {
		out = append(out, "--snapshots "+quote(o.snapshots))
	}
	if o.maxRows != DefaultMaxOutputRows {
		out = append(out, fmt.Sprintf("--max-output-rows %d", o.maxRows))
	}
	return out
}

// overrides returns the model overrides the flags stand for, after
// checking the event kinds.
func (o *outputFlags) overrides() ([]string, error) {
	var out []string
	if o.events != "" {
		if _, err := montecarlo.ParseEventKinds(strings.Split(o.events, ",")); err != nil {
			return nil, &exitError{exitUsage, fmt.Errorf("--events: %v", err)}
		}
		out = append(out, "output.events=["+o.events+"]")
	}
	if o.snapshots != "" {
		out = append(out, "output.snapshots.every="+o.snapshots)
	}
	return out, nil
}

// nameFlag adds the flag an error came from, when it came from an
// override that a flag made.
func (o *outputFlags) nameFlag(err error) error {
	msg := err.Error()
	switch {
	case o.snapshots != "" && strings.Contains(msg, "output.snapshots"):
		return fmt.Errorf("%w (from --snapshots %s)", err, o.snapshots)
	case o.events != "" && strings.Contains(msg, "output.events"):
		return fmt.Errorf("%w (from --events=%s)", err, o.events)
	}
	return err
}

// checkOutputSize estimates the rows of the optional tables (one
// replicate of each condition run without keeping its rows, times the
// replicates) and refuses a run above --max-output-rows.
func checkOutputSize(o *outputFlags, plan batch.Plan) error {
	var ev, sn, si int64
	recording := false
	for _, c := range plan.Conditions {
		out := c.Model.Output()
		if !out.RecordsEvents() && out.SnapshotEvery == 0 {
			continue
		}
		recording = true
		r := montecarlo.EstimateRows(c.Model, plan.Seed)
		n := int64(plan.Replicates)
		ev += r.Events * n
		sn += r.Snapshots * n
		si += r.Sites * n
	}
	if !recording {
		return nil
	}
	if total := ev + sn + si; total > o.maxRows {
		return &exitError{exitUsage, fmt.Errorf("the run would write about %d rows (events %d, snapshots %d, sites %d; estimated from replicate 0 of each condition × %d replicates), above --max-output-rows %d: raise the limit with --max-output-rows %d, or run fewer replicates, record fewer event kinds (--events=transport,escape) or take snapshots less often",
			total, ev, sn, si, plan.Replicates, o.maxRows, total+total/4)}
	}
	return nil
}

// tableList names the tables of the plan's first condition, comma-separated.
func tableList(plan batch.Plan) string {
	var names []string
	for _, k := range plan.Conditions[0].Tables() {
		names = append(names, k.String())
	}
	return strings.Join(names, ",")
}
