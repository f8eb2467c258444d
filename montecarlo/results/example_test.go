package results_test

import (
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/reuptake/reuptake/montecarlo/results"
)

func ExampleCreate() {
	runDir, err := os.MkdirTemp("", "run")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(runDir)

	path := results.PartPath(runDir, results.Timeseries, "control", 0)
	cols := []results.Column{
		{Name: "free_cleft", Unit: "count", Description: "free transmitter molecules in the cleft"},
		{Name: "open_AMPA", Unit: "count", Description: "open AMPA receptors"},
	}
	meta := map[string]string{
		results.MetaSeed:       "42",
		results.MetaReplicates: "0-1",
		results.MetaCondition:  "control",
	}
	w, err := results.Create(path, results.Timeseries, cols, meta)
	if err != nil {
		log.Fatal(err)
	}
	defer w.Abort() // removes the temporary file unless Close succeeded
	for rep := int64(0); rep < 2; rep++ {
		for step := 0; step < 3; step++ {
			t := float64(step) * 0.1
			if err := w.Write(rep, t, []float64{float64(5000 - 100*step), float64(step)}); err != nil {
				log.Fatal(err)
			}
		}
	}
	if err := w.Close(); err != nil {
		log.Fatal(err)
	}
	rel, _ := filepath.Rel(runDir, path)
	fmt.Println(filepath.ToSlash(rel), w.Rows(), "rows")
	// Output: timeseries/condition=control/part-00000.parquet 6 rows
}

func ExampleOpen() {
	dir, err := os.MkdirTemp("", "results")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "summary.parquet")
	cols := []results.Column{{Name: "peak_free", Unit: "count"}, {Name: "t_peak_ms", Unit: "ms"}}
	w, err := results.Create(path, results.Summary, cols, map[string]string{results.MetaSeed: "7"})
	if err != nil {
		log.Fatal(err)
	}
	for rep := int64(0); rep < 3; rep++ {
		if err := w.Write(rep, 0, []float64{4000 + float64(rep), 0.05}); err != nil {
			log.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		log.Fatal(err)
	}

	f, err := results.Open(path)
	if err != nil {
		log.Fatal(err)
	}
	defer f.Close()
	seed, _ := f.Lookup(results.MetaSeed)
	fmt.Println(f.Kind, f.NumRows(), "rows, seed", seed)
	for _, c := range f.Columns() {
		fmt.Printf("%s [%s]\n", c.Name, c.Unit)
	}
	// values is reused between calls: copy what must outlive the callback.
	err = f.Scan(func(rep int64, _ float64, values []float64) error {
		fmt.Println(rep, values)
		return nil
	})
	if err != nil {
		log.Fatal(err)
	}
	// Output:
	// summary 3 rows, seed 7
	// peak_free [count]
	// t_peak_ms [ms]
	// 0 [4000 0.05]
	// 1 [4001 0.05]
	// 2 [4002 0.05]
}

// An events table has a fixed schema (Kind.Fields); rows are written with
// WriteRow and read back with ScanRows.
func ExampleCreateFields() {
	dir, err := os.MkdirTemp("", "run")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	path := results.PartPath(dir, results.Events, "control", 0)
	w, err := results.CreateFields(path, results.Events, results.Events.Fields(), nil)
	if err != nil {
		log.Fatal(err)
	}
	defer w.Abort()
	err = w.WriteRow(results.Int(0), results.Double(0.25), results.String("bind"), results.String("glu"),
		results.String("glt1"), results.Int(17), results.String("To"), results.String("ToS"), results.Int(42),
		results.Double(0.2), results.Double(-0.1), results.Double(0.01), results.String("perisynaptic"))
	if err != nil {
		log.Fatal(err)
	}
	if err := w.Close(); err != nil {
		log.Fatal(err)
	}
	f, err := results.Open(path)
	if err != nil {
		log.Fatal(err)
	}
	defer f.Close()
	f.ScanRows(func(row []results.Value) error {
		fmt.Println(f.Kind, row[1], row[2], "molecule", row[8], "at site", row[5], row[6], "→", row[7])
		return nil
	})
	// Output: events 0.25 bind molecule 42 at site 17 To → ToS
}
