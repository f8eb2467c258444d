package batch

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/reuptake/reuptake/montecarlo/modelfile"
	"github.com/reuptake/reuptake/montecarlo/results"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// TestDefaultPresetSchemaGolden pins the Parquet schema (column names,
// types and units, in order) of a run of the default preset. A change to
// the observables or the writer shows up here as a diff; if intended,
// regenerate with: go test ./montecarlo/batch -run Golden -update
func TestDefaultPresetSchemaGolden(t *testing.T) {
	data, err := modelfile.Preset(modelfile.DefaultPreset)
	if err != nil {
		t.Fatal(err)
	}
	over := []string{"run.duration=0.02 ms"}
	m, err := modelfile.LoadBytes("preset", data, over...)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	p := Plan{Conditions: []Condition{{Name: "base", Model: m, Source: string(data), Overrides: over}}, Replicates: 1, Seed: 1, Chunk: 1}
	if err := Run(context.Background(), dir, p, Options{Tasks: 1, Workers: 1}); err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, kind := range []results.Kind{results.Timeseries, results.Summary} {
		f, err := results.Open(results.PartPath(dir, kind, "base", 0))
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "# %s\n", kind)
		for _, fd := range f.Fields() {
			fmt.Fprintf(&b, "%-32s %-7s %s\n", fd.Name, fd.Type, fd.Unit)
		}
		fmt.Fprintf(&b, "codecs: %s\n", strings.Join(f.Codecs(), ","))
		f.Close()
	}
	got := b.String()
	path := filepath.Join("testdata", "default_preset_schema.golden")
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (create it with -update)", err)
	}
	if got != string(want) {
		t.Errorf("schema of the default preset changed; if intended, run go test ./montecarlo/batch -run Golden -update\ngot:\n%s\nwant:\n%s", got, want)
	}
}
