package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/reuptake/reuptake/montecarlo/results"
)

// TestOutputBadInput: unknown event kinds, a snapshot interval that is not
// a multiple of dt or exceeds the duration, a run over the size limit and
// --table fpt on a run without events are refused as usage errors that
// name the flag or field and the fix; nothing is written.
func TestOutputBadInput(t *testing.T) {
	dir := t.TempDir()
	model := filepath.Join(dir, "m.yaml")
	src, err := os.ReadFile("../../montecarlo/modelfile/presets/glutamate-ca1.yaml")
	if err != nil {
		t.Fatal(err)
	}
	bad := string(src) + "\noutput:\n  events: [bind, unbnd]\n"
	if err := os.WriteFile(model, []byte(bad), 0o644); err != nil {
		t.Fatal(err)
	}
	short := []string{"--set", "run.duration=0.02 ms"}
	for _, c := range []struct {
		args []string
		want []string
	}{
		{[]string{"--events=bind,unbnd"}, []string{"--events", `unknown event kind "unbnd"`, "transport"}},
		{[]string{"--snapshots", "0.15us"}, []string{"output.snapshots.every", "multiple of the timestep", "--snapshots 0.15us"}},
		{[]string{"--snapshots", "1ms"}, []string{"output.snapshots.every", "longer than run.duration"}},
		{[]string{"--snapshots", "10us", "--max-output-rows", "1000"}, []string{"--max-output-rows", "snapshots", "raise the limit"}},
		{[]string{model}, []string{"m.yaml", "output.events[1]", `"unbnd" is not an event kind`, `did you mean "unbind"`}},
	} {
		out := filepath.Join(dir, "out")
		args := append(append([]string{"run", "-n", "1", "-q", "-o", out}, short...), c.args...)
		_, err := runDrugCmd(args...)
		if err == nil {
			t.Errorf("%v: no error", c.args)
			continue
		}
		if ee, ok := err.(*exitError); !ok || ee.code != exitUsage {
			t.Errorf("%v: %v, want a usage error", c.args, err)
		}
		for _, w := range c.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%v: error %q lacks %q", c.args, err, w)
			}
		}
		if _, err := os.Stat(out); err == nil {
			t.Errorf("%v: wrote %s", c.args, out)
		}
	}
	// A run without events: --table fpt says which flag writes them.
	run := filepath.Join(dir, "plain")
	if _, err := runDrugCmd(append([]string{"run", "-n", "1", "-q", "-o", run}, short...)...); err != nil {
		t.Fatal(err)
	}
	_, err = runDrugCmd("analyze", run, "--table", "fpt")
	if ee, ok := err.(*exitError); !ok || ee.code != exitUsage || !strings.Contains(err.Error(), "--events") {
		t.Errorf("analyze --table fpt on a run without events: %v", err)
	}
}

// TestExport: mc export writes every row of a table, with a condition
// column, as CSV and as one Parquet file; a missing table names the flag
// that writes it.
func TestExport(t *testing.T) {
	dir := t.TempDir()
	run := filepath.Join(dir, "run")
	if _, err := runDrugCmd("run", "-n", "3", "--replicates-per-part", "2", "-q", "-o", run, "--set", "run.duration=0.02 ms",
		"--events=release,bind,escape", "--sweep", "species.glu.D=0.2 um^2/ms,0.4 um^2/ms"); err != nil {
		t.Fatal(err)
	}
	files, _, err := exportParts(run, results.Events, nil)
	if err != nil || len(files) != 4 {
		t.Fatalf("%d events parts, %v", len(files), err)
	}
	var rows int64
	for _, p := range files {
		f, err := results.Open(p)
		if err != nil {
			t.Fatal(err)
		}
		rows += f.NumRows()
		f.Close()
	}
	csvPath := filepath.Join(dir, "ev.csv")
	if _, err := runDrugCmd("export", run, "--table", "events", "-o", csvPath); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(csvPath)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if int64(len(lines)) != rows+1 || !strings.HasPrefix(lines[0], "replicate,t_ms,kind,") || !strings.HasSuffix(lines[0], ",condition") {
		t.Fatalf("%d lines for %d rows; header %q", len(lines), rows, lines[0])
	}
	if !strings.HasSuffix(lines[1], "species.glu.D@0.2um_2_ms") {
		t.Errorf("first row %q lacks its condition", lines[1])
	}
	pq := filepath.Join(dir, "ev.parquet")
	if _, err := runDrugCmd("export", run, "--table", "events", "--format", "parquet", "-o", pq, "--condition", "species.glu.D@0.4um_2_ms"); err != nil {
		t.Fatal(err)
	}
	f, err := results.Open(pq)
	if err != nil {
		t.Fatal(err)
	}
	n := f.NumRows()
	fields := f.Fields()
	f.Close()
	if n == 0 || n >= rows || fields[len(fields)-1].Name != "condition" || f.Kind != results.Events {
		t.Errorf("parquet export: %d rows of %d, last column %q, kind %v", n, rows, fields[len(fields)-1].Name, f.Kind)
	}
	// The conditions table types the swept key.
	cf, err := results.Open(conditionsPath(run))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	cf.ScanRows(func(v []results.Value) error { got = append(got, v[0].Str()+"="+v[3].String()); return nil })
	d := cf.Fields()[3]
	cf.Close()
	if d.Name != "species.glu.D" || d.Unit != "um^2/ms" || d.Type != results.TypeDouble ||
		strings.Join(got, " ") != "species.glu.D@0.2um_2_ms=0.2 species.glu.D@0.4um_2_ms=0.4" {
		t.Errorf("conditions table: %+v, rows %v", d, got)
	}
	for _, c := range []struct {
		vals []string
		unit string
		want float64
	}{{[]string{"1uM", "500 nM"}, "uM", 0.5}, {[]string{"2 ms", "300 us"}, "ms", 0.3}} {
		f, vs := sweptColumn("k", c.vals)
		if f.Unit != c.unit || vs[1].Float64() != c.want {
			t.Errorf("%v: unit %q, second value %v", c.vals, f.Unit, vs[1])
		}
	}
	if f, _ := sweptColumn("k", []string{"fixed", "gaussian"}); f.Type != results.TypeString {
		t.Errorf("words typed %s", f.Type)
	}
	_, err = runDrugCmd("export", run, "--table", "snapshots", "-o", filepath.Join(dir, "s.csv"))
	if err == nil || !strings.Contains(err.Error(), "--snapshots") {
		t.Errorf("export of a missing table: %v", err)
	}
}

// TestSlurmKeepsOutputFlags: the job script passes --events, --snapshots
// and a raised --max-output-rows on to every task.
func TestSlurmKeepsOutputFlags(t *testing.T) {
	tmp := t.TempDir()
	writeModel(t, tmp)
	t.Chdir(tmp)
	out, _, err := execMC(t, "slurm", "model.yaml", "--tasks", "2", "--time", "1:00:00", "--mem", "1G", "--replicates", "4",
		"--events=bind,transport", "--snapshots", "50us", "--max-output-rows", "1000000000", "--out", "runs/a")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"--events=", "bind,transport", "--snapshots ", "50us", "--max-output-rows 1000000000"} {
		if !strings.Contains(out, want) {
			t.Errorf("script lacks %q:\n%s", want, out)
		}
	}
}
