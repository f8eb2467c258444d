package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/reuptake/reuptake/montecarlo/batch"
	"github.com/reuptake/reuptake/montecarlo/modelfile"
)

// writeModel writes the default preset to dir/model.yaml.
func writeModel(t *testing.T, dir string) string {
	t.Helper()
	src, err := modelfile.Preset(modelfile.DefaultPreset)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "model.yaml")
	if err := os.WriteFile(path, src, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestSlurmScript(t *testing.T) {
	tmp := t.TempDir()
	writeModel(t, tmp)
	t.Chdir(tmp) // relative model and --out paths must come out absolute
	out, stderr, err := execMC(t, "slurm", "model.yaml", "--tasks", "4", "--time", "1:30:00", "--mem", "2G",
		"--cpus-per-task", "3", "--partition", "short", "--job-name", "ca1-sweep", "--account", "lab42",
		"--replicates", "40", "--replicates-per-part", "4", "--seed", "9", "--set", "run.duration=1 ms",
		"--sweep", "species[0].D=0.2 um^2/ms,0.4 um^2/ms", "--out", "runs/a")
	if err != nil {
		t.Fatal(err)
	}
	if stderr != "" {
		t.Errorf("stderr: %s", stderr)
	}
	dir := filepath.Join(tmp, "runs", "a")
	exe, _ := mcExecutable()
	for _, want := range []string{
		"#!/bin/bash\n",
		"\n#SBATCH --job-name=ca1-sweep\n",
		"\n#SBATCH --array=0-3\n",
		"\n#SBATCH --cpus-per-task=3\n",
		"\n#SBATCH --time=1:30:00\n",
		"\n#SBATCH --mem=2G\n",
		"\n#SBATCH --partition=short\n",
		"\n#SBATCH --account=lab42\n",
		"\n#SBATCH --output=" + dir + "/logs/slurm-%A_%a.out\n",
		"\nexec " + exe + " run " + filepath.Join(tmp, "model.yaml") + " \\\n",
		"--replicates 40 --seed 9 --replicates-per-part 4 \\\n",
		"--set 'run.duration=1 ms' \\\n",
		"--sweep 'species[0].D=0.2 um^2/ms,0.4 um^2/ms' \\\n",
		"--out " + dir + " \\\n",
		`--tasks 4 --task "$SLURM_ARRAY_TASK_ID" --workers "${SLURM_CPUS_PER_TASK:-3}" --resume` + "\n",
		"# Run model: 40 replicate(s) × 2 condition(s), seed 9, in 20 parts of 4 replicates,",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("script lacks %q:\n%s", want, out)
		}
	}
	if !strings.HasPrefix(exe, "/") {
		t.Errorf("mc path %q is not absolute", exe)
	}
	// All #SBATCH lines come before the first command.
	seenCmd := false
	for _, line := range strings.Split(out, "\n") {
		if strings.HasPrefix(line, "#SBATCH") && seenCmd {
			t.Errorf("#SBATCH line after a command: %s", line)
		}
		if line != "" && !strings.HasPrefix(line, "#") {
			seenCmd = true
		}
	}
	if b, err := exec.Command("bash", "-n", "-c", out).CombinedOutput(); err != nil {
		t.Errorf("bash -n: %v %s", err, b)
	}
	// The run directory is prepared: the manifest of the plan, the logs
	// directory with the script.
	m, err := batch.ReadManifest(dir)
	if err != nil || m.Replicates != 40 || m.Seed != 9 || m.Chunk != 4 || len(m.Conditions) != 2 || m.Parts != 20 {
		t.Errorf("manifest %+v, %v", m, err)
	}
	if job, err := os.ReadFile(filepath.Join(dir, "logs", "job.sh")); err != nil || string(job) != out {
		t.Errorf("logs/job.sh: %v", err)
	}

	// The same run again is refused unless --resume (complete it); another
	// run is refused.
	args := []string{"slurm", "model.yaml", "--tasks", "4", "--time", "90", "--mem", "2G", "--replicates", "40",
		"--replicates-per-part", "4", "--seed", "9", "--set", "run.duration=1 ms", "--sweep", "species[0].D=0.2 um^2/ms,0.4 um^2/ms", "--out", "runs/a"}
	if _, _, err := execMC(t, args...); err == nil || !strings.Contains(err.Error(), "already holds a run: add --resume") {
		t.Errorf("second mc slurm into the run: %v", err)
	}
	if _, _, err := execMC(t, append(args, "--resume")...); err != nil {
		t.Errorf("mc slurm --resume: %v", err)
	}
	if _, _, err := execMC(t, append(args, "--resume", "--seed", "10")...); err == nil || !strings.Contains(err.Error(), "seed 9 there, 10 now") {
		t.Errorf("mc slurm --resume with another seed: %v", err)
	}
	os.WriteFile(filepath.Join(tmp, "runs", "junk"), nil, 0o644)
	if _, _, err := execMC(t, "slurm", "--tasks", "2", "--time", "5", "--mem", "1G", "--out", "runs"); err == nil || !strings.Contains(err.Error(), "not empty and holds no run") {
		t.Errorf("mc slurm into a foreign directory: %v", err)
	}
}

