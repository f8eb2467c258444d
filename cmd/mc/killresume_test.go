package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/reuptake/reuptake/montecarlo/batch"
	"github.com/reuptake/reuptake/montecarlo/results"
)

// buildMC builds the mc binary into a temporary directory, or returns
// $REUPTAKE_MC when set (as .ci/slurm/e2e.sh does).
func buildMC(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("REUPTAKE_MC"); p != "" {
		abs, err := filepath.Abs(p)
		if err != nil {
			t.Fatal(err)
		}
		return abs
	}
	bin := filepath.Join(t.TempDir(), "mc")
	start := time.Now()
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	t.Logf("built %s in %v", bin, time.Since(start).Round(time.Millisecond))
	return bin
}

// mcCommand is an mc subprocess with the Slurm array variables removed from
// its environment (the tests may themselves run under Slurm).
func mcCommand(bin string, args ...string) *exec.Cmd {
	cmd := exec.Command(bin, args...)
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "SLURM_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	return cmd
}

// runMC runs mc to completion and returns its output and exit code.
func runMC(t *testing.T, bin string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	cmd := mcCommand(bin, args...)
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	err := cmd.Run()
	var ee *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &ee):
		code = ee.ExitCode()
	default:
		t.Fatalf("mc %v: %v", args, err)
	}
	return o.String(), e.String(), code
}

