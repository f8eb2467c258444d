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
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
	"unicode/utf8"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/reuptake/reuptake/agents"
	"github.com/reuptake/reuptake/analysis"
	"github.com/reuptake/reuptake/montecarlo"
	"github.com/reuptake/reuptake/montecarlo/batch"
	"github.com/reuptake/reuptake/montecarlo/modelfile"
)

// runFlags are the flags shared by run and slurm.
type runFlags struct {
	preset     string
	replicates int
	seed       seedFlag
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
	output     outputFlags // --events, --snapshots, --max-output-rows (output.go)
}

func (f *runFlags) register(c *cobra.Command) {
	fl := c.Flags()
	fl.StringVar(&f.preset, "preset", "", "run a built-in model (see 'mc presets list'); default "+modelfile.DefaultPreset)
	fl.IntVarP(&f.replicates, "replicates", "n", 0, "number of replicates (default: the model's run.replicates)")
	fl.Var(&f.seed, "seed", "master seed, 0 to 18446744073709551615 (default: the model's run.seed)")
	fl.IntVarP(&f.workers, "workers", "w", 0, "worker goroutines (default GOMAXPROCS); never changes the results")
	fl.StringVarP(&f.out, "out", "o", "", "output directory (default out/<model name>)")
	fl.StringArrayVar(&f.sets, "set", nil, "override a model value, e.g. --set 'run.duration=2 ms' (repeatable)")
	fl.Var(&drugFlag{f}, "drug", "add a drug of the built-in table at a clamped concentration, e.g. cocaine=1uM (repeatable; docs/pharmacology.md)")
	fl.StringArrayVar(&f.sweeps, "sweep", nil, "sweep a model value, one condition per value, e.g. 'species.glu.D=0.2 um^2/ms,0.4 um^2/ms' (repeatable: all combinations)")
	fl.IntVar(&f.task, "task", -1, "run only part i of --tasks (default $SLURM_ARRAY_TASK_ID − $SLURM_ARRAY_TASK_MIN, else 0)")
	fl.IntVar(&f.tasks, "tasks", 0, "number of tasks the run is split into (default $SLURM_ARRAY_TASK_COUNT, else 1)")
	fl.IntVar(&f.chunk, "replicates-per-part", 16, "replicates per Parquet part (the unit of resume)")
	fl.BoolVar(&f.resume, "resume", false, "finish an interrupted run in --out: compute only missing or corrupt parts")
	fl.BoolVar(&f.force, "force", false, "replace an existing run in --out")
	// -1 means "not given" for --seed and --task; their usage says what
	// the default is, so the help must not add "(default -1)".
	for _, n := range []string{"seed", "task"} {
		fl.Lookup(n).DefValue = "0"
	}
	f.output.register(fl)
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

// seedFlag is --seed: unset, or a seed of the full uint64 range, as model
// files accept.
type seedFlag struct {
	set bool
	v   uint64
}

func (s *seedFlag) String() string {
	if !s.set {
		return ""
	}
	return strconv.FormatUint(s.v, 10)
}
func (s *seedFlag) Type() string { return "uint64" }
func (s *seedFlag) Set(v string) error {
	n, err := strconv.ParseUint(strings.TrimSpace(v), 0, 64)
	if err != nil {
		return fmt.Errorf("want a whole number from 0 to %d", uint64(math.MaxUint64))
	}
	s.set, s.v = true, n
	return nil
}

// checkRunFlags refuses counts and combinations that cannot be meant,
// before the model is read. changed reports whether a flag was given.
func checkRunFlags(f *runFlags, changed func(string) bool) error {
	switch {
	case changed("replicates") && f.replicates <= 0:
		return fmt.Errorf("--replicates must be a positive count, got %d (leave it out to use the model's run.replicates)", f.replicates)
	case changed("tasks") && f.tasks <= 0:
		return fmt.Errorf("--tasks must be a positive count, got %d (leave it out for one task, or $SLURM_ARRAY_TASK_COUNT)", f.tasks)
	case changed("task") && f.task < 0:
		return fmt.Errorf("--task must be 0 or more, got %d", f.task)
	case f.workers < 0:
		return fmt.Errorf("--workers must be a positive count, got %d (leave it out for one per CPU)", f.workers)
	case f.chunk <= 0:
		return fmt.Errorf("--replicates-per-part must be a positive count, got %d", f.chunk)
	case f.force && f.resume:
		return errors.New("--force and --resume contradict each other: --resume completes the run in --out, --force deletes it and starts again; give one")
	}
	return nil
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
		Annotations: map[string]string{selfInterrupting: "yes"},
		Use:         "run [model.yaml | --resume RUN_DIR]",
		Short:       "Run a model (default: the built-in CA1 glutamate synapse) and write Parquet results",
		Long: `Run simulates every replicate of a model (a YAML file, or a preset) and writes
timeseries and summary tables as Parquet under --out, then prints a summary
(mean ± SE over replicates). Results depend only on the model, the seed and the
replicate index: never on --workers or on how the run is split into --tasks.

An interrupted run (Ctrl-C, a killed job) keeps its complete parts;
'mc run --resume RUN_DIR' finishes it with the model and settings recorded
in the run, computing only the missing parts, to the same bits.`,
		Example: `  mc run                                   # the default preset, 16 replicates, into out/glutamate-ca1
  mc run --preset dopamine-striatum -n 64 --seed 7 --out out/da
  mc run model.yaml --set 'run.duration=2 ms' --drug cocaine=1uM
  mc run --sweep 'drugs.cocaine.concentration=0.1 uM,1 uM,10 uM' --preset dopamine-striatum
  mc run --resume out/da                   # finish an interrupted run
  mc run model.yaml --tasks 4 --task 2     # part 3 of 4 (mc slurm writes the job array)`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkRunFlags(&f, cmd.Flags().Changed); err != nil {
				return &exitError{exitUsage, err}
			}
			return runRun(cmd.Context(), cmd.OutOrStdout(), cmd.ErrOrStderr(), &f, args)
		},
	}
	f.register(c)
	c.Flags().Lookup("resume").Usage = "finish an interrupted run: mc run --resume RUN_DIR (the model and settings come from the run)"
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
	outOver, err := f.output.overrides()
	if err != nil {
		return "", batch.Plan{}, err
	}
	var plan batch.Plan
	for i, cname := range names {
		over := append(append(append([]string(nil), f.sets...), outOver...), sets[i]...)
		spec, src, err := modelfile.Decode(file, data, over)
		if err != nil {
			return "", plan, &exitError{exitUsage, f.output.nameFlag(f.drugError(err))}
		}
		if i == 0 {
			plan.Replicates = spec.Run.Replicates
			plan.Seed = spec.Run.Seed
		}
		// Compile maps the model's semantic errors back to file:line:col.
		m, err := modelfile.Compile(spec, src)
		if err != nil {
			return "", plan, &exitError{exitUsage, f.output.nameFlag(f.drugError(err))}
		}
		plan.Conditions = append(plan.Conditions, batch.Condition{Name: cname, Model: m, Source: string(data), Overrides: over})
	}
	if f.replicates != 0 {
		plan.Replicates = f.replicates
	}
	if plan.Replicates <= 0 {
		return "", plan, &exitError{exitUsage, fmt.Errorf("--replicates must be a positive count, got %d", plan.Replicates)}
	}
	if f.seed.set {
		plan.Seed = f.seed.v
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
	// List first, then look for the manifest: a task creating the run at
	// the same time writes nothing but its manifest (under a temporary
	// name, then linked into place) before the manifest appears.
	var entries []string // what the directory holds, but a manifest another task is writing
	all, _ := os.ReadDir(dir)
	for _, e := range all {
		if !batch.IsManifestTemp(e.Name()) {
			entries = append(entries, e.Name())
		}
	}
	_, merr := os.Stat(filepath.Join(dir, "manifest.json"))
	isRun := merr == nil
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
	// SIGINT and SIGTERM stop the command with exit status 130 from here
	// on, also while a large model is still being built.
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	var name string
	var plan batch.Plan
	var err error
	if rdir, ok := resumeDir(f, args); ok {
		name, plan, err = resumePlan(rdir, f)
	} else {
		name, plan, err = buildPlanCtx(ctx, f, args)
	}
	if err != nil {
		return err
	}
	if err := checkOutputSize(&f.output, plan); err != nil {
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
	if err := batch.Prepare(dir, plan); err != nil {
		return &exitError{exitFailure, err}
	}
	if err := writeConditions(dir, plan, f.sweeps); err != nil { // conditions.go
		return &exitError{exitFailure, err}
	}
	workers := f.workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	opts := batch.Options{Task: f.task, Tasks: f.tasks, Workers: workers, Resume: f.resume || f.tasks > 1}
	var prog *progress
	if !f.quiet && !f.jsonOut {
		if fd, ok := stderr.(*os.File); ok && term.IsTerminal(int(fd.Fd())) {
			prog = newProgress(stderr, plan.Conditions[0].Model.Spec.Run.Duration)
			opts.Progress, opts.Clock = prog.replicates, prog.clock
		}
	}
	start := time.Now()
	err = batch.Run(ctx, dir, plan, opts)
	if prog != nil {
		prog.finish()
	}
	if errors.Is(err, batch.ErrInterrupted) {
		fmt.Fprintf(stderr, "interrupted: complete parts are kept in %s; finish the run with: mc run --resume %s\n", dir, dir)
		return &exitError{exitInterrupted, err}
	}
	if err != nil {
		return withResumeHint(err, dir)
	}
	if f.quiet {
		return nil
	}
	ds, err := loadSummaries(dir)
	if err != nil {
		return err
	}
	if f.jsonOut {
		return writeSummaryJSON(stdout, dir, plan, ds)
	}
	shards := ""
	if k := plan.Conditions[0].Model.Shards(); k > 1 {
		shards = fmt.Sprintf(", %d spatial shards per replicate", k)
	}
	task := ""
	if f.tasks > 1 {
		task = fmt.Sprintf(", task %d of %d", f.task, f.tasks)
	}
	fmt.Fprintf(stdout, "%s: %s × %s%s, seed %d%s, %s on %s\n", modelTitle(name, plan),
		plural(plan.Replicates, "replicate"), plural(len(plan.Conditions), "condition"), shards, plan.Seed, task,
		time.Since(start).Round(time.Millisecond), plural(workers, "worker"))
	writeSummaryText(stdout, plan, ds)
	fmt.Fprintf(stdout, "\nfiles: %s/{%s}/condition=*/part-*.parquet\n", dir, tableList(plan)) // output.go
	fmt.Fprintf(stdout, "read:  duckdb -c \"SELECT * FROM read_parquet('%s/summary/**/*.parquet', hive_partitioning=true)\"\n", dir)
	return nil
}

// errBuildInterrupted is returned when a signal stops the command while
// the model is being built: nothing has been written.
var errBuildInterrupted = errors.New("interrupted while building the model: nothing was written")

// buildPlanCtx builds the plan, returning at once with exit status 130
// when ctx is cancelled (SIGINT, SIGTERM) before the build is done: the
// build writes nothing, so it is abandoned where it is.
func buildPlanCtx(ctx context.Context, f *runFlags, args []string) (string, batch.Plan, error) {
	type built struct {
		name string
		plan batch.Plan
		err  error
	}
	ch := make(chan built, 1)
	go func() {
		name, plan, err := buildPlan(f, args)
		ch <- built{name, plan, err}
	}()
	select {
	case b := <-ch:
		return b.name, b.plan, b.err
	case <-ctx.Done():
		return "", batch.Plan{}, &exitError{exitInterrupted, errBuildInterrupted}
	}
}

// withResumeHint adds to an error that stopped a run what to do next: the
// parts already complete are kept, and a resume computes the rest. A full
// disk or quota is named as such. Errors that are not of the file system
// (a plan that does not match the directory, say) are returned as they are.
func withResumeHint(err error, dir string) error {
	var errno syscall.Errno
	if !errors.As(err, &errno) {
		return err
	}
	what := ""
	switch {
	case errors.Is(err, syscall.ENOSPC):
		what = "the disk is full: free space (or choose an --out with room), then "
	case errors.Is(err, syscall.EDQUOT):
		what = "the disk quota is exhausted: free space (or choose an --out with room), then "
	}
	return fmt.Errorf("%w\n%scomplete parts are kept in %s; finish with: mc run ... --out %s --resume", err, what, dir, dir)
}

// progress is mc run's progress bar on a terminal. It counts simulated
// time, not only whole replicates: a run of one large replicate moves the
// bar as the replicate advances. The bar's unit is a thousandth of a
// replicate (of the first condition's duration); its text says how many
// replicates are done and how far the simulated clock has gone.
type progress struct {
	bar      *progressbar.ProgressBar
	clock    *montecarlo.Clock
	duration float64 // ms per replicate
	mu       sync.Mutex
	done     int
	total    int
	stop     chan struct{}
	stopped  chan struct{}
}

func newProgress(w io.Writer, duration float64) *progress {
	p := &progress{clock: &montecarlo.Clock{}, duration: duration, stop: make(chan struct{}), stopped: make(chan struct{})}
	p.bar = progressbar.NewOptions64(-1, progressbar.OptionSetWriter(w), progressbar.OptionSetDescription("starting"),
		progressbar.OptionSetPredictTime(true), progressbar.OptionClearOnFinish(), progressbar.OptionSetWidth(30),
		progressbar.OptionThrottle(100*time.Millisecond), progressbar.OptionShowElapsedTimeOnFinish())
	go p.loop()
	return p
}

// replicates is batch.Options.Progress.
func (p *progress) replicates(done, total int) {
	p.mu.Lock()
	p.done, p.total = done, total
	p.mu.Unlock()
}

// loop redraws the bar four times a second from the clock.
func (p *progress) loop() {
	defer close(p.stopped)
	tick := time.NewTicker(250 * time.Millisecond)
	defer tick.Stop()
	max := int64(-1)
	for {
		select {
		case <-p.stop:
			return
		case <-tick.C:
		}
		p.mu.Lock()
		done, total := p.done, p.total
		p.mu.Unlock()
		if total == 0 {
			continue
		}
		if m := int64(total) * 1000; m != max {
			max = m
			p.bar.ChangeMax64(m)
		}
		sim := p.clock.Simulated()
		p.bar.Describe(fmt.Sprintf("%d/%d replicates, %s of %s ms simulated", done, total, msText(sim), msText(float64(total)*p.duration)))
		_ = p.bar.Set64(min(int64(sim/p.duration*1000), max))
	}
}

// msText prints a simulated time for the progress bar: whole
// milliseconds from 100 ms on, else 3 significant digits.
func msText(ms float64) string {
	if ms >= 100 {
		return strconv.FormatFloat(ms, 'f', 0, 64)
	}
	return strconv.FormatFloat(ms, 'g', 3, 64)
}

// finish stops the redraws and clears the bar.
func (p *progress) finish() {
	close(p.stop)
	<-p.stopped
	_ = p.bar.Finish()
}

// plural is "1 replicate" or "16 replicates".
func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}

