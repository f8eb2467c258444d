package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/reuptake/reuptake/analysis"
)

// TestResumeFromRunDir checks mc run --resume RUN_DIR: with the model and
// settings taken from the run (a sweep of two conditions, overrides, seed,
// replicates, parts), a run that lost parts is finished to the same bits as
// an uninterrupted one, and flags that would change the run are refused.
func TestResumeFromRunDir(t *testing.T) {
	tmp := t.TempDir()
	ref, dir := filepath.Join(tmp, "ref"), filepath.Join(tmp, "run")
	args := append(append([]string{}, testModel...), "--replicates", "4", "--sweep", "release[0].molecules=500,1000")
	for _, out := range []string{ref, dir} {
		if _, stderr, err := execMC(t, append([]string{"run", "-q", "--workers", "2", "--out", out}, args...)...); err != nil {
			t.Fatalf("%v\n%s", err, stderr)
		}
	}
	// Lose a part of each kind, and its completion record, in one
	// condition: what an interrupted run leaves.
	cond := "condition=release_0_.molecules@1000"
	for _, p := range []string{
		filepath.Join(dir, "timeseries", cond, "part-00001.parquet"),
		filepath.Join(dir, "summary", cond, "part-00001.parquet"),
		filepath.Join(dir, "parts", cond, "part-00001.json"),
	} {
		if err := os.Remove(p); err != nil {
			t.Fatalf("test setup: %v", err)
		}
	}
	if _, stderr, err := execMC(t, "run", "--resume", dir, "--seed", "3"); exitCode(err) != exitUsage || !strings.Contains(err.Error(), "--seed") {
		t.Errorf("--resume DIR --seed 3: %v %s, want a usage error naming --seed", err, stderr)
	}
	stdout, stderr, err := execMC(t, "run", "--resume", dir, "--workers", "1")
	if err != nil {
		t.Fatalf("mc run --resume %s: %v\n%s", dir, err, stderr)
	}
	if !strings.Contains(stdout, "glutamate-ca1") || !strings.Contains(stdout, "condition release_0_.molecules@1000 (4 replicates)") {
		t.Errorf("summary after resume:\n%s", stdout)
	}
	sameRun(t, readRun(t, ref), readRun(t, dir))

	// mc plot's default title names the model recorded in the files and
	// what the conditions sweep.
	srcs, err := analysis.Resolve(dir)
	if err != nil {
		t.Fatal(err)
	}
	ds, err := analysis.Load(srcs, analysis.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := plotTitle(ds), "glutamate-ca1, sweep of release_0_.molecules (4 replicates each)"; got != want {
		t.Errorf("plot title %q, want %q", got, want)
	}

	if _, _, err := execMC(t, "run", "--resume", filepath.Join(tmp, "nowhere")); exitCode(err) != exitUsage {
		t.Errorf("--resume of a missing directory: %v", err)
	}
	empty := filepath.Join(tmp, "empty")
	if err := os.Mkdir(empty, 0o755); err != nil {
		t.Fatal(err)
	}
	if _, _, err := execMC(t, "run", "--resume", empty); exitCode(err) != exitUsage || !strings.Contains(err.Error(), "no run") {
		t.Errorf("--resume of a directory without a run: %v", err)
	}
}
