package protocols

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"

	"github.com/parquet-go/parquet-go"
)

// writeAtomic writes data produced by fill to path through a temporary
// file in the same directory, renamed into place.
func writeAtomic(path string, fill func(w io.Writer) error) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	if err := fill(f); err != nil {
		f.Close()
		os.Remove(tmp)
		return err
	}
	if err := f.Close(); err != nil {
		os.Remove(tmp)
		return err
	}
	return os.Rename(tmp, path)
}

func writeParquet[T any](path string, rows []T) error {
	return writeAtomic(path, func(w io.Writer) error {
		pw := parquet.NewGenericWriter[T](w, parquet.KeyValueMetadata("reuptake.kind", "transporter-bench/"+strings.TrimSuffix(filepath.Base(path), ".parquet")))
		if _, err := pw.Write(rows); err != nil {
			return err
		}
		return pw.Close()
	})
}

// Files lists the files Write produces, relative to the output directory.
func (res *Result) Files() []string {
	return []string{"uptake.parquet", "fits.parquet", "jump.parquet", "jump_stats.parquet", "pairs.parquet", "recovery.parquet",
		"synapse.parquet", "comparison.txt", "comparison.md", "comparison.csv", "bench.png"}
}

// Write writes the bench's tables (Parquet, one per protocol), the
// comparison table as text, Markdown and CSV, and the figure into dir,
// every file atomically.
func (res *Result) Write(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for _, w := range []struct {
		name string
		fn   func(string) error
	}{
		{"uptake.parquet", func(p string) error { return writeParquet(p, res.Uptake) }},
		{"fits.parquet", func(p string) error { return writeParquet(p, res.Fits) }},
		{"jump.parquet", func(p string) error { return writeParquet(p, res.Jump) }},
		{"jump_stats.parquet", func(p string) error { return writeParquet(p, res.JumpStats) }},
		{"pairs.parquet", func(p string) error { return writeParquet(p, res.Pairs) }},
		{"recovery.parquet", func(p string) error { return writeParquet(p, res.Recovery) }},
		{"synapse.parquet", func(p string) error { return writeParquet(p, res.Synapse) }},
		{"comparison.txt", func(p string) error { return writeAtomic(p, func(w io.Writer) error { return res.Table(w, "text") }) }},
		{"comparison.md", func(p string) error {
			return writeAtomic(p, func(w io.Writer) error { return res.Table(w, "markdown") })
		}},
		{"comparison.csv", func(p string) error { return writeAtomic(p, func(w io.Writer) error { return res.Table(w, "csv") }) }},
		{"bench.png", func(p string) error { return writeAtomic(p, res.Figure) }},
	} {
		if err := w.fn(filepath.Join(dir, w.name)); err != nil {
			return fmt.Errorf("%s: %w", w.name, err)
		}
	}
	return nil
}

// models lists the models in the order they appear in the result.
func (res *Result) models() []string {
	var out []string
	seen := map[string]bool{}
	add := func(m string) {
		if !seen[m] {
			seen[m] = true
			out = append(out, m)
		}
	}
	for _, f := range res.Fits {
		add(f.Model)
	}
	for _, j := range res.JumpStats {
		add(j.Model)
	}
	for _, r := range res.Recovery {
		add(r.Model)
	}
	for _, s := range res.Synapse {
		add(s.Model)
	}
	return out
}

func num(v float64) string {
	switch {
	case math.IsNaN(v):
		return "–"
	case math.IsInf(v, 0):
		return "∞"
	case v == 0:
		return "0"
	case math.Abs(v) >= 1e4 || math.Abs(v) < 1e-3:
		return fmt.Sprintf("%.3g", v)
	}
	return fmt.Sprintf("%.4g", v)
}

func pm(v, ci float64) string {
	if math.IsNaN(ci) || ci == 0 {
		return num(v)
	}
	return num(v) + " ± " + num(ci)
}

