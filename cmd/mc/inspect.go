package main

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/reuptake/reuptake/montecarlo/results"
)

// inspectOptions are the flags of mc inspect.
type inspectOptions struct {
	JSON    bool // print a JSON object per file
	NoModel bool // leave out the model YAML
}

func newInspectCmd() *cobra.Command {
	var opts inspectOptions
	c := &cobra.Command{
		Use:   "inspect FILE...",
		Short: "Show the kind, rows, schema and metadata of result Parquet files",
		Long: `Show, for each results Parquet file, its kind (timeseries or summary), row and
row-group counts, compression, schema (column, type, unit, description) and
key-value metadata, with the model YAML last. With --json each file is printed
as one JSON object (one after the other for several files).`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			out := cmd.OutOrStdout()
			failed := 0
			for i, path := range args {
				if i > 0 && !opts.JSON {
					fmt.Fprintln(out)
				}
				if err := inspectFile(out, path, opts); err != nil {
					fmt.Fprintln(cmd.ErrOrStderr(), "mc inspect:", err)
					failed++
				}
			}
			if failed > 0 {
				return &exitError{exitFailure, fmt.Errorf("inspect: %d of %d files could not be read", failed, len(args))}
			}
			return nil
		},
	}
	c.Flags().BoolVar(&opts.JSON, "json", false, "print a JSON object per file")
	c.Flags().BoolVar(&opts.NoModel, "no-model", false, "do not print the model YAML ("+results.MetaModel+")")
	return c
}

// inspectReport is the JSON form of mc inspect.
type inspectReport struct {
	Path        string            `json:"path"`
	Kind        string            `json:"kind"`
	Rows        int64             `json:"rows"`
	RowGroups   int               `json:"row_groups"`
	SizeBytes   int64             `json:"size_bytes"`
	Compression []string          `json:"compression"`
	Columns     []results.Field   `json:"columns"`
	Metadata    map[string]string `json:"metadata"`
	Model       string            `json:"model,omitempty"`
}

// inspectFile prints the description of one results file to w.
func inspectFile(w io.Writer, path string, opts inspectOptions) error {
	f, err := results.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()

	// The columns metadata is shown as the schema; the model comes last.
	meta := f.Meta()
	model, hasModel := meta[results.MetaModel]
	delete(meta, results.MetaModel)
	delete(meta, results.MetaColumns)
	if opts.NoModel {
		model, hasModel = "", false
	}
	codecs := f.Codecs()
	if codecs == nil {
		codecs = []string{}
	}

	if opts.JSON {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(inspectReport{
			Path:        path,
			Kind:        f.Kind.String(),
			Rows:        f.NumRows(),
			RowGroups:   f.NumRowGroups(),
			SizeBytes:   f.Size(),
			Compression: codecs,
			Columns:     f.Fields(),
			Metadata:    meta,
			Model:       model,
		})
	}

	compression := strings.Join(codecs, ", ")
	if compression == "" {
		compression = "-"
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "%s\n", path)
	fmt.Fprintf(tw, "  kind\t%s\n", f.Kind)
	fmt.Fprintf(tw, "  rows\t%d\n", f.NumRows())
	fmt.Fprintf(tw, "  row groups\t%d\n", f.NumRowGroups())
	fmt.Fprintf(tw, "  size\t%s\n", formatSize(f.Size()))
	fmt.Fprintf(tw, "  compression\t%s\n", compression)
	if err := tw.Flush(); err != nil {
		return err
	}

	fmt.Fprintln(w, "  schema:")
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "    COLUMN\tTYPE\tUNIT\tDESCRIPTION")
	for _, fd := range f.Fields() {
		typ := fd.Type
		if fd.Optional {
			typ += " (nullable)"
		}
		fmt.Fprintf(tw, "    %s\t%s\t%s", fd.Name, typ, dash(fd.Unit))
		if fd.Description != "" {
			fmt.Fprintf(tw, "\t%s", fd.Description)
		}
		fmt.Fprintln(tw)
	}
	if err := tw.Flush(); err != nil {
		return err
	}

	fmt.Fprintln(w, "  metadata:")
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, k := range slices.Sorted(maps.Keys(meta)) {
		fmt.Fprintf(tw, "    %s\t%s\n", k, printable(meta[k]))
	}
	if len(meta) == 0 {
		fmt.Fprintln(tw, "    (none)")
	}
	if err := tw.Flush(); err != nil {
		return err
	}

	if hasModel {
		fmt.Fprintf(w, "  model (%s):\n", results.MetaModel)
		for line := range strings.Lines(strings.TrimRight(model, "\n")) {
			fmt.Fprintf(w, "    %s", line)
		}
		_, err := fmt.Fprintln(w)
		return err
	}
	return nil
}

// dash returns s, or "-" when s is empty.
func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// printable quotes a metadata value that holds newlines or other control
// characters, so that each value stays on one line.
func printable(s string) string {
	for _, r := range s {
		if r < ' ' || r == 0x7f {
			return strconv.Quote(s)
		}
	}
	return s
}

// formatSize prints a byte count in binary units, with the exact count.
func formatSize(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	v, u := float64(n), ""
	for _, s := range []string{"KiB", "MiB", "GiB", "TiB"} {
		v /= unit
		u = s
		if v < unit {
			break
		}
	}
	return fmt.Sprintf("%.1f %s (%d bytes)", v, u, n)
}