func TestSlurmPresetDefault(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "p")
	out, stderr, err := execMC(t, "slurm", "--tasks", "3", "--time", "10", "--mem", "500M", "--out", dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{" run --preset " + modelfile.DefaultPreset + " \\\n", "#SBATCH --job-name=mc-" + modelfile.DefaultPreset + "\n",
		"#SBATCH --cpus-per-task=1\n", `--workers "${SLURM_CPUS_PER_TASK:-1}"`} {
		if !strings.Contains(out, want) {
			t.Errorf("script lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "--partition") {
		t.Errorf("a partition without --partition:\n%s", out)
	}
	// The preset runs 16 replicates in one part of 16: 2 idle tasks.
	if !strings.Contains(stderr, "warning: 3 tasks for 1 parts") {
		t.Errorf("no warning about idle tasks: %q", stderr)
	}
	out, _, err = execMC(t, "slurm", "--tasks", "1", "--time", "10", "--mem", "500M", "--workers", "6", "--out", dir+"2")
	if err != nil || !strings.Contains(out, "--workers 6 --resume") || !strings.Contains(out, "#SBATCH --array=0-0\n") {
		t.Errorf("--workers 6, --tasks 1: %v\n%s", err, out)
	}
}

func TestSlurmFlagErrors(t *testing.T) {
	base := func(extra ...string) []string {
		return append([]string{"slurm", "--out", filepath.Join(t.TempDir(), "x")}, extra...)
	}
	ok := []string{"--time", "10", "--mem", "1G"}
	for _, tc := range []struct {
		args []string
		msg  string
	}{
		{base(ok...), "--tasks is required"},
		{base(append(ok, "--tasks", "0")...), "--tasks is required"},
		{base(append(ok, "--tasks", "-2")...), "--tasks must be a positive count, got -2"},
		{base("--tasks", "2", "--mem", "1G"), "--time is required"},
		{base("--tasks", "2", "--time", "10"), "--mem is required"},
		{base("--tasks", "2", "--time", "10:75", "--mem", "1G"), "75 seconds is more than 59"},
		{base("--tasks", "2", "--time", "ten", "--mem", "1G"), "want minutes, MM:SS"},
		{base("--tasks", "2", "--time", "10", "--mem", "lots"), "--mem \"lots\""},
		{base("--tasks", "2", "--time", "10", "--mem", "0"), "is zero"},
		{base(append(ok, "--tasks", "2", "--cpus-per-task", "0")...), "--cpus-per-task must be at least 1"},
		{base(append(ok, "--tasks", "2", "--task", "1")...), "--task is set by Slurm"},
		{base(append(ok, "--tasks", "2", "--force")...), "--force is not available"},
		{base(append(ok, "--tasks", "2", "--partition", "a b")...), "--partition \"a b\""},
		{base(append(ok, "--tasks", "2", "--job-name", "x\ny")...), "--job-name"},
		{base(append(ok, "--tasks", "2", "--replicates", "-4")...), "--replicates must be a positive count"},
		{base(append(ok, "--tasks", "2", "--replicates", "0")...), "--replicates must be a positive count"},
		{base(append(ok, "--tasks", "2", "--replicates-per-part", "0")...), "--replicates-per-part must be a positive count"},
		{base(append(ok, "--tasks", "2", "--workers", "-1")...), "--workers must be a positive count"},
		{append([]string{"slurm", "--out", filepath.Join(t.TempDir(), "with space")}, append(ok, "--tasks", "2")...), "cannot carry this path"},
		{append([]string{"slurm", "--out", filepath.Join(t.TempDir(), "100%")}, append(ok, "--tasks", "2")...), "cannot carry this path"},
		{base(append(ok, "--tasks", "2", "no-such-model.yaml")...), "no-such-model.yaml"},
	} {
		_, _, err := execMC(t, tc.args...)
		if err == nil || !strings.Contains(err.Error(), tc.msg) || exitCode(err) != exitUsage {
			t.Errorf("%v: error %v (exit %d), want %q (exit %d)", tc.args[3:], err, exitCode(err), tc.msg, exitUsage)
		}
	}
}

func TestCheckSlurmTime(t *testing.T) {
	for _, s := range []string{"30", "1:30", "2:00:00", "100:00:00", "1-12", "1-12:30", "7-0:0:1", "UNLIMITED", "infinite", "0:30"} {
		if err := checkSlurmTime(s); err != nil {
			t.Errorf("%q: %v", s, err)
		}
	}
	for _, s := range []string{"", "0", "0:00", "0-0", "1:60", "1:60:00", "1-24", "1:2:3:4", "-1", "1-", "a", "1h", "1.5", ":30", "1-2-3", "1:", " 5"} {
		if err := checkSlurmTime(s); err == nil {
			t.Errorf("%q accepted", s)
		}
	}
}

func TestShellQuote(t *testing.T) {
	for _, s := range []string{"plain", "run.duration=0.2 ms", "it's", `a"b$c\d` + "`e`", "", "x\ny", "release[0].molecules=5"} {
		out, err := exec.Command("sh", "-c", "printf %s "+shellQuote(s)).Output()
		if err != nil || string(out) != s {
			t.Errorf("shellQuote(%q) = %s: the shell reads %q (%v)", s, shellQuote(s), out, err)
		}
	}
}

// fakeSbatch puts an sbatch on PATH that saves its arguments and script
// and answers as sbatch --parsable does.
func fakeSbatch(t *testing.T, answer string, code int) (saved string) {
	t.Helper()
	bin := t.TempDir()
	saved = filepath.Join(bin, "saved")
	script := fmt.Sprintf("#!/bin/sh\necho \"$@\" > %s.args\ncat > %s.script\necho '%s'\nexit %d\n", saved, saved, answer, code)
	if err := os.WriteFile(filepath.Join(bin, "sbatch"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", bin+string(os.PathListSeparator)+os.Getenv("PATH"))
	return saved
}

func TestSlurmSubmit(t *testing.T) {
	saved := fakeSbatch(t, "4242;cluster1", 0)
	dir := filepath.Join(t.TempDir(), "run")
	out, stderr, err := execMC(t, "slurm", "--tasks", "2", "--time", "10", "--mem", "1G", "--out", dir, "--submit")
	if err != nil {
		t.Fatal(err)
	}
	if out != "4242\n" {
		t.Errorf("stdout %q, want the job id", out)
	}
	if !strings.Contains(stderr, "squeue -j 4242") || !strings.Contains(stderr, "mc status "+dir) {
		t.Errorf("stderr: %s", stderr)
	}
	args, _ := os.ReadFile(saved + ".args")
	if strings.TrimSpace(string(args)) != "--parsable" {
		t.Errorf("sbatch arguments %q", args)
	}
	script, _ := os.ReadFile(saved + ".script")
	job, _ := os.ReadFile(filepath.Join(dir, "logs", "job.sh"))
	if len(script) == 0 || string(script) != string(job) || !strings.Contains(string(script), "#SBATCH --array=0-1") {
		t.Errorf("sbatch read:\n%s", script)
	}

	fakeSbatch(t, "sbatch: error: Batch job submission failed: Invalid partition name specified", 1)
	_, _, err = execMC(t, "slurm", "--tasks", "2", "--time", "10", "--mem", "1G", "--out", dir, "--resume", "--submit")
	if err == nil || !strings.Contains(err.Error(), "sbatch failed") {
		t.Errorf("failing sbatch: %v", err)
	}
	t.Setenv("PATH", t.TempDir())
	_, _, err = execMC(t, "slurm", "--tasks", "2", "--time", "10", "--mem", "1G", "--out", dir, "--resume", "--submit")
	if err == nil || !strings.Contains(err.Error(), "sbatch is not on PATH") {
		t.Errorf("no sbatch: %v", err)
	}
}

// TestSlurmArray runs a 4-task job array on a real Slurm cluster (see
// .ci/slurm/e2e.sh, which brings up a single-node cluster and sets
// REUPTAKE_SLURM=1): mc slurm --submit, wait for the array, mc status, mc
// merge, and compare with a local single-task run of the same model and
// seed.
func TestSlurmArray(t *testing.T) {
	if os.Getenv("REUPTAKE_SLURM") == "" {
		t.Skip("REUPTAKE_SLURM is not set: this test needs a Slurm cluster (run .ci/slurm/e2e.sh)")
	}
	for _, tool := range []string{"sbatch", "squeue", "scontrol"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not on PATH: this test needs a Slurm cluster (run .ci/slurm/e2e.sh)", tool)
		}
	}
	start := time.Now()
	bin := buildMC(t)
	tmp := t.TempDir()
	os.Chmod(tmp, 0o755)
	dir := filepath.Join(tmp, "array")
	local := filepath.Join(tmp, "local")

	out, stderr := mustMC(t, 0, bin, append([]string{"slurm", "--tasks", "4", "--time", "5", "--mem", "200M",
		"--cpus-per-task", "1", "--job-name", "reuptake-e2e", "--out", dir, "--submit"}, testModel...)...)
	id := strings.TrimSpace(out)
	t.Logf("submitted job array %s in %v:\n%s", id, time.Since(start).Round(time.Millisecond), stderr)

	// Wait for the array to leave the queue (no accounting: squeue, then
	// scontrol for the final states).
	deadline := time.Now().Add(3 * time.Minute)
	for {
		q, err := exec.Command("squeue", "-h", "-j", id, "-o", "%i %T").Output()
		if err != nil {
			t.Fatalf("squeue: %v", err)
		}
		if strings.TrimSpace(string(q)) == "" {
			break
		}
		if time.Now().After(deadline) {
			exec.Command("scancel", id).Run()
			t.Fatalf("job %s still queued after 3 minutes:\n%s", id, q)
		}
		time.Sleep(300 * time.Millisecond)
	}
	wait := time.Since(start)
	show, err := exec.Command("scontrol", "-o", "show", "job", id).Output()
	if err != nil {
		t.Fatalf("scontrol show job %s: %v", id, err)
	}
	states := map[string]int{}
	for _, line := range strings.Split(strings.TrimSpace(string(show)), "\n") {
		for _, f := range strings.Fields(line) {
			if v, ok := strings.CutPrefix(f, "JobState="); ok {
				states[v]++
			}
		}
	}
	if states["COMPLETED"] != 4 || len(states) != 1 {
		t.Errorf("array task states %v, want 4 COMPLETED\n%s", states, show)
	}
	logs, _ := filepath.Glob(filepath.Join(dir, "logs", "slurm-"+id+"_*.out"))
	if len(logs) != 4 {
		t.Errorf("%d task logs, want 4: %v", len(logs), logs)
	}
	for _, l := range logs {
		b, _ := os.ReadFile(l)
		if !strings.Contains(string(b), "12 replicates × 1 condition, seed 11, task ") {
			t.Errorf("%s:\n%s", l, b)
		}
	}
	// Each part was written by the task that owns it.
	for k := range testParts {
		b, err := os.ReadFile(filepath.Join(dir, "parts", "condition=base", fmt.Sprintf("part-%05d.json", k)))
		if err != nil {
			t.Fatal(err)
		}
		var rec batch.PartRecord
		if err := json.Unmarshal(b, &rec); err != nil || rec.Task != k%4 {
			t.Errorf("part %d written by task %d, want %d (%v)", k, rec.Task, k%4, err)
		}
	}
	status, _ := mustMC(t, 0, bin, "status", dir)
	t.Logf("mc status after the array:\n%s", status)
	merged, _ := mustMC(t, 0, bin, "merge", dir)
	t.Logf("mc merge:\n%s", merged)
	status, _ = mustMC(t, 0, bin, "status", dir)
	t.Logf("mc status after merge:\n%s", status)
	if files := visibleFiles(t, dir); len(files) != 2 {
		t.Errorf("files after merge: %v", files)
	}

	mustMC(t, 0, bin, append([]string{"run", "-q", "--workers", "2", "--out", local}, testModel...)...)
	sameRun(t, readRun(t, local), readRun(t, dir))
	t.Logf("job array of 4 tasks: %v from submission to done; whole test %v", wait.Round(time.Millisecond), time.Since(start).Round(time.Millisecond))
}
