package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/reuptake/reuptake/montecarlo/batch"
	"github.com/reuptake/reuptake/montecarlo/modelfile"
)

// slurmFlags are the flags of mc slurm: those of mc run, plus the job's
// resources.
type slurmFlags struct {
	runFlags
	time      string
	mem       string
	cpus      int
	partition string
	jobName   string
	account   string
	submit    bool
}

// logDirName is the directory of a run that holds the job script and the
// Slurm logs.
const logDirName = "logs"

func newSlurmCmd() *cobra.Command {
	var f slurmFlags
	c := &cobra.Command{
		Use:   "slurm [model.yaml] --tasks N --time T --mem M [run flags]",
		Short: "Print (or submit) an sbatch job-array script that runs a model as N Slurm array tasks",
		Long: `Slurm prepares a run directory for a run split into --tasks array tasks and
prints an sbatch script for it: a job array 0..N-1 in which each task runs this
mc binary ('mc run' with the same model and flags) on its deterministic share of
the parts, with --workers set to the task's CPUs. The union of the tasks' files
is the same as a single 'mc run' with the same seed.

It writes DIR/manifest.json (so every task checks it runs the same plan) and
DIR/logs/ (the script, as job.sh, and the Slurm logs, one per task), where DIR
is --out (default out/<model name>). With --submit it pipes the script to
'sbatch --parsable' and prints the job id.

The tasks run with --resume: a task that is requeued, or resubmitted with
'sbatch --array=I DIR/logs/job.sh', computes only its missing parts. Check
progress with 'mc status DIR'; when complete, compact the files with
'mc merge DIR'.

--time takes Slurm's formats (minutes, MM:SS, HH:MM:SS, D-HH, D-HH:MM,
D-HH:MM:SS, or UNLIMITED); --mem is per task, in megabytes or with a K, M, G
or T suffix.`,
		Example: `  mc slurm model.yaml --replicates 4096 --tasks 64 --time 2:00:00 --mem 4G --cpus-per-task 8 --out /scratch/$USER/run1 > job.sh
  sbatch job.sh
  mc slurm --preset glutamate-ca1 --tasks 16 --time 30 --mem 2G --out run2 --submit`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if cmd.Flags().Changed("replicates") && f.replicates <= 0 {
				return &exitError{exitUsage, fmt.Errorf("--replicates must be a positive count, got %d (leave it out to use the model's run.replicates)", f.replicates)}
			}
			return runSlurm(cmd.OutOrStdout(), cmd.ErrOrStderr(), &f, args)
		},
	}
	f.register(c)
	fl := c.Flags()
	// The run flags whose meaning differs in a job script.
	fl.Lookup("tasks").Usage = "number of array tasks (required): the job array 0..N-1"
	fl.Lookup("workers").Usage = "worker goroutines per task (default $SLURM_CPUS_PER_TASK, that is --cpus-per-task)"
	fl.Lookup("resume").Usage = "complete the run already in --out (same model, seed and counts) with this job"
	// --task and --force do not apply to a job script (each array task takes
	// its index from Slurm; one task must not delete the others' parts):
	// hidden from the help, refused with a reason if given.
	_ = fl.MarkHidden("task")
	_ = fl.MarkHidden("force")
	fl.Lookup("out").Usage = "run directory, seen by every node (default out/<model name>); made absolute"
	fl.StringVar(&f.time, "time", "", "time limit of each array task, in Slurm's format (required), e.g. 30, 2:00:00, 1-12")
	fl.StringVar(&f.mem, "mem", "", "memory of each array task (required), e.g. 2G, 500M")
	fl.IntVar(&f.cpus, "cpus-per-task", 1, "CPUs of each array task; mc runs that many workers")
	fl.StringVar(&f.partition, "partition", "", "Slurm partition (default: the cluster's default)")
	fl.StringVar(&f.jobName, "job-name", "", "job name (default mc-<model name>)")
	fl.StringVar(&f.account, "account", "", "Slurm account to charge (default: yours)")
	fl.BoolVar(&f.submit, "submit", false, "submit the script with 'sbatch --parsable' and print the job id")
	return c
}

