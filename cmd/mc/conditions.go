package main

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"github.com/reuptake/reuptake/montecarlo"
	"github.com/reuptake/reuptake/montecarlo/batch"
	"github.com/reuptake/reuptake/montecarlo/modelfile"
	"github.com/reuptake/reuptake/montecarlo/results"
)

// The conditions table, <run>/conditions/conditions.parquet: one row per
// condition with its model hash, its overrides and, for each swept key, a
// typed column holding the key's value (a number in the key's unit), so
// that nobody parses "species.glu.D@0.2um_2_ms":
//
//	SELECT * FROM read_parquet('RUN/timeseries/**/*.parquet', hive_partitioning=true)
//	JOIN read_parquet('RUN/conditions/*.parquet') USING (condition)

// conditionsPath is the file of the conditions table of a run.
func conditionsPath(dir string) string {
	return filepath.Join(dir, results.Conditions.Dir(), "conditions.parquet")
}

var leadingNumber = regexp.MustCompile(`^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?`)

// displayDims are the dimensions tried when the values of a swept key
// are given in different units, with the unit their values are shown in
// and the conversion from the internal unit.
var displayDims = []struct {
	dim  modelfile.Dim
	unit string
	conv func(float64) float64
}{
	{modelfile.Concentration, "uM", montecarlo.ConcToMicroMolar},
	{modelfile.Length, "um", nil},
	{modelfile.Time, "ms", nil},
	{modelfile.Diffusion, "um^2/ms", nil},
	{modelfile.Rate1, "1/ms", nil},
	{modelfile.Frequency, "Hz", nil},
	{modelfile.Voltage, "mV", nil},
	{modelfile.Conductance, "pS", nil},
}

// sweptColumn types the values of one swept key: numbers in one unit
// (DOUBLE), or the text as given (STRING).
func sweptColumn(key string, vals []string) (results.Field, []results.Value) {
	name := strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '.' || r == '-' {
			return r
		}
		return '_'
	}, key)
	col := results.Column{Name: name, Description: "swept value of " + key, Role: results.RoleOther}
	// The same unit text for every value: the number as written.
	nums := make([]float64, len(vals))
	unit, same := "", true
	for i, v := range vals {
		v = strings.TrimSpace(v)
		m := leadingNumber.FindString(v)
		x, err := strconv.ParseFloat(m, 64)
		u := strings.TrimSpace(v[len(m):])
		if m == "" || err != nil || i > 0 && u != unit {
			same = false
			break
		}
		nums[i], unit = x, u
	}
	if same {
		col.Unit = strings.ReplaceAll(unit, "µ", "u")
		out := make([]results.Value, len(vals))
		for i, x := range nums {
			out[i] = results.Double(x)
		}
		return results.Field{Column: col, Type: results.TypeDouble}, out
	}
	// Several units: convert to one, when they are of one dimension.
	for _, d := range displayDims {
		out := make([]results.Value, 0, len(vals))
		for _, v := range vals {
			x, err := modelfile.Quantity(v, d.dim)
			if err != nil {
				break
			}
			if d.conv != nil {
				x = d.conv(x)
				// 12 significant digits: 1 uM, not 1.0000000000000002.
				x, _ = strconv.ParseFloat(strconv.FormatFloat(x, 'g', 12, 64), 64)
			}
			out = append(out, results.Double(x))
		}
		if len(out) == len(vals) {
			col.Unit = d.unit
			return results.Field{Column: col, Type: results.TypeDouble}, out
		}
	}
	out := make([]results.Value, len(vals))
	for i, v := range vals {
		out[i] = results.String(v)
	}
	return results.Field{Column: col, Type: results.TypeString}, out
}

// writeConditions writes the conditions table of plan into dir; sweeps are
// the --sweep flags the plan was built from. A run that already has the
// table keeps it: it was written from the same plan (batch.Prepare checked
// the plan against the run's manifest), and a resume from the run
// directory alone (mc run --resume DIR) no longer has the --sweep flags.
func writeConditions(dir string, plan batch.Plan, sweeps []string) error {
	if _, err := os.Stat(conditionsPath(dir)); err == nil {
		return nil
	}
	names, sets, err := conditions(sweeps)
	if err != nil {
		return err
	}
	if len(names) != len(plan.Conditions) {
		return fmt.Errorf("conditions table: %d conditions, the plan has %d", len(names), len(plan.Conditions))
	}
	fields := []results.Field{
		{Column: results.Column{Name: "condition", Description: "condition name (the Hive partition of the other tables)"}, Type: results.TypeString},
		{Column: results.Column{Name: "model_hash", Description: "sha256 of the model text and overrides"}, Type: results.TypeString},
		{Column: results.Column{Name: "overrides", Description: "the --set and --sweep assignments of the condition, joined by '; '"}, Type: results.TypeString},
	}
	var cols [][]results.Value
	seen := map[string]bool{}
	for _, s := range sweeps {
		key, _, _ := strings.Cut(s, "=")
		key = strings.TrimSpace(key)
		vals := make([]string, len(sets))
		for i, set := range sets {
			for _, a := range set {
				if k, v, _ := strings.Cut(a, "="); k == key {
					vals[i] = v
				}
			}
		}
		f, vs := sweptColumn(key, vals)
		if seen[f.Name] {
			continue
		}
		seen[f.Name] = true
		fields = append(fields, f)
		cols = append(cols, vs)
	}
	w, err := results.CreateFields(conditionsPath(dir), results.Conditions, fields, map[string]string{results.MetaVersion: batch.Version})
	if err != nil {
		return err
	}
	defer w.Abort()
	row := make([]results.Value, len(fields))
	for i, c := range plan.Conditions {
		row[0], row[1], row[2] = results.String(c.Name), results.String(c.Hash()), results.String(strings.Join(c.Overrides, "; "))
		for j := range cols {
			row[3+j] = cols[j][i]
		}
		if err := w.WriteRow(row...); err != nil {
			return err
		}
	}
	return w.Close()
}
