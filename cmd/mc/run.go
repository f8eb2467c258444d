package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/reuptake/reuptake/agents"
	"github.com/reuptake/reuptake/montecarlo/batch"
	"github.com/reuptake/reuptake/montecarlo/modelfile"
	"github.com/reuptake/reuptake/montecarlo/results"
)

// runFlags are the flags shared by run and slurm.
type runFlags struct {
	preset     string
	replicates int
	seed       int64
	workers    int
	out        string
	sets       []string
	drugs      []string          // --drug NAME=CONC, as overrides drugs.NAME.concentration=CONC
	drugFlags  map[string]string // override → the --drug text it came from, for error messages
	sweeps     []string
	task       int
	tasks      int
	chunk      int
	resume     bool
	force      bool
	quiet      bool
	jsonOut    bool
}

func (f *runFlags) register(c *cobra.Command) {
	fl := c.Flags()
	fl.StringVar(&f.preset, "preset", "", "run a built-in model (see 'mc presets list'); default "+modelfile.DefaultPreset)
	fl.IntVarP(&f.replicates, "replicates", "n", 0, "number of replicates (default: the model's run.replicates)")
	fl.Int64Var(&f.seed, "seed", -1, "master seed (default: the model's run.seed)")
	fl.IntVarP(&f.workers, "workers", "w", 0, "worker goroutines (default GOMAXPROCS); never changes the results")
	fl.StringVarP(&f.out, "out", "o", "", "output directory (default out/<model name>)")
	fl.StringArrayVar(&f.sets, "set", nil, "override a model value, e.g. --set 'run.duration=2 ms' (repeatable)")
	fl.Var(&drugFlag{f}, "drug", "add a drug of the built-in table at a clamped concentration, e.g. --drug cocaine=1uM (repeatable; same as --set 'drugs.cocaine.concentration=1 uM'); see docs/pharmacology.md")
	fl.StringArrayVar(&f.sweeps, "sweep", nil, "sweep a model value over a list, one condition each: --sweep 'species.glu.D=0.2 um^2/ms,0.33 um^2/ms' (repeatable: cartesian product)")
	fl.IntVar(&f.task, "task", -1, "run only part i of --tasks (default $SLURM_ARRAY_TASK_ID − $SLURM_ARRAY_TASK_MIN, else 0)")
	fl.IntVar(&f.tasks, "tasks", 0, "number of tasks the run is split into (default $SLURM_ARRAY_TASK_COUNT, else 1)")
	fl.IntVar(&f.chunk, "replicates-per-part", 16, "replicates per Parquet part (the unit of resume)")
	fl.BoolVar(&f.resume, "resume", false, "finish an interrupted run in --out: compute only missing or corrupt parts")
	fl.BoolVar(&f.force, "force", false, "replace an existing run in --out")
	// Drugs become --set overrides before the command runs, so that every
	// command sharing these flags (run, slurm) passes them on as such.
	prev := c.PreRunE
	c.PreRunE = func(cmd *cobra.Command, args []string) error {
		f.mergeDrugs()
		if prev != nil {
			return prev(cmd, args)
		}
		return nil
	}
}

// drugFlag collects --drug NAME=CONCENTRATION values as overrides.
type drugFlag struct{ f *runFlags }

func (d *drugFlag) String() string { return "" }
func (d *drugFlag) Type() string   { return "name=conc" }
func (d *drugFlag) Set(v string) error {
	name, conc, ok := strings.Cut(v, "=")
	name, conc = strings.TrimSpace(name), strings.TrimSpace(conc)
	if !ok || name == "" || conc == "" {
		return fmt.Errorf("want NAME=CONCENTRATION with a unit, e.g. cocaine=1uM (drugs: %s)", strings.Join(agents.DrugNames(), ", "))
	}
	ov := "drugs." + name + ".concentration=" + conc
	d.f.drugs = append(d.f.drugs, ov)
	if d.f.drugFlags == nil {
		d.f.drugFlags = map[string]string{}
	}
	d.f.drugFlags[ov] = v
	return nil
}