// checkSlurmTime validates a --time value in Slurm's formats: M, M:S,
// H:M:S, D-H, D-H:M, D-H:M:S, or UNLIMITED. Zero is refused (Slurm reads it
// as no limit: say UNLIMITED for that).
func checkSlurmTime(s string) error {
	if s == "" {
		return errors.New("--time is required: the time limit of each array task, e.g. 30 (minutes), 2:00:00, 1-12 (days-hours)")
	}
	if u := strings.ToUpper(s); u == "UNLIMITED" || u == "INFINITE" {
		return nil
	}
	bad := fmt.Errorf("--time %q: want minutes, MM:SS, HH:MM:SS, D-HH, D-HH:MM, D-HH:MM:SS or UNLIMITED", s)
	rest, days, withDays := s, "", false
	if d, r, ok := strings.Cut(s, "-"); ok {
		rest, days, withDays = r, d, true
	}
	fields := strings.Split(rest, ":")
	if len(fields) > 3 {
		return bad
	}
	// Names of the fields, largest unit first.
	names := map[bool][][]string{
		true:  {{"hours"}, {"hours", "minutes"}, {"hours", "minutes", "seconds"}},
		false: {{"minutes"}, {"minutes", "seconds"}, {"hours", "minutes", "seconds"}},
	}[withDays][len(fields)-1]
	total := 0
	for i, v := range append([]string{days}, fields...) {
		if i == 0 && !withDays {
			continue
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || strings.TrimLeft(v, "0123456789") != "" {
			return bad
		}
		total += n
		if i == 0 || (i == 1 && !withDays) {
			continue // the leading field has no upper bound
		}
		name := names[i-1]
		if max := map[string]int{"hours": 23, "minutes": 59, "seconds": 59}[name]; n > max {
			return fmt.Errorf("--time %q: %d %s is more than %d", s, n, name, max)
		}
	}
	if total == 0 {
		return fmt.Errorf("--time %q is zero; give a time limit (or UNLIMITED)", s)
	}
	return nil
}

var slurmMem = regexp.MustCompile(`^[0-9]+[KMGTkmgt]?$`)

// checkSlurmMem validates a --mem value.
func checkSlurmMem(s string) error {
	if s == "" {
		return errors.New("--mem is required: the memory of each array task, e.g. 2G or 500M")
	}
	if !slurmMem.MatchString(s) {
		return fmt.Errorf("--mem %q: want a number of megabytes or a number with a K, M, G or T suffix, e.g. 2G", s)
	}
	if n, _ := strconv.ParseUint(strings.TrimRight(s, "KMGTkmgt"), 10, 64); n == 0 {
		return fmt.Errorf("--mem %q is zero (Slurm would give each task a whole node's memory); give an amount", s)
	}
	return nil
}

// plainWord reports whether s can go into an #SBATCH line as it is.
var plainWord = regexp.MustCompile(`^[A-Za-z0-9_.+,:@=/-]+$`)

// checkSlurmFlags validates the flags of mc slurm that mc run does not
// check.
func checkSlurmFlags(f *slurmFlags) error {
	if f.tasks <= 0 {
		if f.tasks == 0 {
			return errors.New("--tasks is required: the number of array tasks, at least 1")
		}
		return fmt.Errorf("--tasks must be a positive count, got %d", f.tasks)
	}
	if f.task >= 0 {
		return errors.New("--task is set by Slurm in each array task; do not give it to mc slurm")
	}
	if f.force {
		return errors.New("--force is not available in mc slurm: remove the old run directory yourself, or choose another --out")
	}
	if f.cpus < 1 {
		return fmt.Errorf("--cpus-per-task must be at least 1, got %d", f.cpus)
	}
	if f.workers < 0 {
		return fmt.Errorf("--workers must be a positive count, got %d", f.workers)
	}
	if f.chunk <= 0 {
		return fmt.Errorf("--replicates-per-part must be a positive count, got %d", f.chunk)
	}
	if err := checkSlurmTime(f.time); err != nil {
		return err
	}
	if err := checkSlurmMem(f.mem); err != nil {
		return err
	}
	for _, v := range []struct{ flag, val string }{{"--partition", f.partition}, {"--job-name", f.jobName}, {"--account", f.account}} {
		if v.val != "" && !plainWord.MatchString(v.val) {
			return fmt.Errorf("%s %q: use letters, digits and _.+,:@=/- only", v.flag, v.val)
		}
	}
	return nil
}

// shellQuote quotes s for a POSIX shell.
func shellQuote(s string) string {
	if s != "" && plainWord.MatchString(s) {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// mcExecutable is the absolute path of the running mc binary.
func mcExecutable() (string, error) {
	exe, err := os.Executable()
	if err != nil {
		return "", fmt.Errorf("cannot find the path of this mc binary: %w", err)
	}
	if p, err := filepath.EvalSymlinks(exe); err == nil {
		exe = p
	}
	return filepath.Abs(exe)
}

// prepareSlurmDir makes dir ready for the job: it writes the manifest of
// the plan (refusing a directory that holds another run, or anything
// else), and the logs directory.
func prepareSlurmDir(dir string, f *slurmFlags, plan batch.Plan) error {
	if st, err := os.Stat(dir); err == nil {
		if !st.IsDir() {
			return fmt.Errorf("--out %s exists and is not a directory", dir)
		}
		_, merr := os.Stat(filepath.Join(dir, "manifest.json"))
		entries, _ := os.ReadDir(dir)
		switch {
		case merr == nil && !f.resume:
			return fmt.Errorf("%s already holds a run: add --resume to complete it with this job (same model, seed and counts), or choose another --out", dir)
		case merr != nil && len(entries) > 0:
			return fmt.Errorf("%s is not empty and holds no run; refusing to write into it", dir)
		}
	} else if !errors.Is(err, os.ErrNotExist) {
		return err
	}
	if err := batch.Prepare(dir, plan); err != nil {
		return err
	}
	return os.MkdirAll(filepath.Join(dir, logDirName), 0o755)
}

// slurmScript returns the sbatch script of a job array that runs the plan.
func slurmScript(f *slurmFlags, exe, model, name, dir string, plan batch.Plan) string {
	var b strings.Builder
	parts := plan.NumParts()
	fmt.Fprintf(&b, "#!/bin/bash\n")
	fmt.Fprintf(&b, "# Generated by mc slurm (reuptake %s) on %s.\n", batch.Version, time.Now().UTC().Format(time.RFC3339))
	fmt.Fprintf(&b, "# Run %s: %d replicate(s) × %d condition(s), seed %d, in %d parts of %d replicates,\n",
		name, plan.Replicates, len(plan.Conditions), plan.Seed, parts, plan.Chunk)
	fmt.Fprintf(&b, "# split into %d array tasks writing into\n#   %s\n", f.tasks, dir)
	fmt.Fprintf(&b, "# Submit: sbatch %s   (rerun task I only: sbatch --array=I ...)\n", filepath.Join(dir, logDirName, "job.sh"))
	fmt.Fprintf(&b, "# Check:  mc status %s\n# Then:   mc merge %s\n", shellQuote(dir), shellQuote(dir))
	jobName := f.jobName
	if jobName == "" {
		jobName = sanitizeJobName("mc-" + name)
	}
	fmt.Fprintf(&b, "#SBATCH --job-name=%s\n", jobName)
	fmt.Fprintf(&b, "#SBATCH --array=0-%d\n", f.tasks-1)
	fmt.Fprintf(&b, "#SBATCH --ntasks=1\n")
	fmt.Fprintf(&b, "#SBATCH --cpus-per-task=%d\n", f.cpus)
	fmt.Fprintf(&b, "#SBATCH --time=%s\n", f.time)
	fmt.Fprintf(&b, "#SBATCH --mem=%s\n", f.mem)
	if f.partition != "" {
		fmt.Fprintf(&b, "#SBATCH --partition=%s\n", f.partition)
	}
	if f.account != "" {
		fmt.Fprintf(&b, "#SBATCH --account=%s\n", f.account)
	}
	fmt.Fprintf(&b, "#SBATCH --output=%s\n", filepath.Join(dir, logDirName, "slurm-%A_%a.out"))
	fmt.Fprintf(&b, "#SBATCH --open-mode=append\n")
	b.WriteString("\nset -euo pipefail\n")
	b.WriteString(": \"${SLURM_ARRAY_TASK_ID:?this is a Slurm job array script: submit it with sbatch}\"\n")
	b.WriteString("echo \"mc task ${SLURM_ARRAY_TASK_ID} of " + strconv.Itoa(f.tasks) + " on $(hostname) at $(date -u +%FT%TZ)\" >&2\n")

	first := shellQuote(exe) + " run"
	if model != "" {
		first += " " + shellQuote(model)
	} else {
		first += " --preset " + shellQuote(name)
	}
	lines := []string{first,
		fmt.Sprintf("--replicates %d --seed %d --replicates-per-part %d", plan.Replicates, plan.Seed, plan.Chunk)}
	for _, s := range f.sets {
		lines = append(lines, "--set "+shellQuote(s))
	}
	for _, s := range f.sweeps {
		lines = append(lines, "--sweep "+shellQuote(s))
	}
	lines = append(lines, f.output.args(shellQuote)...)
	workers := `"${SLURM_CPUS_PER_TASK:-` + strconv.Itoa(f.cpus) + `}"`
	if f.workers > 0 {
		workers = strconv.Itoa(f.workers)
	}
	// The task is the array index itself (the array is 0..N-1), not
	// SLURM_ARRAY_TASK_ID − SLURM_ARRAY_TASK_MIN: a task resubmitted alone
	// (sbatch --array=I) must still run share I.
	lines = append(lines, "--out "+shellQuote(dir),
		fmt.Sprintf(`--tasks %d --task "$SLURM_ARRAY_TASK_ID" --workers %s --resume`, f.tasks, workers))
	b.WriteString("exec " + strings.Join(lines, " \\\n    ") + "\n")
	return b.String()
}

// sanitizeJobName keeps the characters that need no quoting.
func sanitizeJobName(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r < 0x80 && plainWord.MatchString(string(r)) {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	return b.String()
}

func runSlurm(stdout, stderr io.Writer, f *slurmFlags, args []string) error {
	if err := checkSlurmFlags(f); err != nil {
		return &exitError{exitUsage, err}
	}
	name, plan, err := buildPlan(&f.runFlags, args)
	if err != nil {
		return err
	}
	model := ""
	if len(args) == 1 {
		if model, err = filepath.Abs(args[0]); err != nil {
			return &exitError{exitUsage, err}
		}
	} else if f.preset == "" {
		name = modelfile.DefaultPreset
	}
	dir := f.out
	if dir == "" {
		dir = filepath.Join("out", name)
	}
	if dir, err = filepath.Abs(dir); err != nil {
		return &exitError{exitUsage, err}
	}
	if !plainWord.MatchString(dir) {
		return &exitError{exitUsage, fmt.Errorf("--out %q: Slurm's #SBATCH --output cannot carry this path (spaces, %%, quotes); choose a directory with letters, digits and _.+,:@=/- only", dir)}
	}
	exe, err := mcExecutable()
	if err != nil {
		return err
	}
	if parts := plan.NumParts(); f.tasks > parts {
		fmt.Fprintf(stderr, "mc slurm: warning: %d tasks for %d parts: %d task(s) will have nothing to do (lower --tasks or --replicates-per-part)\n",
			f.tasks, parts, f.tasks-parts)
	}
	if err := prepareSlurmDir(dir, f, plan); err != nil {
		return &exitError{exitUsage, err}
	}
	script := slurmScript(f, exe, model, name, dir, plan)
	jobFile := filepath.Join(dir, logDirName, "job.sh")
	if err := os.WriteFile(jobFile, []byte(script), 0o755); err != nil {
		return err
	}
	if !f.submit {
		_, err := io.WriteString(stdout, script)
		return err
	}
	sbatch, err := exec.LookPath("sbatch")
	if err != nil {
		return fmt.Errorf("--submit: sbatch is not on PATH (the script is in %s: submit it where Slurm is available)", jobFile)
	}
	cmd := exec.Command(sbatch, "--parsable")
	cmd.Stdin = strings.NewReader(script)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("sbatch failed: %v: %s (the script is in %s)", err, strings.TrimSpace(errb.String()), jobFile)
	}
	id, _, _ := strings.Cut(strings.TrimSpace(out.String()), ";")
	if id == "" {
		return fmt.Errorf("sbatch printed no job id (the script is in %s)", jobFile)
	}
	fmt.Fprintln(stdout, id)
	fmt.Fprintf(stderr, "submitted job array %s: %d tasks into %s\n  watch: squeue -j %s\n  check: mc status %s\n  then:  mc merge %s\n",
		id, f.tasks, dir, id, dir, dir)
	return nil
}