// modelTitle names the model run: the name in its file (the preset's name
// for presets), and the file it came from when that is named otherwise.
func modelTitle(name string, plan batch.Plan) string {
	c := plan.Conditions[0]
	spec, _, err := modelfile.Parse(name, []byte(c.Source))
	if err != nil || spec.Name == "" || spec.Name == name {
		return name
	}
	return fmt.Sprintf("%s (%s)", spec.Name, name)
}

// loadSummaries reads the summary tables of the run in dir with the
// analysis package: the printed summary and mc analyze compute the same
// per-replicate statistics (analysis.Describe).
func loadSummaries(dir string) (*analysis.Dataset, error) {
	if parts, _ := filepath.Glob(filepath.Join(dir, "summary", "condition=*", "*.parquet")); len(parts) == 0 {
		return &analysis.Dataset{}, nil // a task with no part of its own, before the others wrote theirs
	}
	srcs, err := analysis.Resolve(filepath.Join(dir, "summary"))
	if err != nil {
		return nil, err
	}
	ds, err := analysis.Load(srcs, analysis.LoadOptions{})
	if err != nil {
		return nil, fmt.Errorf("%w\nrerun with mc run --resume %s: it finds corrupt parts by their checksums and recomputes them", err, dir)
	}
	return ds, nil
}

