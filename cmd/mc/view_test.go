package main

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestViewCommand(t *testing.T) {
	dir := t.TempDir()
	page := filepath.Join(dir, "g.html")
	out, _, err := execMC(t, "view", "--preset", "glutamate-ca1", "-o", page)
	if err != nil || !strings.Contains(out, "wrote "+page) {
		t.Fatalf("mc view: %v, %q", err, out)
	}
	b, err := os.ReadFile(page)
	if err != nil || !strings.Contains(string(b), `<script id="scene"`) {
		t.Fatalf("page: %v", err)
	}
	// An existing output is refused without --force, with the usage status.
	_, _, err = execMC(t, "view", "--preset", "glutamate-ca1", "-o", page)
	var ee *exitError
	if err == nil || !errors.As(err, &ee) || ee.code != exitUsage || !strings.Contains(err.Error(), "--force") {
		t.Fatalf("existing output: %v", err)
	}
	if _, _, err := execMC(t, "view", "--preset", "glutamate-ca1", "-o", page, "--force"); err != nil {
		t.Fatalf("--force: %v", err)
	}
	// Next to the model by default.
	model := filepath.Join(dir, "m.yaml")
	src, _, err := execMC(t, "presets", "show", "glutamate-ca1")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(model, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, _, err := execMC(t, "view", model); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "m.html")); err != nil {
		t.Fatalf("default output next to the model: %v", err)
	}
}

// A run without snapshots still gets its geometry drawn, and the user is
// told which flag records the molecules.
func TestViewRunWithoutSnapshots(t *testing.T) {
	dir := t.TempDir()
	run := filepath.Join(dir, "r")
	if _, _, err := execMC(t, "run", "--replicates", "1", "--set", "run.duration=0.02 ms", "--out", run, "--quiet"); err != nil {
		t.Fatal(err)
	}
	out, stderr, err := execMC(t, "view", run)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(stderr, "--snapshots 50us") || !strings.Contains(out, "wrote "+run+".html") {
		t.Fatalf("stdout %q stderr %q", out, stderr)
	}
	_, _, err = execMC(t, "export", "snapshots", run, "-o", filepath.Join(dir, "x.xyz"))
	if err == nil || !strings.Contains(err.Error(), "--snapshots 50us") {
		t.Fatalf("export snapshots of a run without them: %v", err)
	}
	_, _, err = execMC(t, "view", run, "--replicate", "3", "-o", filepath.Join(dir, "x.html"))
	if err == nil || !strings.Contains(err.Error(), "no replicate 3 (replicates: 0)") {
		t.Fatalf("unknown replicate: %v", err)
	}
	_, _, err = execMC(t, "view", run, "--condition", "nope", "-o", filepath.Join(dir, "x.html"))
	if err == nil || !strings.Contains(err.Error(), "conditions: base") {
		t.Fatalf("unknown condition: %v", err)
	}
}

func TestExportGeometryCommand(t *testing.T) {
	dir := t.TempDir()
	for _, format := range []string{"vtk", "ply", "obj"} {
		p := filepath.Join(dir, "g."+format)
		out, _, err := execMC(t, "export", "geometry", "--preset", "glutamate-ca1", "--format", format, "-o", p)
		if err != nil || !strings.Contains(out, "psd") {
			t.Fatalf("%s: %v %q", format, err, out)
		}
		if st, err := os.Stat(p); err != nil || st.Size() < 1000 {
			t.Fatalf("%s: %v", p, err)
		}
	}
	_, _, err := execMC(t, "export", "geometry", "--preset", "glutamate-ca1", "--format", "stl", "-o", filepath.Join(dir, "g.stl"))
	var ee *exitError
	if err == nil || !errors.As(err, &ee) || ee.code != exitUsage {
		t.Fatalf("--format stl: %v", err)
	}
}