// mustMC runs mc and fails the test unless it exits with code want.
func mustMC(t *testing.T, want int, bin string, args ...string) (stdout, stderr string) {
	t.Helper()
	o, e, code := runMC(t, bin, args...)
	if code != want {
		t.Fatalf("mc %s: exit code %d, want %d\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), code, want, o, e)
	}
	return o, e
}

// testModel is a small, fast run: 12 replicates of the default model cut
// to 0.2 ms and 1000 molecules, in 6 parts of 2 replicates.
var testModel = []string{"--set", "run.duration=0.2 ms", "--set", "release[0].molecules=1000",
	"--replicates", "12", "--replicates-per-part", "2", "--seed", "11"}

const testParts = 6

func modelArgs(extra ...string) []string {
	return append(append([]string{}, testModel...), extra...)
}

// tableRow is one row of a results file.
type tableRow struct {
	rep  int64
	t    float64
	vals []float64
}

// readRows reads every row of one results file.
func readRows(path string) ([]tableRow, []results.Column, error) {
	f, err := results.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	var rows []tableRow
	err = f.Scan(func(r int64, tm float64, v []float64) error {
		rows = append(rows, tableRow{r, tm, append([]float64(nil), v...)})
		return nil
	})
	return rows, f.Columns(), err
}

func sameRows(a, b []tableRow) error {
	if len(a) != len(b) {
		return fmt.Errorf("%d rows, want %d", len(b), len(a))
	}
	for i := range a {
		x, y := a[i], b[i]
		eq := x.rep == y.rep && math.Float64bits(x.t) == math.Float64bits(y.t) && len(x.vals) == len(y.vals)
		for j := 0; eq && j < len(x.vals); j++ {
			eq = math.Float64bits(x.vals[j]) == math.Float64bits(y.vals[j]) || (math.IsNaN(x.vals[j]) && math.IsNaN(y.vals[j]))
		}
		if !eq {
			return fmt.Errorf("row %d is %v, want %v", i, y, x)
		}
	}
	return nil
}

// runData is every row of a run, per table and condition
// ("timeseries/condition=base"), sorted by replicate and time, read from
// the files a glob DIR/<table>/condition=*/*.parquet finds (hidden files
// excluded, as DuckDB and the others do).
type runData map[string][]tableRow

func readRun(t *testing.T, dir string) runData {
	t.Helper()
	out := runData{}
	for _, path := range visibleFiles(t, dir) {
		rows, _, err := readRows(filepath.Join(dir, path))
		if err != nil {
			t.Fatal(err)
		}
		key := filepath.Dir(path)
		out[key] = append(out[key], rows...)
	}
	for _, rows := range out {
		sort.SliceStable(rows, func(i, j int) bool {
			if rows[i].rep != rows[j].rep {
				return rows[i].rep < rows[j].rep
			}
			return rows[i].t < rows[j].t
		})
	}
	return out
}

// sameRun fails the test unless two runs hold the same rows.
func sameRun(t *testing.T, want, got runData) {
	t.Helper()
	if len(want) != len(got) {
		t.Fatalf("%d tables, want %d", len(got), len(want))
	}
	for key, rows := range want {
		if err := sameRows(rows, got[key]); err != nil {
			t.Fatalf("%s: %v", key, err)
		}
	}
}

// visibleFiles lists the *.parquet files of a run under final (not hidden)
// names, relative to dir.
func visibleFiles(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	paths, _ := filepath.Glob(filepath.Join(dir, "*", "condition=*", "*.parquet"))
	for _, p := range paths {
		if !strings.HasPrefix(filepath.Base(p), ".") {
			rel, _ := filepath.Rel(dir, p)
			out = append(out, rel)
		}
	}
	sort.Strings(out)
	return out
}

// countFiles counts the files in dir/*/condition=* whose name matches re.
func countFiles(dir string, re *regexp.Regexp) int {
	n := 0
	paths, _ := filepath.Glob(filepath.Join(dir, "*", "condition=*", "*"))
	for _, p := range paths {
		if re.MatchString(filepath.Base(p)) {
			n++
		}
	}
	return n
}

var (
	reRecord  = regexp.MustCompile(`^part-\d+\.json$`)
	reTemp    = regexp.MustCompile(`^\..*\.tmp-`)
	rePartTmp = regexp.MustCompile(`^\.part-\d+\.parquet\.tmp-`)
)

// interrupt starts mc run into dir, waits until ready(dir) holds, sends sig
// and waits for the exit. ok is false when the run ended before ready held.
func interrupt(t *testing.T, bin, dir string, sig syscall.Signal, ready func(string) bool) (code int, stderr string, ok bool) {
	t.Helper()
	cmd := mcCommand(bin, append([]string{"run", "--workers", "2", "--out", dir}, testModel...)...)
	var e bytes.Buffer
	cmd.Stderr = &e
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	deadline := time.After(60 * time.Second)
	for !ready(dir) {
		select {
		case <-done:
			return 0, e.String(), false
		case <-deadline:
			cmd.Process.Kill()
			<-done
			t.Fatal("the run did not reach the kill point in 60 s")
		case <-time.After(time.Millisecond):
		}
	}
	if err := cmd.Process.Signal(sig); err != nil {
		t.Fatal(err)
	}
	err := <-done
	var ee *exec.ExitError
	if err == nil {
		return 0, e.String(), true
	}
	if !errors.As(err, &ee) {
		t.Fatal(err)
	}
	if st, isWS := ee.Sys().(syscall.WaitStatus); isWS && st.Signaled() {
		return -int(st.Signal()), e.String(), true
	}
	return ee.ExitCode(), e.String(), true
}

// checkPartial checks a run directory left by an interrupted run: every
// file under a final name opens and equals the reference file of the same
// name, every completion record is sound, no temporary file is left after
// SIGTERM, and mc status lists the missing parts.
func checkPartial(t *testing.T, bin, dir, ref string, sig syscall.Signal) {
	t.Helper()
	for _, rel := range visibleFiles(t, dir) {
		got, _, err := readRows(filepath.Join(dir, rel))
		if err != nil {
			t.Fatalf("a file under a final name does not open: %v", err)
		}
		want, _, err := readRows(filepath.Join(ref, rel))
		if err != nil {
			t.Fatal(err)
		}
		if err := sameRows(want, got); err != nil {
			t.Fatalf("%s: %v", rel, err)
		}
	}
	if sig == syscall.SIGTERM {
		if n := countFiles(dir, reTemp); n != 0 {
			t.Errorf("%d temporary files left after SIGTERM", n)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "manifest.json")); err != nil {
		return // killed before the manifest: nothing for mc status to read
	}
	done := countFiles(dir, reRecord)
	out, _ := mustMC(t, 1, bin, "status", dir)
	if got := strings.Count(out, "\nmissing ") + boolInt(strings.HasPrefix(out, "missing ")); got != testParts-done {
		t.Errorf("mc status lists %d missing parts, want %d:\n%s", got, testParts-done, out)
	}
	if !strings.Contains(out, fmt.Sprintf("%d parts: %d done, %d missing, 0 corrupt", testParts, done, testParts-done)) {
		t.Errorf("mc status:\n%s", out)
	}
	t.Logf("left %d of %d parts, %d temporary files; mc status:\n%s", done, testParts, countFiles(dir, reTemp), out)
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// resumeAndCompare finishes an interrupted run and compares it with the
// reference.
func resumeAndCompare(t *testing.T, bin, dir, ref string) {
	t.Helper()
	mustMC(t, 0, bin, append([]string{"run", "-q", "--workers", "2", "--out", dir, "--resume"}, testModel...)...)
	out, _ := mustMC(t, 0, bin, "status", dir)
	if !strings.Contains(out, fmt.Sprintf("%d parts: %d done", testParts, testParts)) {
		t.Errorf("after resume: %s", out)
	}
	if got, want := visibleFiles(t, dir), visibleFiles(t, ref); strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("files after resume:\n%v\nwant\n%v", got, want)
	}
	sameRun(t, readRun(t, ref), readRun(t, dir))
}

// TestKillResume interrupts mc run with SIGTERM and SIGKILL at several
// points, checks what is left, resumes and compares with an uninterrupted
// run; it also checks that tasks, bad input, corrupt parts and foreign runs
// are handled. One mc binary serves every subtest.
func TestKillResume(t *testing.T) {
	start := time.Now()
	bin := buildMC(t)
	tmp := t.TempDir()
	ref := filepath.Join(tmp, "ref")
	mustMC(t, 0, bin, append([]string{"run", "-q", "--workers", "2", "--out", ref}, testModel...)...)
	if n := len(visibleFiles(t, ref)); n != 2*testParts {
		t.Fatalf("reference run has %d files, want %d", n, 2*testParts)
	}
	want := readRun(t, ref)

	records := func(n int) func(string) bool {
		return func(dir string) bool { return countFiles(dir, reRecord) >= n }
	}
	midPart := func(dir string) bool { return countFiles(dir, reRecord) >= 1 && countFiles(dir, rePartTmp) > 0 }
	manifest := func(dir string) bool {
		_, err := os.Stat(filepath.Join(dir, "manifest.json"))
		return err == nil
	}
	for _, tc := range []struct {
		name  string
		sig   syscall.Signal
		ready func(string) bool
	}{
		{"SIGTERM after the first part", syscall.SIGTERM, records(1)},
		{"SIGTERM mid-part", syscall.SIGTERM, midPart},
		{"SIGKILL at the start", syscall.SIGKILL, manifest},
		{"SIGKILL after the first part", syscall.SIGKILL, records(1)},
		{"SIGKILL mid-part", syscall.SIGKILL, midPart},
		{"SIGKILL after three parts", syscall.SIGKILL, records(3)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var dir string
			var code int
			var stderr string
			for try := 1; ; try++ {
				dir = filepath.Join(t.TempDir(), "run")
				var ok bool
				code, stderr, ok = interrupt(t, bin, dir, tc.sig, tc.ready)
				if ok {
					break
				}
				if try == 3 {
					t.Skip("the run finished before the kill point three times (machine too fast for this model?)")
				}
			}
			switch tc.sig {
			case syscall.SIGTERM:
				if code != exitInterrupted {
					t.Fatalf("exit code %d after SIGTERM, want %d; stderr:\n%s", code, exitInterrupted, stderr)
				}
				if !strings.Contains(stderr, "--resume") {
					t.Errorf("stderr after SIGTERM does not say how to resume:\n%s", stderr)
				}
			case syscall.SIGKILL:
				if code != -int(syscall.SIGKILL) {
					t.Fatalf("exit %d after SIGKILL", code)
				}
			}
			checkPartial(t, bin, dir, ref, tc.sig)
			resumeAndCompare(t, bin, dir, ref)
		})
	}

	t.Run("union of tasks", func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), "tasks")
		for i := range 3 {
			mustMC(t, 0, bin, append([]string{"run", "-q", "--workers", "2", "--out", dir, "--task", fmt.Sprint(i), "--tasks", "3"}, testModel...)...)
			if i < 2 {
				mustMC(t, 1, bin, "status", dir)
			}
		}
		mustMC(t, 0, bin, "status", dir)
		if got, wantFiles := visibleFiles(t, dir), visibleFiles(t, ref); strings.Join(got, " ") != strings.Join(wantFiles, " ") {
			t.Errorf("files:\n%v\nwant\n%v", got, wantFiles)
		}
		sameRun(t, want, readRun(t, dir))
		for k := range testParts {
			b, err := os.ReadFile(filepath.Join(dir, "parts", "condition=base", fmt.Sprintf("part-%05d.json", k)))
			if err != nil {
				t.Fatal(err)
			}
			var rec batch.PartRecord
			if err := json.Unmarshal(b, &rec); err != nil || rec.Task != k%3 {
				t.Errorf("part %d: written by task %d, want %d (%v)", k, rec.Task, k%3, err)
			}
		}
	})

	t.Run("slurm script run by bash", func(t *testing.T) {
		// The script mc slurm prints, run as Slurm would run its array
		// tasks (here one after the other, task 1 twice: the second time
		// as if resubmitted alone with sbatch --array=1).
		dir := filepath.Join(t.TempDir(), "slurm")
		script, _ := mustMC(t, 0, bin, append([]string{"slurm", "--tasks", "3", "--time", "5", "--mem", "100M", "--out", dir}, testModel...)...)
		for _, i := range []int{0, 1, 2, 1} {
			cmd := exec.Command("bash", "-s")
			cmd.Stdin = strings.NewReader(script)
			cmd.Env = append(mcCommand(bin).Env, fmt.Sprintf("SLURM_ARRAY_TASK_ID=%d", i), "SLURM_CPUS_PER_TASK=2",
				"SLURM_ARRAY_TASK_MIN=1", "SLURM_ARRAY_TASK_COUNT=1") // as after sbatch --array=1
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("task %d: %v\n%s", i, err, out)
			}
		}
		mustMC(t, 0, bin, "status", dir)
		sameRun(t, want, readRun(t, dir))
		job, err := os.ReadFile(filepath.Join(dir, "logs", "job.sh"))
		if err != nil || string(job) != script {
			t.Errorf("logs/job.sh differs from the printed script (%v)", err)
		}
	})

	t.Run("bad input", func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), "bad")
		for _, tc := range []struct {
			args []string
			msg  string
		}{
			{[]string{"--task", "3", "--tasks", "3"}, "out of range"},
			{[]string{"--tasks", "-1"}, "--tasks must be a positive count"},
			{[]string{"--replicates", "-3"}, "--replicates must be a positive count"},
			{[]string{"--replicates-per-part", "-2"}, "--replicates-per-part must be a positive count"},
		} {
			_, stderr := mustMC(t, exitUsage, bin, append(append([]string{"run", "--out", dir}, testModel...), tc.args...)...)
			if !strings.Contains(stderr, tc.msg) {
				t.Errorf("%v: stderr %q lacks %q", tc.args, stderr, tc.msg)
			}
			if _, err := os.Stat(dir); err == nil {
				t.Errorf("%v: the refused run created %s", tc.args, dir)
			}
		}
	})

	copyRef := func(t *testing.T) string {
		t.Helper()
		dir := filepath.Join(t.TempDir(), "copy")
		if out, err := exec.Command("cp", "-a", ref, dir).CombinedOutput(); err != nil {
			t.Fatalf("cp: %v %s", err, out)
		}
		return dir
	}

	t.Run("manifest from a newer engine", func(t *testing.T) {
		dir := copyRef(t)
		path := filepath.Join(dir, "manifest.json")
		b, _ := os.ReadFile(path)
		var m map[string]any
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatal(err)
		}
		m["format"], m["engine"] = batch.ManifestFormat+1, "9.0.0"
		b, _ = json.Marshal(m)
		os.WriteFile(path, b, 0o644)
		for _, args := range [][]string{
			{"status", dir},
			append([]string{"run", "--out", dir, "--resume"}, testModel...),
			{"merge", dir},
		} {
			_, stderr, code := runMC(t, bin, args...)
			if code == 0 || !strings.Contains(stderr, "newer reuptake") {
				t.Errorf("mc %s: exit %d, stderr %q", args[0], code, stderr)
			}
		}
	})

	t.Run("corrupt part", func(t *testing.T) {
		dir := copyRef(t)
		path := filepath.Join(dir, "timeseries", "condition=base", "part-00003.parquet")
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		b[len(b)/2] ^= 0x01
		os.WriteFile(path, b, 0o644)
		out, _ := mustMC(t, 1, bin, "status", dir)
		if !strings.Contains(out, "corrupt  condition=base part 3 (replicates 6-7): "+path+" does not match its checksum") ||
			!strings.Contains(out, "6 parts: 5 done, 0 missing, 1 corrupt") {
			t.Errorf("mc status:\n%s", out)
		}
		t.Logf("mc status of a corrupted run:\n%s", out)
		_, stderr := mustMC(t, 1, bin, "merge", dir)
		if !strings.Contains(stderr, "incomplete") {
			t.Errorf("mc merge of a corrupt run: %s", stderr)
		}
		resumeAndCompare(t, bin, dir, ref)
	})

	t.Run("another run into an existing directory", func(t *testing.T) {
		dir := copyRef(t)
		for _, tc := range []struct {
			args []string
			code int
			msg  string
		}{
			{append([]string{"--resume"}, modelArgs("--set", "run.duration=0.3 ms")...), 1, "holds a different run"},
			{append([]string{"--tasks", "2", "--task", "1"}, modelArgs("--seed", "12")...), 1, "seed 11 there, 12 now"},
			{modelArgs(), exitUsage, "already holds a run"},
		} {
			_, stderr := mustMC(t, tc.code, bin, append([]string{"run", "--out", dir}, tc.args...)...)
			if !strings.Contains(stderr, tc.msg) {
				t.Errorf("%v: stderr %q lacks %q", tc.args, stderr, tc.msg)
			}
		}
		mustMC(t, 0, bin, "status", dir)
		sameRun(t, want, readRun(t, dir))
	})

	t.Logf("TestKillResume took %v", time.Since(start).Round(time.Millisecond))
}