// summaryRow is one printed row: a summary column's label, statistics and
// name.
type summaryRow struct {
	label, value, unit, name string
}

// summaryRows formats a condition's summary columns: mean ± SE over the
// replicates, in the file's units shown as people read them (µM, µm²/ms);
// fractions stay fractions, as in the files and mc analyze.
func summaryRows(c *analysis.Condition) []summaryRow {
	var rows []summaryRow
	for _, q := range c.Quantities {
		s := analysis.Describe(q.Values)
		r := summaryRow{label: q.Label, unit: analysis.PrettyUnit(q.Unit), name: q.Name}
		if r.label == "" {
			r.label = q.Name
		}
		switch {
		case s.N == 0:
			r.value = "n/a"
		case s.N == 1 || s.SE < 1e-12*math.Abs(s.Mean): // one replicate, or identical values
			r.value = fmt.Sprintf("%.4g", s.Mean)
			if s.N > 1 {
				r.value += " ± 0"
			}
		default:
			r.value = fmt.Sprintf("%.4g ± %.2g", s.Mean, s.SE)
		}
		rows = append(rows, r)
	}
	return rows
}

func writeSummaryText(w io.Writer, plan batch.Plan, ds *analysis.Dataset) {
	for _, pc := range plan.Conditions {
		c := ds.Condition(pc.Name)
		if c == nil {
			continue
		}
		n := len(c.Replicates)
		note := ""
		if n < plan.Replicates {
			note = fmt.Sprintf(", %d of %d present: other tasks have not finished", n, plan.Replicates)
		}
		fmt.Fprintf(w, "\ncondition %s (%s%s): mean ± SE over replicates\n", c.Name, plural(n, "replicate"), note)
		rows := summaryRows(c)
		wl, wv, wu := 0, 0, 0
		for _, r := range rows {
			wl = max(wl, utf8.RuneCountInString(r.label))
			wv = max(wv, utf8.RuneCountInString(r.value))
			wu = max(wu, utf8.RuneCountInString(r.unit))
		}
		wl = min(wl, 40)
		for _, r := range rows {
			label := r.label
			if utf8.RuneCountInString(label) > wl {
				label = string([]rune(label)[:wl-1]) + "…"
			}
			fmt.Fprintf(w, "  %s  %s  %s  %s\n", padRight(label, wl), padLeft(r.value, wv), padRight(r.unit, wu), r.name)
		}
	}
}

func padRight(s string, n int) string {
	return s + strings.Repeat(" ", max(0, n-utf8.RuneCountInString(s)))
}

func padLeft(s string, n int) string {
	return strings.Repeat(" ", max(0, n-utf8.RuneCountInString(s))) + s
}

func writeSummaryJSON(w io.Writer, dir string, plan batch.Plan, ds *analysis.Dataset) error {
	type stat struct {
		Label string  `json:"label,omitempty"`
		Mean  float64 `json:"mean"`
		SE    float64 `json:"se"`
		N     int     `json:"n"`
		Unit  string  `json:"unit"`
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
	finite := func(v float64) float64 {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return 0 // JSON has no NaN; n says how many values there were
		}
		return v
	}
	for _, c := range ds.Conditions {
		jc := cond{Replicates: len(c.Replicates), Summary: map[string]stat{}}
		for _, q := range c.Quantities {
			s := analysis.Describe(q.Values)
			jc.Summary[q.Name] = stat{q.Label, finite(s.Mean), finite(s.SE), s.N, q.Unit}
		}
		out.Conditions[c.Name] = jc
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}
