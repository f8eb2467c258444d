package main

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/reuptake/reuptake/montecarlo/results"
)

// writeInspectFixture writes a small timeseries file and returns its path.
func writeInspectFixture(t *testing.T) string {
	t.Helper()
	path := results.PartPath(t.TempDir(), results.Timeseries, "control", 2)
	cols := []results.Column{
		{Name: "free_cleft", Unit: "molecules", Description: "free transmitter in the cleft"},
		{Name: "open_AMPA", Unit: "sites"},
	}
	meta := map[string]string{
		results.MetaSeed:      "42",
		results.MetaCondition: "control",
		results.MetaModel:     "name: test\ncleft:\n  width_nm: 20\n",
		"note":                "two\nlines",
	}
	w, err := results.Create(path, results.Timeseries, cols, meta)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Abort()
	for i := range 10 {
		if err := w.Write(int64(i/5), float64(i%5)*0.1, []float64{float64(100 - i), float64(i)}); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestInspectText(t *testing.T) {
	path := writeInspectFixture(t)
	tests := []struct {
		name    string
		opts    inspectOptions
		want    []string
		notWant []string
	}{
		{
			name: "default",
			want: []string{
				path, "kind         timeseries", "rows         10", "row groups   1", "compression  ZSTD",
				"replicate", "t_ms        DOUBLE", "free_cleft  DOUBLE  molecules  free transmitter in the cleft", "open_AMPA   DOUBLE  sites",
				"reuptake.seed", "42", `"two\nlines"`, "reuptake.kind",
				"model (reuptake.model):\n    name: test\n    cleft:\n      width_nm: 20\n",
			},
			notWant: []string{results.MetaColumns},
		},
		{
			name:    "no model",
			opts:    inspectOptions{NoModel: true},
			want:    []string{"reuptake.condition"},
			notWant: []string{"width_nm", "model ("},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := inspectFile(&buf, path, tc.opts); err != nil {
				t.Fatal(err)
			}
			out := buf.String()
			for _, s := range tc.want {
				if !strings.Contains(out, s) {
					t.Errorf("output lacks %q:\n%s", s, out)
				}
			}
			for _, s := range tc.notWant {
				if strings.Contains(out, s) {
					t.Errorf("output has %q:\n%s", s, out)
				}
			}
			if tc.opts == (inspectOptions{}) && !strings.HasSuffix(strings.TrimSpace(out), "width_nm: 20") {
				t.Errorf("the model is not printed last:\n%s", out)
			}
		})
	}
}

func TestInspectJSON(t *testing.T) {
	path := writeInspectFixture(t)
	for _, noModel := range []bool{false, true} {
		var buf bytes.Buffer
		if err := inspectFile(&buf, path, inspectOptions{JSON: true, NoModel: noModel}); err != nil {
			t.Fatal(err)
		}
		var rep struct {
			Path        string
			Kind        string
			Rows        int64
			RowGroups   int `json:"row_groups"`
			Compression []string
			Columns     []struct{ Name, Type, Unit string }
			Metadata    map[string]string
			Model       string
		}
		if err := json.Unmarshal(buf.Bytes(), &rep); err != nil {
			t.Fatalf("%v:\n%s", err, buf.String())
		}
		if rep.Path != path || rep.Kind != "timeseries" || rep.Rows != 10 || rep.RowGroups != 1 ||
			len(rep.Compression) != 1 || rep.Compression[0] != "ZSTD" {
			t.Errorf("unexpected report %+v", rep)
		}
		var names []string
		for _, c := range rep.Columns {
			names = append(names, c.Name+":"+c.Type+":"+c.Unit)
		}
		if got, want := strings.Join(names, " "), "replicate:INT64: t_ms:DOUBLE:ms free_cleft:DOUBLE:molecules open_AMPA:DOUBLE:sites"; got != want {
			t.Errorf("columns = %s, want %s", got, want)
		}
		if rep.Metadata[results.MetaSeed] != "42" {
			t.Errorf("metadata = %v", rep.Metadata)
		}
		if hasModel := rep.Model != ""; hasModel == noModel {
			t.Errorf("no-model=%v but model = %q", noModel, rep.Model)
		}
	}
}

func TestInspectErrors(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "missing.parquet")
	var buf bytes.Buffer
	err := inspectFile(&buf, missing, inspectOptions{})
	if err == nil || !strings.Contains(err.Error(), missing) {
		t.Fatalf("inspectFile(missing) = %v", err)
	}

	cmd := newInspectCmd()
	cmd.SetArgs([]string{writeInspectFixture(t), missing})
	var out, stderr bytes.Buffer
	cmd.SetOut(&out)
	cmd.SetErr(&stderr)
	if err := cmd.Execute(); err == nil {
		t.Fatal("inspect of a missing file succeeded")
	}
	if !strings.Contains(out.String(), "timeseries") || !strings.Contains(stderr.String(), missing) {
		t.Errorf("stdout:\n%s\nstderr:\n%s", out.String(), stderr.String())
	}
}