// Table writes the comparison table, one row per model, as "text",
// "markdown" or "csv". Values with ± are means with their 95% t CI
// half-width (fits) or SE (synapse); "exact" columns come from the scheme.
func (res *Result) Table(w io.Writer, format string) error {
	head := []string{"model", "Km (µM)", "Km exact", "Vmax (/s)", "Vmax exact", "Hill",
		"signal", "pulse peak (/s)", "pulse τ (ms)", "step steady (/s)", "recovery τ (ms)", "recovery τ exact",
		"Km_app cocaine 2Ki (µM)", "Km_app exact", "Km(1+I/Ki)",
		"cleft τ (ms)", "taken up 1/5 ms (%)", "buffered 1/5 ms (%)", "escaped 1/5 ms (%)", "peak receptors", "spill 0.5 µm (µM)", "spill 1 µm (µM)"}
	var rows [][]string
	for _, m := range res.models() {
		r := make([]string, len(head))
		for i := range r {
			r[i] = "–"
		}
		r[0] = m
		for _, f := range res.Fits {
			if f.Model != m {
				continue
			}
			if f.Protocol == Uptake {
				r[1], r[2], r[3], r[4], r[5] = pm(f.KmUM, f.KmCI), num(f.KmExact), pm(f.VmaxPerS, f.VmaxCI), num(f.VmaxExact), pm(f.Hill, f.HillCI)
			} else {
				r[12], r[13], r[14] = pm(f.KmUM, f.KmCI), num(f.KmExact), num(f.KmTextbook)
			}
		}
		for _, j := range res.JumpStats {
			if j.Model != m {
				continue
			}
			r[6] = j.Signal
			if j.Kind == "pulse" {
				r[7], r[8] = num(j.Peak)+" ("+num(j.PeakExact)+")", num(j.TauMS)+" ("+num(j.TauExactMS)+")"
			} else {
				r[9] = num(j.Steady)
			}
		}
		for _, rc := range res.Recovery {
			if rc.Model == m {
				r[10], r[11] = num(rc.TauMS), num(rc.TauExactMS)
			}
		}
		for _, s := range res.Synapse {
			if s.Model != m {
				continue
			}
			p := func(a, b float64) string { return num(100*a) + " / " + num(100*b) }
			r[15] = pm(s.DecayTauMS, s.DecayTauSE)
			r[16], r[17], r[18] = p(s.Taken1, s.Taken5), p(s.Buffered1, s.Buffered5), p(s.Escaped1, s.Escaped5)
			r[19], r[20], r[21] = pm(s.PeakOpen, s.PeakOpenSE), pm(s.Spill05, s.Spill05SE), pm(s.Spill1, s.Spill1SE)
		}
		rows = append(rows, r)
	}
	switch format {
	case "csv":
		cw := csv.NewWriter(w)
		cw.Write(head)
		cw.WriteAll(rows)
		return cw.Error()
	case "markdown":
		var b bytes.Buffer
		b.WriteString("| " + strings.Join(head, " | ") + " |\n|")
		for range head {
			b.WriteString("---|")
		}
		b.WriteString("\n")
		for _, r := range rows {
			b.WriteString("| " + strings.Join(r, " | ") + " |\n")
		}
		for _, s := range res.Skipped {
			b.WriteString("\n* " + s)
		}
		if len(res.Skipped) > 0 {
			b.WriteString("\n")
		}
		_, err := w.Write(b.Bytes())
		return err
	case "text":
		// Text: one block per model (the table is too wide for a terminal).
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		for _, r := range rows {
			fmt.Fprintf(tw, "%s\n", r[0])
			for i := 1; i < len(head); i++ {
				if r[i] != "–" {
					fmt.Fprintf(tw, "  %s\t%s\n", head[i], r[i])
				}
			}
		}
		if err := tw.Flush(); err != nil {
			return err
		}
		for _, s := range res.Skipped {
			fmt.Fprintln(w, "skipped: "+s)
		}
		return nil
	}
	return fmt.Errorf("unknown table format %q (text, markdown, csv)", format)
}
