package analysis

import (
	"errors"
	"strings"
	"testing"

	"github.com/reuptake/reuptake/montecarlo/results"
)

// writeEvents writes an events file of condition c with the given rows
// (replicate, t, kind, site, from, to, molecule, x).
func writeEvents(t *testing.T, dir, c string, rows [][]any) {
	t.Helper()
	meta := map[string]string{results.MetaCondition: c, results.MetaDuration: "2",
		results.MetaExitRates: `{"tr":{"A":4,"B":0}}`}
	w, err := results.CreateFields(results.PartPath(dir, results.Events, c, 0), results.Events, results.Events.Fields(), meta)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Abort()
	for _, r := range rows {
		site := r[3].(int)
		st := "tr"
		if site < 0 {
			st = ""
		}
		if err := w.WriteRow(results.Int(int64(r[0].(int))), results.Double(r[1].(float64)), results.String(r[2].(string)),
			results.String("glu"), results.String(st), results.Int(int64(site)), results.String(r[4].(string)), results.String(r[5].(string)),
			results.Int(int64(r[6].(int))), results.Double(r[7].(float64)), results.Double(0), results.Double(0), results.String("cleft")); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
}

// TestEventTables computes every event table from a hand-made events file
// whose answers are known.
func TestEventTables(t *testing.T) {
	dir := t.TempDir()
	writeEvents(t, dir, "c", [][]any{
		// replicate 0: molecules 1 and 2 released at 0 from x = 0; 1 binds
		// site 0 at 0.5 (A → B), is taken up at 1.5 (B → A) at x = 3;
		// 2 escapes at 1 (x = 4).
		{0, 0.0, "release", -1, "", "", 1, 0.0},
		{0, 0.0, "release", -1, "", "", 2, 0.0},
		{0, 0.5, "bind", 0, "A", "B", 1, 1.0},
		{0, 1.0, "escape", -1, "", "", 2, 4.0},
		{0, 1.5, "transport", 0, "B", "A", 1, 3.0},
		// replicate 1: molecule 7 released at 0.25, binds at 0.75, never
		// taken up (B still held at the end: censored).
		{1, 0.25, "release", -1, "", "", 7, 0.0},
		{1, 0.75, "bind", 0, "A", "B", 7, 2.0},
	})
	tabs, err := EventTables([]string{"fpt", "dwell", "reactions", "survival"}, nil, dir)
	if err != nil {
		t.Fatal(err)
	}
	cell := func(tab *Table, match func([]string) bool, col string) string {
		j := -1
		for i, h := range tab.Header {
			if h == col {
				j = i
			}
		}
		for _, r := range tab.Rows {
			if match(r) {
				return r[j]
			}
		}
		t.Fatalf("%s: no row", tab.Title)
		return ""
	}
	is := func(v string) func([]string) bool {
		return func(r []string) bool { return strings.HasPrefix(r[1], v) || len(r) > 2 && r[2] == v }
	}
	fpt, dwell, reac := tabs[0].Table, tabs[1].Table, tabs[2].Table
	for _, c := range []struct {
		tab        *Table
		row        func([]string) bool
		col, value string
	}{
		{fpt, is("release to first bind"), "reached", "2"},
		{fpt, is("release to first bind"), "mean", "0.5"},   // 0.5 and 0.5
		{fpt, is("release to first uptake"), "mean", "1.5"}, // one molecule
		{fpt, is("release to first escape"), "fraction", "0.333333"},
		{fpt, is("uptake distance"), "mean", "3"},
		{dwell, is("A"), "dwells", "2"}, // 0 → 0.5 (replicate 0), 0 → 0.75 (replicate 1)
		{dwell, is("A"), "mean", "0.625"},
		{dwell, is("A"), "censored", "1"}, // from 1.5 to the end of replicate 0
		{dwell, is("A"), "1/k_out", "0.25"},
		{dwell, is("B"), "dwells", "1"},
		{dwell, is("B"), "mean", "1"},
		{dwell, is("B"), "censored", "1"},
		{reac, func(r []string) bool { return r[4] == "bind" }, "count_mean", "1"},
		{reac, func(r []string) bool { return r[4] == "transport" }, "count_mean", "0.5"},
		{reac, func(r []string) bool { return r[4] == "transport" }, "rate_per_ms", "0.25"},
	} {
		if got := cell(c.tab, c.row, c.col); got != c.value {
			t.Errorf("%s: %s = %s, want %s", c.tab.Title, c.col, got, c.value)
		}
	}
	if _, err := EventTables([]string{"fpt"}, nil, t.TempDir()); !errors.Is(err, ErrNoEvents) || !strings.Contains(err.Error(), "--events") {
		t.Errorf("no events: %v", err)
	}
	if _, err := EventTables([]string{"nope"}, nil, dir); err == nil {
		t.Error("unknown table accepted")
	}
}

// TestResolveSkipsPerMoleculeTables: a glob over a whole run gives its
// timeseries and summary files, not its events.
func TestResolveSkipsPerMoleculeTables(t *testing.T) {
	dir := t.TempDir()
	writeEvents(t, dir, "c", [][]any{{0, 0.0, "release", -1, "", "", 1, 0.0}})
	ts := results.PartPath(dir, results.Timeseries, "c", 0)
	w, err := results.Create(ts, results.Timeseries, []results.Column{{Name: "free_total"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	srcs, err := Resolve(dir + "/**/*.parquet")
	if err != nil || len(srcs) != 1 || srcs[0].Path != ts {
		t.Fatalf("Resolve = %v, %v; want only %s", srcs, err, ts)
	}
}
