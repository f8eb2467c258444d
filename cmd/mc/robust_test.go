package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

func clearSlurm(t *testing.T) {
	for _, k := range []string{"SLURM_ARRAY_TASK_ID", "SLURM_ARRAY_TASK_COUNT", "SLURM_ARRAY_TASK_MIN"} {
		t.Setenv(k, "")
	}
}

// TestRunFlagRefusals: counts and combinations that cannot be meant are
// refused with the reason before anything runs (issue 13 B.5: they were
// silently accepted), and --seed takes the whole uint64 range.
func TestRunFlagRefusals(t *testing.T) {
	clearSlurm(t)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--replicates", "0"}, "--replicates must be a positive count, got 0"},
		{[]string{"--tasks", "0"}, "--tasks must be a positive count, got 0"},
		{[]string{"--workers", "-4"}, "--workers must be a positive count, got -4"},
		{[]string{"--force", "--resume"}, "--force and --resume contradict each other"},
		{[]string{"--replicates-per-part", "0"}, "--replicates-per-part must be a positive count"},
		{[]string{"--seed", "-1"}, "want a whole number from 0 to 18446744073709551615"},
		{[]string{"--seed", "18446744073709551616"}, "want a whole number from 0 to 18446744073709551615"},
		{[]string{"--set", "run.sample_interval=1 ms", "--set", "run.duration=0.5 ms"}, "sample_interval"},
		{[]string{"--replicates", "1000000000000"}, "more than the 2147483647 one run can hold"},
	} {
		dir := filepath.Join(t.TempDir(), "out")
		_, _, err := execMC(t, append([]string{"run", "-q", "--out", dir}, c.args...)...)
		if err == nil || !strings.Contains(err.Error(), c.want) || exitCode(err) != exitUsage {
			t.Errorf("mc run %v: %v (exit %d), want a usage error saying %q", c.args, err, exitCode(err), c.want)
		}
		if _, err := os.Stat(dir); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("mc run %v wrote %s", c.args, dir)
		}
	}
	dir := filepath.Join(t.TempDir(), "seed")
	if _, _, err := execMC(t, "run", "-q", "--out", dir, "--seed", "18446744073709551615", "--replicates", "1",
		"--set", "run.duration=0.02 ms", "--set", "release[0].molecules=20"); err != nil {
		t.Fatal(err)
	}
	out, _, err := execMC(t, "status", dir)
	if err != nil || !strings.Contains(out, "seed 18446744073709551615") {
		t.Fatalf("status of a run with seed 2^64-1: %v\n%s", err, out)
	}
}

// TestArrayTasksStartTogether starts the tasks of an array on a fresh
// --out at the same instant, repeatedly (issue 13 B.2: one task in five
// trials failed with "is not empty and holds no run"): all succeed and the
// run is complete.
func TestArrayTasksStartTogether(t *testing.T) {
	clearSlurm(t)
	if testing.Short() {
		t.Skip("starts 4 runs 10 times")
	}
	for trial := 0; trial < 10; trial++ {
		dir := filepath.Join(t.TempDir(), "cc")
		var wg sync.WaitGroup
		errs := make([]error, 4)
		start := make(chan struct{})
		for i := range errs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				f := &runFlags{replicates: 4, chunk: 1, tasks: 4, task: i, out: dir, quiet: true, workers: 1,
					sets: []string{"run.duration=0.02 ms", "release[0].molecules=20"}}
				errs[i] = runRun(context.Background(), os.Stdout, os.Stderr, f, nil)
			}()
		}
		close(start)
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Fatalf("trial %d: task %d: %v", trial, i, err)
			}
		}
		if out, _, err := execMC(t, "status", dir); err != nil || !strings.Contains(out, "4 parts: 4 done") {
			t.Fatalf("trial %d: status %v\n%s", trial, err, out)
		}
	}
}

