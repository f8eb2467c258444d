package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"

	"github.com/reuptake/reuptake/montecarlo/batch"
	"github.com/reuptake/reuptake/montecarlo/modelfile"
	"github.com/reuptake/reuptake/montecarlo/results"
)

// resumeDir reports whether the command is mc run --resume RUN_DIR: with
// --resume, a single argument that is a directory holding a run's
// manifest.json names the run to finish, not a model file.
func resumeDir(f *runFlags, args []string) (string, bool) {
	if !f.resume || len(args) != 1 {
		return "", false
	}
	st, err := os.Stat(args[0])
	if err != nil || !st.IsDir() {
		return "", false
	}
	return args[0], true
}

// resumePlan rebuilds the plan of the run in dir from what the run
// recorded: the seed, the replicates, the replicates per part and every
// condition's name and overrides from dir/manifest.json, the model text
// from the metadata of its Parquet parts. Flags that would change the run
// are refused: the run is finished as it was started.
func resumePlan(dir string, f *runFlags) (string, batch.Plan, error) {
	var plan batch.Plan
	var changed []string
	for _, c := range []struct {
		set  bool
		flag string
	}{
		{f.preset != "", "--preset"}, {len(f.sets) > 0, "--set"}, {len(f.drugs) > 0, "--drug"}, {len(f.sweeps) > 0, "--sweep"},
		{f.replicates != 0, "--replicates"}, {f.seed.set, "--seed"}, {f.out != "" && filepath.Clean(f.out) != filepath.Clean(dir), "--out"},
		{f.force, "--force"},
	} {
		if c.set {
			changed = append(changed, c.flag)
		}
	}
	if len(changed) > 0 {
		return "", plan, &exitError{exitUsage, fmt.Errorf("mc run --resume %s takes the model and its settings from the run; drop %v (to change them, start a new run with another --out)", dir, changed)}
	}
	m, err := batch.ReadManifest(dir)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return "", plan, &exitError{exitUsage, fmt.Errorf("%s holds no run (no manifest.json): give the model file and --out to start one", dir)}
		}
		return "", plan, &exitError{exitUsage, err}
	}
	source, err := recordedModel(dir)
	if err != nil {
		return "", plan, &exitError{exitUsage, err}
	}
	name := filepath.Base(filepath.Clean(dir))
	file := filepath.Join(dir, "manifest.json") + " (model)"
	for _, mc := range m.Conditions {
		spec, src, err := modelfile.Decode(file, []byte(source), mc.Overrides)
		if err != nil {
			return "", plan, &exitError{exitUsage, err}
		}
		if spec.Name != "" {
			name = spec.Name
		}
		model, err := modelfile.Compile(spec, src)
		if err != nil {
			return "", plan, &exitError{exitUsage, err}
		}
		plan.Conditions = append(plan.Conditions, batch.Condition{Name: mc.Name, Model: model, Source: source, Overrides: mc.Overrides})
	}
	plan.Seed, plan.Replicates, plan.Chunk = m.Seed, m.Replicates, m.Chunk
	if err := plan.Validate(); err != nil {
		return "", plan, &exitError{exitUsage, err}
	}
	f.out = dir
	return name, plan, nil
}

// recordedModel returns the model text recorded in the metadata of the
// run's parts (every part holds it).
func recordedModel(dir string) (string, error) {
	var parts []string
	for _, kind := range []string{"timeseries", "summary"} {
		m, _ := filepath.Glob(filepath.Join(dir, kind, "condition=*", "part-*.parquet"))
		parts = append(parts, m...)
	}
	sort.Strings(parts)
	for _, p := range parts {
		f, err := results.Open(p)
		if err != nil {
			continue // a corrupt part, which the resumed run recomputes
		}
		src, ok := f.Lookup(results.MetaModel)
		f.Close()
		if ok && src != "" {
			return src, nil
		}
	}
	return "", fmt.Errorf("%s: no part was finished before the run stopped, so the model is not recorded there: start it again with the original command", dir)
}