// drugError names the --drug flag, not the override it became, in err.
func (f *runFlags) drugError(err error) error {
	msg := err.Error()
	changed := false
	for ov, flag := range f.drugFlags {
		if strings.Contains(msg, "--set "+ov) {
			msg = strings.ReplaceAll(msg, "--set "+ov, "--drug "+flag)
			changed = true
		}
	}
	if !changed {
		return err
	}
	return errors.New(msg)
}

// mergeDrugs appends the --drug overrides to the --set ones (once).
func (f *runFlags) mergeDrugs() {
	f.sets = append(f.sets, f.drugs...)
	f.drugs = nil
}

func newRunCmd() *cobra.Command {
	var f runFlags
	c := &cobra.Command{
		Use:   "run [model.yaml]",
		Short: "Run a model (default: the built-in CA1 glutamate synapse) and write Parquet results",
		Long: `Run simulates every replicate of a model (a YAML file, or a preset) and writes
timeseries and summary tables as Parquet under --out, then prints a summary
(mean ± SE over replicates). Results depend only on the model, the seed and the
replicate index: never on --workers or on how the run is split into --tasks.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if cmd.Flags().Changed("task") && f.task < 0 {
				return &exitError{exitUsage, fmt.Errorf("--task must be 0 or more, got %d", f.task)}
			}
			return runRun(cmd.Context(), cmd.OutOrStdout(), cmd.ErrOrStderr(), &f, args)
		},
	}
	f.register(c)
	c.Flags().BoolVarP(&f.quiet, "quiet", "q", false, "print nothing but errors")
	c.Flags().BoolVar(&f.jsonOut, "json", false, "print the summary as JSON")
	return c
}

// modelSource is the text of the model to run and the name it goes by.
func modelSource(f *runFlags, args []string) (name, file string, data []byte, err error) {
	if len(args) == 1 && f.preset != "" {
		return "", "", nil, &exitError{exitUsage, errors.New("give a model file or --preset, not both")}
	}
	if len(args) == 1 {
		data, err = os.ReadFile(args[0])
		if err != nil {
			return "", "", nil, &exitError{exitUsage, err}
		}
		base := filepath.Base(args[0])
		return strings.TrimSuffix(base, filepath.Ext(base)), args[0], data, nil
	}
	p := f.preset
	if p == "" {
		p = modelfile.DefaultPreset
	}
	data, err = modelfile.Preset(p)
	if err != nil {
		return "", "", nil, &exitError{exitUsage, err}
	}
	return p, "preset:" + p, data, nil
}

// conditions expands --sweep into the cartesian product of assignments.
// A condition is named key@value (several joined by ','), with the value's
// spaces dropped and characters that a hive path cannot hold replaced:
// drugs.cocaine.concentration@1uM, species.glu.D@0.2um_2_ms.
func conditions(sweeps []string) ([]string, [][]string, error) {
	names := []string{"base"}
	sets := [][]string{nil}
	for _, s := range sweeps {
		key, vals, ok := strings.Cut(s, "=")
		key = strings.TrimSpace(key)
		if !ok || key == "" || strings.TrimSpace(vals) == "" {
			return nil, nil, &exitError{exitUsage, fmt.Errorf("--sweep %q: want key=v1,v2,… (comma-separated values)", s)}
		}
		var nn []string
		var ss [][]string
		for _, v := range strings.Split(vals, ",") {
			v = strings.TrimSpace(v)
			if v == "" {
				return nil, nil, &exitError{exitUsage, fmt.Errorf("--sweep %q: empty value", s)}
			}
			label := sanitize(key) + "@" + sanitize(strings.ReplaceAll(v, " ", ""))
			for i := range names {
				n := label
				if names[i] != "base" {
					n = names[i] + "," + label
				}
				nn = append(nn, n)
				ss = append(ss, append(append([]string(nil), sets[i]...), key+"="+v))
			}
		}
		names, sets = nn, ss
	}
	return names, sets, nil
}

// sanitize maps a label to characters a hive partition value may hold.
func sanitize(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '.', r == '_', r == '-':
			b.WriteRune(r)
		case r == 'µ':
			b.WriteRune('u')
		default:
			b.WriteRune('_')
		}
	}
	return b.String()
}

// buildPlan loads the model once per condition.
func buildPlan(f *runFlags, args []string) (string, batch.Plan, error) {
	f.mergeDrugs()
	name, file, data, err := modelSource(f, args)
	if err != nil {
		return "", batch.Plan{}, err
	}
	names, sets, err := conditions(f.sweeps)
	if err != nil {
		return "", batch.Plan{}, err
	}
	var plan batch.Plan
	for i, cname := range names {
		over := append(append([]string(nil), f.sets...), sets[i]...)
		spec, src, err := modelfile.Decode(file, data, over)
		if err != nil {
			return "", plan, &exitError{exitUsage, f.drugError(err)}
		}
		if i == 0 {
			plan.Replicates = spec.Run.Replicates
			plan.Seed = spec.Run.Seed
		}
		// Compile maps the model's semantic errors back to file:line:col.
		m, err := modelfile.Compile(spec, src)
		if err != nil {
			return "", plan, &exitError{exitUsage, f.drugError(err)}
		}
		plan.Conditions = append(plan.Conditions, batch.Condition{Name: cname, Model: m, Source: string(data), Overrides: over})
	}
	if f.replicates != 0 {
		plan.Replicates = f.replicates
	}
	if plan.Replicates <= 0 {
		return "", plan, &exitError{exitUsage, fmt.Errorf("--replicates must be a positive count, got %d", plan.Replicates)}
	}
	switch {
	case f.seed >= 0:
		plan.Seed = uint64(f.seed)
	case f.seed < -1:
		return "", plan, &exitError{exitUsage, fmt.Errorf("--seed must be 0 or more, got %d", f.seed)}
	}
	plan.Chunk = f.chunk
	if err := plan.Validate(); err != nil {
		return "", plan, &exitError{exitUsage, err}
	}
	return name, plan, nil
}

// taskFromEnv fills --task/--tasks from Slurm's array variables.
func taskFromEnv(f *runFlags) error {
	if f.tasks == 0 {
		f.tasks = 1
		if s := os.Getenv("SLURM_ARRAY_TASK_COUNT"); s != "" {
			n, err := strconv.Atoi(s)
			if err != nil {
				return fmt.Errorf("SLURM_ARRAY_TASK_COUNT=%q is not a number", s)
			}
			f.tasks = n
		}
	}
	if f.task < 0 {
		f.task = 0
		if s := os.Getenv("SLURM_ARRAY_TASK_ID"); s != "" {
			id, err := strconv.Atoi(s)
			if err != nil {
				return fmt.Errorf("SLURM_ARRAY_TASK_ID=%q is not a number", s)
			}
			lo := 0
			if m := os.Getenv("SLURM_ARRAY_TASK_MIN"); m != "" {
				if lo, err = strconv.Atoi(m); err != nil {
					return fmt.Errorf("SLURM_ARRAY_TASK_MIN=%q is not a number", m)
				}
			}
			f.task = id - lo
		}
	}
	if f.tasks <= 0 {
		return fmt.Errorf("--tasks must be a positive count, got %d", f.tasks)
	}
	if f.task >= f.tasks {
		return fmt.Errorf("--task %d is out of range: with --tasks %d tasks are numbered 0 to %d", f.task, f.tasks, f.tasks-1)
	}
	return nil
}

// prepareOut decides what to do with an existing output directory.
func prepareOut(dir string, f *runFlags) error {
	st, err := os.Stat(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if !st.IsDir() {
		return fmt.Errorf("--out %s exists and is not a directory", dir)
	}
	_, merr := os.Stat(filepath.Join(dir, "manifest.json"))
	isRun := merr == nil
	entries, _ := os.ReadDir(dir)
	switch {
	case f.resume:
		return nil
	case f.tasks > 1 && f.force:
		return fmt.Errorf("--force cannot be used with --tasks %d: tasks of one array share the directory, and one task must not delete the others' parts; remove %s first", f.tasks, dir)
	case f.tasks > 1 && isRun:
		return nil // tasks of one array share the directory; the manifest check guards the plan
	case f.force && isRun:
		return os.RemoveAll(dir)
	case isRun:
		return fmt.Errorf("%s already holds a run: use --resume to complete it, --force to replace it, or another --out", dir)
	case len(entries) > 0:
		return fmt.Errorf("%s is not empty and holds no run; refusing to write into it", dir)
	}
	return nil
}

func runRun(ctx context.Context, stdout, stderr io.Writer, f *runFlags, args []string) error {
	if ctx == nil {
		ctx = context.Background()
	}
	if err := taskFromEnv(f); err != nil {
		return &exitError{exitUsage, err}
	}
	name, plan, err := buildPlan(f, args)
	if err != nil {
		return err
	}
	seen := map[string]bool{}
	for _, c := range plan.Conditions {
		for _, w := range c.Model.Warnings {
			if !seen[w] {
				seen[w] = true
				fmt.Fprintln(stderr, "warning:", w)
			}
		}
	}
	dir := f.out
	if dir == "" {
		dir = filepath.Join("out", name)
	}
	if err := prepareOut(dir, f); err != nil {
		return &exitError{exitUsage, err}
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	workers := f.workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	opts := batch.Options{Task: f.task, Tasks: f.tasks, Workers: workers, Resume: f.resume || f.tasks > 1}
	var bar *progressbar.ProgressBar
	if !f.quiet && !f.jsonOut {
		if fd, ok := stderr.(*os.File); ok && term.IsTerminal(int(fd.Fd())) {
			opts.Progress = func(done, total int) {
				if bar == nil {
					bar = progressbar.NewOptions(total, progressbar.OptionSetWriter(stderr), progressbar.OptionSetDescription("replicates"),
						progressbar.OptionShowCount(), progressbar.OptionSetPredictTime(true), progressbar.OptionClearOnFinish())
				}
				bar.Set(done)
			}
		}
	}
	start := time.Now()
	err = batch.Run(ctx, dir, plan, opts)
	if bar != nil {
		bar.Finish()
	}
	if errors.Is(err, batch.ErrInterrupted) {
		fmt.Fprintf(stderr, "interrupted: complete parts are kept in %s; finish with: mc run ... --out %s --resume\n", dir, dir)
		return &exitError{exitInterrupted, err}
	}
	if err != nil {
		return err
	}
	if f.quiet {
		return nil
	}
	sums, err := readSummaries(dir)
	if err != nil {
		return err
	}
	if f.jsonOut {
		return writeSummaryJSON(stdout, dir, plan, sums)
	}
	shards := ""
	if k := plan.Conditions[0].Model.Shards(); k > 1 {
		shards = fmt.Sprintf(", %d spatial shards per replicate", k)
	}
	fmt.Fprintf(stdout, "%s: %d replicate(s) × %d condition(s)%s, seed %d, task %d of %d, %s on %d worker(s)\n",
		name, plan.Replicates, len(plan.Conditions), shards, plan.Seed, f.task, f.tasks, time.Since(start).Round(time.Millisecond), workers)
	writeSummaryText(stdout, plan, sums)
	fmt.Fprintf(stdout, "\nfiles: %s/{timeseries,summary}/condition=*/part-*.parquet\n", dir)
	fmt.Fprintf(stdout, "read:  duckdb -c \"SELECT * FROM read_parquet('%s/summary/**/*.parquet', hive_partitioning=true)\"\n", dir)
	return nil
}

// condSummary collects one condition's summary columns across replicates.
type condSummary struct {
	cols []results.Column
	vals map[string][]float64
	n    int
}

// readSummaries reads every summary part in dir, per condition.
func readSummaries(dir string) (map[string]*condSummary, error) {
	files, err := filepath.Glob(filepath.Join(dir, "summary", "condition=*", "part-*.parquet"))
	if err != nil {
		return nil, err
	}
	out := map[string]*condSummary{}
	for _, path := range files {
		f, err := results.Open(path)
		if err != nil {
			return nil, err
		}
		cond := strings.TrimPrefix(filepath.Base(filepath.Dir(path)), "condition=")
		cs := out[cond]
		if cs == nil {
			cs = &condSummary{cols: f.Columns(), vals: map[string][]float64{}}
			out[cond] = cs
		}
		cols := f.Columns()
		err = f.Scan(func(_ int64, _ float64, v []float64) error {
			for i, c := range cols {
				cs.vals[c.Name] = append(cs.vals[c.Name], v[i])
			}
			cs.n++
			return nil
		})
		f.Close()
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// meanSE ignores NaN values (e.g. a half-clearance never reached).
func meanSE(x []float64) (mean, se float64, n int) {
	var s, ss float64
	for _, v := range x {
		if !math.IsNaN(v) {
			s += v
			n++
		}
	}
	if n == 0 {
		return math.NaN(), math.NaN(), 0
	}
	mean = s / float64(n)
	for _, v := range x {
		if !math.IsNaN(v) {
			ss += (v - mean) * (v - mean)
		}
	}
	if n > 1 {
		se = math.Sqrt(ss / float64(n-1) / float64(n))
	}
	if se < 1e-12*math.Abs(mean) {
		se = 0 // rounding noise of identical values
	}
	return mean, se, n
}

// headline maps summary columns to friendlier labels and units.
func headline(c results.Column) (label, unit string, scale float64) {
	switch {
	case c.Name == "peak_conc_cleft_uM":
		return "peak cleft transmitter", "mM", 1e-3
	case strings.HasPrefix(c.Name, "frac_"):
		return c.Name, "%", 100
	}
	return c.Name, c.Unit, 1
}

func writeSummaryText(w io.Writer, plan batch.Plan, sums map[string]*condSummary) {
	for _, c := range plan.Conditions {
		cs := sums[c.Name]
		if cs == nil {
			continue
		}
		note := ""
		if cs.n < plan.Replicates {
			note = fmt.Sprintf(", %d of %d present: other tasks have not finished", cs.n, plan.Replicates)
		}
		fmt.Fprintf(w, "\ncondition %s (%d replicates%s): mean ± SE\n", c.Name, cs.n, note)
		for _, col := range cs.cols {
			label, unit, scale := headline(col)
			m, se, n := meanSE(cs.vals[col.Name])
			if n == 0 {
				fmt.Fprintf(w, "  %-28s %12s\n", label, "n/a")
				continue
			}
			fmt.Fprintf(w, "  %-28s %12.4g ± %-9.2g %s\n", label, m*scale, se*scale, unit)
		}
	}
}

func writeSummaryJSON(w io.Writer, dir string, plan batch.Plan, sums map[string]*condSummary) error {
	type stat struct {
		Mean float64 `json:"mean"`
		SE   float64 `json:"se"`
		N    int     `json:"n"`
		Unit string  `json:"unit"`
	}
	type cond struct {
		Replicates int             `json:"replicates"`
		Summary    map[string]stat `json:"summary"`
	}
	out := struct {
		Dir        string          `json:"dir"`
		Seed       uint64          `json:"seed"`
		Conditions map[string]cond `json:"conditions"`
	}{Dir: dir, Seed: plan.Seed, Conditions: map[string]cond{}}
	names := make([]string, 0, len(sums))
	for k := range sums {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		cs := sums[k]
		c := cond{Replicates: cs.n, Summary: map[string]stat{}}
		for _, col := range cs.cols {
			m, se, n := meanSE(cs.vals[col.Name])
			if n == 0 {
				m, se = 0, 0
			}
			c.Summary[col.Name] = stat{m, se, n, col.Unit}
		}
		out.Conditions[k] = c
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}
