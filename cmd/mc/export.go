package main

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/reuptake/reuptake/montecarlo/results"
)

// tableExportFlags are the flags of mc export.
type tableExportFlags struct {
	table      string
	format     string
	out        string
	conditions []string
}

// newExportTableCmd is mc export RUN_DIR --table T: the parent export
// command itself (see newExportCmd), which also holds the geometry and
// snapshots subcommands.
func newExportTableCmd() *cobra.Command {
	var f tableExportFlags
	c := &cobra.Command{
		Use:   "export RUN_DIR --table TABLE --format csv|parquet -o FILE",
		Short: "Write one table of a run as a single CSV or Parquet file, with a condition column",
		Long: `Export reads every part of one table of a run (timeseries, summary,
events, snapshots or sites) in part order and writes it as one file: CSV
with a header row (for spreadsheets and readers without Parquet), or one
Parquet file (Zstd, the same columns and metadata as the parts). A
condition column, the Hive partition the rows came from, is added last.

Examples:
  mc export out/run --table events --format csv -o events.csv
  mc export out/run --table timeseries --format parquet -o ts.parquet --condition control
  mc export geometry --preset glutamate-ca1 --format vtk -o ca1.vtk
  mc export snapshots out/run --format xyz -o run.xyz`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 {
				return fmt.Errorf("say what to export: mc export RUN_DIR --table T, mc export geometry MODEL, or mc export snapshots RUN_DIR")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			return runExport(cmd.OutOrStdout(), &f, args[0])
		},
	}
	fl := c.Flags()
	fl.StringVar(&f.table, "table", "", "table to export: "+strings.Join(tableNames(), ", "))
	fl.StringVarP(&f.format, "format", "f", "csv", "csv or parquet")
	fl.StringVarP(&f.out, "out", "o", "", "file to write (csv: default stdout; parquet: required)")
	fl.StringArrayVar(&f.conditions, "condition", nil, "export only these conditions (repeatable)")
	return c
}

func tableNames() []string {
	var out []string
	for _, k := range results.Kinds() {
		out = append(out, k.String())
	}
	return out
}

// exportParts lists the part files of a table by condition, in part order.
func exportParts(run string, k results.Kind, conds []string) ([]string, []string, error) {
	dirs, err := filepath.Glob(filepath.Join(run, k.Dir(), "condition=*"))
	if err != nil {
		return nil, nil, err
	}
	sort.Strings(dirs)
	var files, names []string
	for _, d := range dirs {
		c := strings.TrimPrefix(filepath.Base(d), "condition=")
		if len(conds) > 0 && !slices.Contains(conds, c) {
			continue
		}
		ps, _ := filepath.Glob(filepath.Join(d, "part-*.parquet"))
		sort.Strings(ps)
		for _, p := range ps {
			files = append(files, p)
			names = append(names, c)
		}
	}
	return files, names, nil
}

func runExport(stdout io.Writer, f *tableExportFlags, run string) error {
	k, err := results.ParseKind(f.table)
	if err != nil {
		return &exitError{exitUsage, fmt.Errorf("--table %q: want one of %s", f.table, strings.Join(tableNames(), ", "))}
	}
	if f.format != "csv" && f.format != "parquet" {
		return &exitError{exitUsage, fmt.Errorf("--format %q: want csv or parquet", f.format)}
	}
	if f.format == "parquet" && (f.out == "" || f.out == "-") {
		return &exitError{exitUsage, fmt.Errorf("--format parquet needs -o FILE")}
	}
	files, conds, err := exportParts(run, k, f.conditions)
	if err != nil {
		return &exitError{exitFailure, err}
	}
	if len(files) == 0 {
		hint := ""
		switch k {
		case results.Events:
			hint = " (write it with mc run --events)"
		case results.Snapshots, results.Sites:
			hint = " (write it with mc run --snapshots INTERVAL)"
		}
		return &exitError{exitUsage, fmt.Errorf("%s has no %s table%s", run, k, hint)}
	}
	if f.format == "parquet" {
		return exportParquet(f.out, k, files, conds)
	}
	return exportCSV(stdout, f.out, files, conds)
}

// exportParquet concatenates the parts into one file (temporary file
// renamed into place by results.Writer).
func exportParquet(path string, k results.Kind, files, conds []string) error {
	var w *results.Writer
	defer func() { w.Abort() }()
	var row []results.Value
	for i, p := range files {
		f, err := results.Open(p)
		if err != nil {
			return &exitError{exitFailure, err}
		}
		if w == nil {
			fields := append(f.Fields(), results.Field{Column: results.Column{Name: "condition", Description: "condition (Hive partition) the row came from"}, Type: results.TypeString})
			meta := f.Meta()
			delete(meta, results.MetaReplicates)
			delete(meta, results.MetaCondition)
			delete(meta, results.MetaTask)
			if w, err = results.CreateFields(path, k, fields, meta); err != nil {
				f.Close()
				return &exitError{exitFailure, err}
			}
		}
		cond := conds[i]
		err = f.ScanRows(func(v []results.Value) error {
			row = append(append(row[:0], v...), results.String(cond))
			return w.WriteRow(row...)
		})
		f.Close()
		if err != nil {
			return &exitError{exitFailure, err}
		}
	}
	if err := w.Close(); err != nil {
		return &exitError{exitFailure, err}
	}
	return nil
}

// exportCSV writes the parts as CSV, to a temporary file renamed into
// place (or to stdout).
func exportCSV(stdout io.Writer, path string, files, conds []string) error {
	var out io.Writer = stdout
	var tmp *os.File
	if path != "" && path != "-" {
		var err error
		if tmp, err = os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp"); err != nil {
			return &exitError{exitFailure, err}
		}
		defer os.Remove(tmp.Name())
		defer tmp.Close()
		out = tmp
	}
	bw := bufio.NewWriterSize(out, 1<<20)
	cw := csv.NewWriter(bw)
	var rec []string
	for i, p := range files {
		f, err := results.Open(p)
		if err != nil {
			return &exitError{exitFailure, err}
		}
		if i == 0 {
			var head []string
			for _, fd := range f.Fields() {
				head = append(head, fd.Name)
			}
			if err := cw.Write(append(head, "condition")); err != nil {
				f.Close()
				return &exitError{exitFailure, err}
			}
		}
		types := f.Fields()
		err = f.ScanRows(func(v []results.Value) error {
			rec = rec[:0]
			for j, x := range v {
				switch types[j].Type {
				case results.TypeDouble:
					rec = append(rec, strconv.FormatFloat(x.Float64(), 'g', -1, 64))
				case results.TypeInt64:
					rec = append(rec, strconv.FormatInt(x.Int64(), 10))
				default:
					rec = append(rec, x.Str())
				}
			}
			return cw.Write(append(rec, conds[i]))
		})
		f.Close()
		if err != nil {
			return &exitError{exitFailure, err}
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return &exitError{exitFailure, err}
	}
	if err := bw.Flush(); err != nil {
		return &exitError{exitFailure, err}
	}
	if tmp != nil {
		if err := tmp.Sync(); err != nil {
			return &exitError{exitFailure, err}
		}
		if err := tmp.Close(); err != nil {
			return &exitError{exitFailure, err}
		}
		if err := os.Rename(tmp.Name(), path); err != nil {
			return &exitError{exitFailure, err}
		}
	}
	return nil
}
