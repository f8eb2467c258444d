package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// smallRunArgs is a tiny run of two conditions: 6 replicates in parts of 2.
var smallRunArgs = []string{"--set", "run.duration=0.05 ms", "--set", "release[0].molecules=100", "--replicates", "6",
	"--replicates-per-part", "2", "--seed", "5", "--sweep", "species[0].D=0.2 um^2/ms,0.4 um^2/ms", "--workers", "2"}

func TestMergeCommand(t *testing.T) {
	for _, k := range []string{"SLURM_ARRAY_TASK_ID", "SLURM_ARRAY_TASK_COUNT", "SLURM_ARRAY_TASK_MIN"} {
		t.Setenv(k, "")
	}
	dir := filepath.Join(t.TempDir(), "run")
	if _, _, err := execMC(t, append([]string{"run", "-q", "--out", dir}, smallRunArgs...)...); err != nil {
		t.Fatal(err)
	}
	before := readRun(t, dir)
	if n := len(visibleFiles(t, dir)); n != 12 {
		t.Fatalf("%d files before merging, want 12", n)
	}

	out, _, err := execMC(t, "merge", dir)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "merged 12 files into 4 (6 parts, 2 condition(s) rewritten; ") || !strings.Contains(out, "12 summary rows") {
		t.Errorf("mc merge printed:\n%s", out)
	}
	files := visibleFiles(t, dir)
	if len(files) != 4 || !strings.HasSuffix(files[0], "/part-00000-00002.parquet") {
		t.Errorf("files after merge: %v", files)
	}
	sameRun(t, before, readRun(t, dir))

	out, _, err = execMC(t, "status", dir)
	if err != nil || !strings.Contains(out, "6 parts: 6 done, 0 missing, 0 corrupt") {
		t.Errorf("mc status after merge: %v\n%s", err, out)
	}
	// mc run --resume computes nothing and summarises the merged files.
	stat := func() map[string]int64 {
		m := map[string]int64{}
		for _, f := range visibleFiles(t, dir) {
			st, err := os.Stat(filepath.Join(dir, f))
			if err != nil {
				t.Fatal(err)
			}
			m[f] = st.ModTime().UnixNano()
		}
		return m
	}
	mtimes := stat()
	out, _, err = execMC(t, append([]string{"run", "--out", dir, "--resume"}, smallRunArgs...)...)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Count(out, "(6 replicates): mean ± SE") != 2 {
		t.Errorf("mc run --resume after merge printed:\n%s", out)
	}
	for f, m := range stat() {
		if mtimes[f] != m {
			t.Errorf("%s was rewritten by mc run --resume", f)
		}
	}
	if len(stat()) != 4 {
		t.Errorf("mc run --resume after merge added files: %v", visibleFiles(t, dir))
	}

	out, _, err = execMC(t, "merge", dir)
	if err != nil || !strings.Contains(out, "already merged (4 files for 6 parts); nothing to do") {
		t.Errorf("second mc merge: %v\n%s", err, out)
	}
	// Inspect shows the updated replicate range.
	out, _, err = execMC(t, "inspect", filepath.Join(dir, files[0]))
	if err != nil || !strings.Contains(out, "0-5") {
		t.Errorf("mc inspect of a merged file: %v\n%s", err, out)
	}
}

func TestMergeCommandErrors(t *testing.T) {
	for _, k := range []string{"SLURM_ARRAY_TASK_ID", "SLURM_ARRAY_TASK_COUNT", "SLURM_ARRAY_TASK_MIN"} {
		t.Setenv(k, "")
	}
	dir := filepath.Join(t.TempDir(), "run")
	if _, _, err := execMC(t, append([]string{"run", "-q", "--out", dir, "--task", "0", "--tasks", "2"}, smallRunArgs...)...); err != nil {
		t.Fatal(err)
	}
	_, _, err := execMC(t, "merge", dir)
	if err == nil || !strings.Contains(err.Error(), "is incomplete: 3 of 6 parts are not done") || exitCode(err) != exitFailure {
		t.Errorf("merge of half a run: %v", err)
	}
	if _, _, err := execMC(t, "merge", "--max-rows", "-1", dir); exitCode(err) != exitUsage {
		t.Errorf("--max-rows -1: %v", err)
	}
	if _, _, err := execMC(t, "merge", filepath.Join(dir, "nothing")); err == nil {
		t.Error("merge of a missing directory succeeded")
	}
	if _, _, err := execMC(t, "merge"); err == nil {
		t.Error("merge without a directory succeeded")
	}
}