// TestPrepareOutIgnoresManifestInCreation: a directory that holds only
// another task's manifest being written is a run being created.
func TestPrepareOutIgnoresManifestInCreation(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, ".manifest.json.tmp-123"), []byte("{"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := prepareOut(dir, &runFlags{tasks: 4}); err != nil {
		t.Fatalf("prepareOut: %v", err)
	}
	if err := os.WriteFile(filepath.Join(dir, "notes.txt"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := prepareOut(dir, &runFlags{tasks: 1}); err == nil || !strings.Contains(err.Error(), "holds no run") {
		t.Fatalf("prepareOut of a foreign directory: %v", err)
	}
}

// TestMidMergeAnswers: with an interrupted merge whose journal alone is
// left (issue 13 B.9: status said all done, exit 0; with parts swapped it
// named both mc merge and --resume) status gives one answer, mc merge, and
// the analysis commands refuse the run (B.4); mc merge then finishes it.
func TestMidMergeAnswers(t *testing.T) {
	clearSlurm(t)
	dir := filepath.Join(t.TempDir(), "run")
	if _, _, err := execMC(t, append([]string{"run", "-q", "--out", dir}, smallRunArgs...)...); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(dir, ".merge"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, ".merge", "journal.json"), []byte(`{"generation":1,"conditions":[],"started":"2026-01-01T00:00:00Z"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	out, _, err := execMC(t, "status", dir)
	if err == nil || exitCode(err) != exitFailure || !strings.Contains(err.Error(), "finish it with mc merge "+dir) ||
		strings.Contains(out+err.Error(), "--resume") {
		t.Fatalf("status mid-merge: %v\n%s", err, out)
	}
	for _, cmd := range []string{"analyze", "plot"} {
		args := []string{cmd, dir}
		if cmd == "plot" {
			args = append(args, "-o", filepath.Join(t.TempDir(), "f.png"))
		}
		_, _, err := execMC(t, args...)
		if err == nil || !strings.Contains(err.Error(), "in the middle of a merge") {
			t.Errorf("mc %s mid-merge: %v", cmd, err)
		}
	}
	if _, _, err := execMC(t, "merge", dir); err != nil {
		t.Fatal(err)
	}
	if out, _, err := execMC(t, "status", dir); err != nil {
		t.Fatalf("status after mc merge: %v\n%s", err, out)
	}
}

// TestAnalyzeIncompleteRun: analyze, compare and plot of half a run say
// how much of the plan is present (issue 13 B.4: they exited 0 silently).
func TestAnalyzeIncompleteRun(t *testing.T) {
	clearSlurm(t)
	dir := filepath.Join(t.TempDir(), "run")
	if _, _, err := execMC(t, append([]string{"run", "-q", "--out", dir, "--task", "0", "--tasks", "2"}, smallRunArgs...)...); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"analyze", dir, "--bootstrap", "0"},
		{"compare", dir},
		{"plot", dir, "--panels", "course", "-o", filepath.Join(t.TempDir(), "f.png")},
	} {
		_, stderr, err := execMC(t, args...)
		if err != nil {
			t.Fatalf("mc %v: %v", args, err)
		}
		if !strings.Contains(stderr, "is incomplete: 3 of 6 parts done") || !strings.Contains(stderr, "--resume") {
			t.Errorf("mc %s on half a run printed on stderr:\n%s", args[0], stderr)
		}
	}
	// A condition that is complete gives no warning.
	dir2 := filepath.Join(t.TempDir(), "run")
	if _, _, err := execMC(t, append([]string{"run", "-q", "--out", dir2}, smallRunArgs...)...); err != nil {
		t.Fatal(err)
	}
	_, stderr, err := execMC(t, "analyze", dir2, "--bootstrap", "0")
	if err != nil || strings.Contains(stderr, "warning") {
		t.Errorf("analyze of a complete run: %v\n%s", err, stderr)
	}
}

// TestStatusNotARun: status of a directory that is not a run names it and
// says what to give (issue 13 B.11: "open …/manifest.json: no such file").
func TestStatusNotARun(t *testing.T) {
	dir := t.TempDir()
	_, _, err := execMC(t, "status", dir)
	if err == nil || !strings.Contains(err.Error(), dir+" holds no run (no manifest.json): give the output directory of an mc run") || exitCode(err) != exitUsage {
		t.Errorf("status of an empty directory: %v", err)
	}
	_, _, err = execMC(t, "status", filepath.Join(dir, "nope"))
	if err == nil || !strings.Contains(err.Error(), "does not exist") {
		t.Errorf("status of a missing directory: %v", err)
	}
}

// TestResumeHint: a file-system error that stops a run says that the
// complete parts are kept and how to resume, naming a full disk (issue 13
// B.11); other errors are left alone.
func TestResumeHint(t *testing.T) {
	full := &fs.PathError{Op: "write", Path: "out/x/.part-00003.parquet.tmp-1", Err: syscall.ENOSPC}
	err := withResumeHint(fmt.Errorf("results: close out/x/part-00003.parquet: %w", full), "out/x")
	if msg := err.Error(); !strings.Contains(msg, "the disk is full") || !strings.Contains(msg, "mc run ... --out out/x --resume") || !errors.Is(err, syscall.ENOSPC) {
		t.Errorf("disk full: %v", err)
	}
	plain := errors.New("the directory holds a different run")
	if got := withResumeHint(plain, "out/x"); got != plain {
		t.Errorf("a plan error got a hint: %v", got)
	}
}

// TestCorruptFooterMessage: a part whose Parquet footer has a flipped bit
// is named as corrupt with the way to recompute it (issue 13 B.11: a raw
// thrift error), and a resume recomputes it.
func TestCorruptFooterMessage(t *testing.T) {
	clearSlurm(t)
	dir := filepath.Join(t.TempDir(), "run")
	args := []string{"--replicates", "4", "--replicates-per-part", "2", "--set", "run.duration=0.02ms", "--set", "release[0].molecules=20"}
	if _, _, err := execMC(t, append([]string{"run", "-q", "--out", dir}, args...)...); err != nil {
		t.Fatal(err)
	}
	part := filepath.Join(dir, "summary", "condition=base", "part-00001.parquet")
	b, err := os.ReadFile(part)
	if err != nil {
		t.Fatal(err)
	}
	n := len(b)
	footer := int(b[n-8]) | int(b[n-7])<<8 | int(b[n-6])<<16 | int(b[n-5])<<24
	b[n-8-footer+1] ^= 0xff // the first field header of the file metadata
	if err := os.WriteFile(part, b, 0o644); err != nil {
		t.Fatal(err)
	}
	_, _, err = execMC(t, "analyze", dir, "--bootstrap", "0")
	if err == nil || !strings.Contains(err.Error(), part+": corrupt") || !strings.Contains(err.Error(), "--out "+dir+" --resume recomputes the corrupt parts") {
		t.Fatalf("analyze of a bit-flipped part: %v", err)
	}
	if _, _, err := execMC(t, append([]string{"run", "-q", "--out", dir, "--resume"}, args...)...); err != nil {
		t.Fatal(err)
	}
	if _, _, err := execMC(t, "analyze", dir, "--bootstrap", "0"); err != nil {
		t.Fatalf("analyze after the resume: %v", err)
	}
}

// TestStatusReportsStaleTemps: mc status reports the temporary files of a
// killed process and a resume removes them (issue 13 B.8: they stayed
// forever, unreported).
func TestStatusReportsStaleTemps(t *testing.T) {
	clearSlurm(t)
	dir := filepath.Join(t.TempDir(), "run")
	args := []string{"--replicates", "4", "--replicates-per-part", "2", "--set", "run.duration=0.02ms", "--set", "release[0].molecules=20"}
	if _, _, err := execMC(t, append([]string{"run", "-q", "--out", dir}, args...)...); err != nil {
		t.Fatal(err)
	}
	tmp := filepath.Join(dir, "timeseries", "condition=base", ".part-00001.parquet.tmp-4242")
	if err := os.WriteFile(tmp, []byte("PAR1"), 0o644); err != nil {
		t.Fatal(err)
	}
	out, _, err := execMC(t, "status", dir)
	if err != nil || !strings.Contains(out, "1 temporary file(s) left by killed processes") {
		t.Fatalf("status: %v\n%s", err, out)
	}
	if _, _, err := execMC(t, append([]string{"run", "-q", "--out", dir, "--resume"}, args...)...); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(tmp); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("%s left after --resume", tmp)
	}
}

// TestProcesses runs mc as separate processes, as a shell or Slurm does:
//   - SIGTERM while a large model is still being built exits with 130 at
//     once and writes nothing (issue 13 B.10: it exited 143);
//   - SIGTERM in the middle of a replicate that would run for many minutes
//     stops it within seconds, exit 130 (B.10: the replicate ignored it);
//   - the loop of four array tasks started at once on a fresh --out
//     (B.2: one failed in five trials) succeeds every time.
func TestProcesses(t *testing.T) {
	if testing.Short() {
		t.Skip("builds mc and runs it many times")
	}
	clearSlurm(t)
	bin := buildMC(t)
	sigterm := func(t *testing.T, dir string, ready func() bool, args ...string) (code int, stderr string, took time.Duration) {
		t.Helper()
		cmd := mcCommand(bin, append([]string{"run", "-q", "--out", dir}, args...)...)
		cmd.Dir = t.TempDir()
		var e strings.Builder
		cmd.Stderr = &e
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		for deadline := time.Now().Add(2 * time.Minute); !ready(); time.Sleep(10 * time.Millisecond) {
			if time.Now().After(deadline) {
				cmd.Process.Kill()
				cmd.Wait()
				t.Fatal("the run did not get ready in 2 minutes")
			}
		}
		start := time.Now()
		if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case err := <-done:
			var ee *exec.ExitError
			if err != nil && !errors.As(err, &ee) {
				t.Fatal(err)
			}
			return cmd.ProcessState.ExitCode(), e.String(), time.Since(start)
		case <-time.After(3 * time.Minute):
			cmd.Process.Kill()
			<-done
			t.Fatal("mc run still running 3 minutes after SIGTERM")
		}
		return
	}

	t.Run("SIGTERM during the build", func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), "big")
		// A 10 µm wide cleft of 10 nm voxels: seconds of building.
		start := time.Now()
		code, stderr, _ := sigterm(t, dir, func() bool { return time.Since(start) > 500*time.Millisecond },
			"--replicates", "1", "--set", "run.duration=0.01ms", "--set", "geometry.half_width=5um", "--set", "geometry.membrane_radius=4.9um")
		if code != exitInterrupted || !strings.Contains(stderr, "interrupted while building the model") {
			t.Fatalf("exit %d after SIGTERM during the build, want %d; stderr:\n%s", code, exitInterrupted, stderr)
		}
		if _, err := os.Stat(dir); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("%s was written although the run stopped while building", dir)
		}
	})

	t.Run("SIGTERM mid-replicate", func(t *testing.T) {
		tmp := t.TempDir()
		dir := filepath.Join(tmp, "long")
		// One replicate of 20000 molecules in a closed box for 10 s: hours
		// of computing (without the check in the step loop, the process
		// was still running 20 s after SIGTERM).
		model := filepath.Join(tmp, "long.yaml")
		if err := os.WriteFile(model, []byte(`geometry: {kind: box, voxel: 50 nm, size: [1 um, 1 um, 1 um]}
species:
  - name: glu
    D: 0.33 um^2/ms
release:
  - {species: glu, at: [0.5 um, 0.5 um, 0.5 um], time: 0 ms, molecules: 20000}
run:
  duration: 10000 ms
  sample_interval: 1 ms
`), 0o644); err != nil {
			t.Fatal(err)
		}
		running := func() bool {
			m, _ := filepath.Glob(filepath.Join(dir, "timeseries", "condition=base", ".part-00000.parquet.tmp-*"))
			return len(m) > 0
		}
		code, stderr, took := sigterm(t, dir, running, model, "--replicates", "1", "--workers", "1")
		if code != exitInterrupted || !strings.Contains(stderr, "--resume") {
			t.Fatalf("exit %d after SIGTERM mid-replicate, want %d; stderr:\n%s", code, exitInterrupted, stderr)
		}
		t.Logf("stopped %v after SIGTERM", took.Round(time.Millisecond))
		if m, _ := filepath.Glob(filepath.Join(dir, "*", "condition=base", ".*.tmp-*")); len(m) > 0 {
			t.Errorf("temporary files left after SIGTERM: %v", m)
		}
	})

	t.Run("array tasks start together", func(t *testing.T) {
		for trial := 0; trial < 5; trial++ {
			dir := filepath.Join(t.TempDir(), "cc")
			var cmds []*exec.Cmd
			var errs [4]strings.Builder
			for i := range 4 {
				c := mcCommand(bin, "run", "--replicates", "4", "--replicates-per-part", "1", "--tasks", "4", "--task", fmt.Sprint(i),
					"--out", dir, "-q", "--set", "run.duration=0.02ms", "--set", "release[0].molecules=20")
				c.Stderr = &errs[i]
				cmds = append(cmds, c)
			}
			for _, c := range cmds {
				if err := c.Start(); err != nil {
					t.Fatal(err)
				}
			}
			for i, c := range cmds {
				if err := c.Wait(); err != nil {
					t.Fatalf("trial %d: task %d: %v\n%s", trial, i, err, errs[i].String())
				}
			}
			mustMC(t, 0, bin, "status", dir)
		}
	})

	t.Run("SIGTERM during another command exits 130", func(t *testing.T) {
		// mc validate does not handle signals itself: main stops it.
		cmd := mcCommand(bin, "validate")
		cmd.Dir = t.TempDir()
		var e strings.Builder
		cmd.Stderr = &e
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Second)
		if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
			t.Fatal(err)
		}
		err := cmd.Wait()
		var ee *exec.ExitError
		if err != nil && !errors.As(err, &ee) {
			t.Fatal(err)
		}
		if code := cmd.ProcessState.ExitCode(); code != exitInterrupted || !strings.Contains(e.String(), "interrupted") {
			t.Fatalf("mc validate exited %d after SIGTERM, want %d; stderr:\n%s", code, exitInterrupted, e.String())
		}
	})
}
