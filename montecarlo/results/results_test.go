package results

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/parquet-go/parquet-go/format"
)

// row is one row of a test table.
type row struct {
	rep    int64
	t      float64
	values []float64
}

// makeRows returns n deterministic rows with width values each, including
// special values.
func makeRows(kind Kind, n, width int) []row {
	special := []float64{0, math.Copysign(0, -1), math.NaN(), math.Inf(1), math.Inf(-1), math.MaxFloat64, math.SmallestNonzeroFloat64, -1.5}
	rows := make([]row, n)
	for i := range rows {
		r := row{rep: int64(i / 100), values: make([]float64, width)}
		if kind == Timeseries {
			r.t = float64(i%100) * 0.025
		} else {
			r.rep = int64(i) - 3
		}
		for j := range r.values {
			if (i+j)%97 == 0 {
				r.values[j] = special[(i+j)%len(special)]
			} else {
				r.values[j] = float64(i)*1.5 + float64(j)/7
			}
		}
		rows[i] = r
	}
	return rows
}

// writeFile writes rows to path and returns the path.
func writeFile(t testing.TB, path string, kind Kind, cols []Column, meta map[string]string, rows []row) string {
	t.Helper()
	w, err := Create(path, kind, cols, meta)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Abort()
	for _, r := range rows {
		if err := w.Write(r.rep, r.t, r.values); err != nil {
			t.Fatal(err)
		}
	}
	if got := w.Rows(); got != int64(len(rows)) {
		t.Fatalf("Rows() = %d, want %d", got, len(rows))
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

func sameFloat(a, b float64) bool { return math.Float64bits(a) == math.Float64bits(b) }

func TestRoundTrip(t *testing.T) {
	cols3 := []Column{
		{Name: "free_cleft", Unit: "count", Description: "free transmitter in the cleft"},
		{Name: "conc_cleft_uM", Unit: "uM"},
		{Name: "open_AMPA"},
	}
	meta := map[string]string{
		MetaVersion:    "v0.1.0",
		MetaCommit:     "abc123",
		MetaModel:      "name: test\ncleft:\n  width_nm: 20\n",
		MetaModelHash:  "sha256:00ff",
		MetaSeed:       "42",
		MetaReplicates: "0-63",
		MetaTask:       "3",
		MetaCondition:  "control",
		MetaCreated:    "2026-01-02T03:04:05Z",
		"custom.key":   "value with ünïcode",
	}
	tests := []struct {
		name  string
		kind  Kind
		cols  []Column
		nrows int
		meta  map[string]string
	}{
		{"timeseries/several row groups", Timeseries, cols3, 2*RowGroupRows + 1234, meta},
		{"timeseries/one row", Timeseries, cols3, 1, meta},
		{"timeseries/no rows", Timeseries, cols3, 0, meta},
		{"timeseries/no value columns", Timeseries, nil, 500, nil},
		{"summary", Summary, cols3[:2], 777, meta},
		{"summary/no rows no meta", Summary, cols3[:1], 0, nil},
		{"summary/batch boundary", Summary, cols3, rowBatch * 3, meta},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rows := makeRows(tc.kind, tc.nrows, len(tc.cols))
			path := writeFile(t, filepath.Join(t.TempDir(), "a", "b", "part-00000.parquet"), tc.kind, tc.cols, tc.meta, rows)

			f, err := Open(path)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			if f.Kind != tc.kind {
				t.Errorf("Kind = %v, want %v", f.Kind, tc.kind)
			}
			if f.NumRows() != int64(tc.nrows) {
				t.Errorf("NumRows = %d, want %d", f.NumRows(), tc.nrows)
			}
			if want := (tc.nrows + RowGroupRows - 1) / RowGroupRows; f.NumRowGroups() != want {
				t.Errorf("NumRowGroups = %d, want %d", f.NumRowGroups(), want)
			}
			wantCols := tc.cols
			if wantCols == nil {
				wantCols = []Column{}
			}
			if !reflect.DeepEqual(f.Columns(), wantCols) {
				t.Errorf("Columns = %+v, want %+v", f.Columns(), wantCols)
			}
			wantMeta := map[string]string{}
			for k, v := range tc.meta {
				wantMeta[k] = v
			}
			wantMeta[MetaKind] = tc.kind.String()
			wantMeta[MetaColumns] = encodeColumns(tc.cols)
			if got := f.Meta(); !reflect.DeepEqual(got, wantMeta) {
				t.Errorf("Meta = %v, want %v", got, wantMeta)
			}

			i := 0
			err = f.Scan(func(rep int64, tMS float64, values []float64) error {
				if i >= len(rows) {
					return fmt.Errorf("extra row %d", i)
				}
				want := rows[i]
				if rep != want.rep || !sameFloat(tMS, want.t) || len(values) != len(want.values) {
					return fmt.Errorf("row %d = (%d, %v, %v), want (%d, %v, %v)", i, rep, tMS, values, want.rep, want.t, want.values)
				}
				for j := range values {
					if !sameFloat(values[j], want.values[j]) {
						return fmt.Errorf("row %d column %d = %v, want %v", i, j, values[j], want.values[j])
					}
				}
				i++
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if i != len(rows) {
				t.Fatalf("scanned %d rows, want %d", i, len(rows))
			}
		})
	}
}

func TestScanStopsOnCallbackError(t *testing.T) {
	path := writeFile(t, filepath.Join(t.TempDir(), "x.parquet"), Summary, []Column{{Name: "a"}}, nil, makeRows(Summary, 5000, 1))
	f, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	stop := errors.New("stop")
	n := 0
	err = f.Scan(func(int64, float64, []float64) error {
		n++
		if n == 10 {
			return stop
		}
		return nil
	})
	if err != stop || n != 10 {
		t.Fatalf("Scan = %v after %d rows, want stop after 10", err, n)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); !errors.Is(err, ErrClosed) {
		t.Fatalf("second Close = %v, want ErrClosed", err)
	}
}

// dirEntries lists the names in dir.
func dirEntries(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

func TestAtomicity(t *testing.T) {
	cols := []Column{{Name: "v"}}
	tests := []struct {
		name      string
		finish    func(*Writer) error
		wantFinal bool
	}{
		{"close", (*Writer).Close, true},
		{"abort", func(w *Writer) error { w.Abort(); return nil }, false},
		{"abort twice", func(w *Writer) error { w.Abort(); w.Abort(); return nil }, false},
		{"close then abort", func(w *Writer) error { err := w.Close(); w.Abort(); return err }, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "timeseries", "condition=c")
			path := filepath.Join(dir, "part-00000.parquet")
			w, err := Create(path, Timeseries, cols, nil)
			if err != nil {
				t.Fatal(err)
			}
			for i := range 1000 {
				if err := w.Write(0, float64(i), []float64{1}); err != nil {
					t.Fatal(err)
				}
			}
			names := dirEntries(t, dir)
			if len(names) != 1 || !strings.HasPrefix(names[0], ".part-00000.parquet.tmp-") {
				t.Fatalf("before Close the directory holds %q, want one temporary file", names)
			}
			if _, err := os.Stat(path); !os.IsNotExist(err) {
				t.Fatalf("final file exists before Close: %v", err)
			}
			if err := tc.finish(w); err != nil {
				t.Fatal(err)
			}
			names = dirEntries(t, dir)
			if tc.wantFinal {
				if !slices.Equal(names, []string{"part-00000.parquet"}) {
					t.Fatalf("after Close the directory holds %q", names)
				}
				if _, err := Open(path); err != nil {
					t.Fatal(err)
				}
			} else if len(names) != 0 {
				t.Fatalf("after Abort the directory holds %q", names)
			}
			if err := w.Write(0, 0, []float64{1}); !errors.Is(err, ErrClosed) {
				t.Errorf("Write after finish = %v, want ErrClosed", err)
			}
			if err := w.Close(); !errors.Is(err, ErrClosed) {
				t.Errorf("Close after finish = %v, want ErrClosed", err)
			}
		})
	}
}

func TestCloseReplacesExisting(t *testing.T) {
	path := filepath.Join(t.TempDir(), "p.parquet")
	writeFile(t, path, Summary, []Column{{Name: "a"}}, nil, makeRows(Summary, 3, 1))
	writeFile(t, path, Summary, []Column{{Name: "a"}}, nil, makeRows(Summary, 7, 1))
	f, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if f.NumRows() != 7 {
		t.Fatalf("NumRows = %d, want 7", f.NumRows())
	}
}

func TestCreateErrors(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name string
		kind Kind
		cols []Column
	}{
		{"invalid kind", Kind(0), nil},
		{"empty name", Timeseries, []Column{{Name: ""}}},
		{"reserved replicate", Summary, []Column{{Name: "replicate"}}},
		{"reserved t_ms", Timeseries, []Column{{Name: "t_ms"}}},
		{"duplicate", Summary, []Column{{Name: "a"}, {Name: "a"}}},
		{"space", Summary, []Column{{Name: "a b"}}},
		{"slash", Summary, []Column{{Name: "a/b"}}},
		{"leading dot", Summary, []Column{{Name: ".a"}}},
		{"non-ASCII", Summary, []Column{{Name: "µ"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w, err := Create(filepath.Join(dir, "x.parquet"), tc.kind, tc.cols, nil)
			if err == nil {
				w.Abort()
				t.Fatal("Create succeeded")
			}
		})
	}
	if names := dirEntries(t, dir); len(names) != 0 {
		t.Fatalf("failed Creates left %q", names)
	}

	w, err := Create(filepath.Join(dir, "y.parquet"), Summary, []Column{{Name: "a"}, {Name: "b"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Abort()
	if err := w.Write(0, 0, []float64{1}); err == nil {
		t.Fatal("Write with too few values succeeded")
	}
	if err := w.Write(0, 0, []float64{1, 2, 3}); err == nil {
		t.Fatal("Write with too many values succeeded")
	}
	if err := w.Write(0, 0, []float64{1, 2}); err != nil {
		t.Fatalf("Write after a length error: %v", err)
	}
}

func TestCorruptFiles(t *testing.T) {
	dir := t.TempDir()
	good := writeFile(t, filepath.Join(dir, "good.parquet"), Timeseries, []Column{{Name: "a"}, {Name: "b"}}, map[string]string{MetaSeed: "1"}, makeRows(Timeseries, 5000, 2))
	data, err := os.ReadFile(good)
	if err != nil {
		t.Fatal(err)
	}
	flip := func(off int) []byte {
		b := bytes.Clone(data)
		b[off] ^= 0xff
		return b
	}
	footerLen := int(binary.LittleEndian.Uint32(data[len(data)-8:]))
	garble := func(off int) []byte {
		b := bytes.Clone(data)
		for i := off; i < off+64; i++ {
			b[i] = 0xff
		}
		return b
	}
	tests := []struct {
		name string
		data []byte
	}{
		{"empty", nil},
		{"magic only", []byte("PAR1")},
		{"text", []byte("this is not a parquet file at all, just some text")},
		{"truncated to 11 bytes", data[:11]},
		{"truncated by half", data[:len(data)/2]},
		{"truncated by 1 byte", data[:len(data)-1]},
		{"truncated by 8 bytes", data[:len(data)-8]},
		{"footer length too big", append(bytes.Clone(data[:len(data)-8]), 0xff, 0xff, 0xff, 0x7f, 'P', 'A', 'R', '1')},
		{"corrupt page data", flip(len(data) / 4)},
		{"corrupt first page", flip(40)},
		{"garbled footer", garble(len(data) - 8 - footerLen)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(dir, strings.ReplaceAll(tc.name, " ", "_")+".parquet")
			if err := os.WriteFile(path, tc.data, 0o644); err != nil {
				t.Fatal(err)
			}
			f, err := Open(path)
			if err == nil {
				err = f.Scan(func(int64, float64, []float64) error { return nil })
				f.Close()
			}
			if err == nil {
				t.Fatal("no error")
			}
			if !strings.Contains(err.Error(), path) {
				t.Fatalf("error %q does not name the file", err)
			}
		})
	}
	t.Run("missing", func(t *testing.T) {
		path := filepath.Join(dir, "missing.parquet")
		_, err := Open(path)
		if !errors.Is(err, os.ErrNotExist) || !strings.Contains(err.Error(), path) {
			t.Fatalf("Open of a missing file = %v", err)
		}
	})
}

func TestSchemaAndCodec(t *testing.T) {
	cols := []Column{{Name: "zeta"}, {Name: "alpha", Unit: "uM"}, {Name: "mid"}}
	path := writeFile(t, filepath.Join(t.TempDir(), "s.parquet"), Timeseries, cols, nil, makeRows(Timeseries, RowGroupRows+10, 3))
	f, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()

	var names, types []string
	for _, fd := range f.Fields() {
		names = append(names, fd.Name)
		types = append(types, fd.Type)
	}
	if want := []string{"replicate", "t_ms", "zeta", "alpha", "mid"}; !slices.Equal(names, want) {
		t.Errorf("columns = %q, want %q", names, want)
	}
	if want := []string{"INT64", "DOUBLE", "DOUBLE", "DOUBLE", "DOUBLE"}; !slices.Equal(types, want) {
		t.Errorf("types = %q, want %q", types, want)
	}
	if fd := f.Fields()[3]; fd.Unit != "uM" {
		t.Errorf("unit of alpha = %q", fd.Unit)
	}
	if s := f.Schema(); strings.Index(s, "zeta") > strings.Index(s, "alpha") {
		t.Errorf("printed schema is not in column order:\n%s", s)
	}
	if got := f.Codecs(); !slices.Equal(got, []string{"ZSTD"}) {
		t.Errorf("Codecs = %q", got)
	}

	md := f.Parquet().Metadata()
	if len(md.RowGroups) != 2 {
		t.Fatalf("%d row groups, want 2", len(md.RowGroups))
	}
	for g, rg := range md.RowGroups {
		for c, cc := range rg.Columns {
			m := cc.MetaData
			if m.Codec != format.Zstd {
				t.Errorf("row group %d column %d: codec %v, want ZSTD", g, c, m.Codec)
			}
			if want := names[c]; !slices.Equal(m.PathInSchema, []string{want}) {
				t.Errorf("row group %d column %d: path %q, want %q", g, c, m.PathInSchema, want)
			}
			for _, e := range m.Encoding {
				if e != format.Plain && e != format.RLE {
					t.Errorf("row group %d column %d: unexpected encoding %v", g, c, e)
				}
			}
			if len(m.Statistics.MinValue) == 0 || len(m.Statistics.MaxValue) == 0 {
				t.Errorf("row group %d column %d: no min/max statistics", g, c)
			}
		}
	}
	if len(f.Parquet().ColumnIndexes()) == 0 {
		t.Error("no column (page) indexes")
	}
}

func TestLayout(t *testing.T) {
	run := filepath.Join("out", "run1")
	tests := []struct {
		kind  Kind
		cond  string
		chunk int
		want  string
	}{
		{Timeseries, "control", 3, "out/run1/timeseries/condition=control/part-00003.parquet"},
		{Summary, "cocaine_1.5uM", 0, "out/run1/summary/condition=cocaine_1.5uM/part-00000.parquet"},
		{Summary, "a@b-c", 123456, "out/run1/summary/condition=a@b-c/part-123456.parquet"},
	}
	for _, tc := range tests {
		if got := PartPath(run, tc.kind, tc.cond, tc.chunk); got != filepath.FromSlash(tc.want) {
			t.Errorf("PartPath(%v, %q, %d) = %q, want %q", tc.kind, tc.cond, tc.chunk, got, tc.want)
		}
		if got := ConditionDir(run, tc.kind, tc.cond); got != filepath.Dir(filepath.FromSlash(tc.want)) {
			t.Errorf("ConditionDir(%v, %q) = %q", tc.kind, tc.cond, got)
		}
	}
	for _, name := range []string{"", ".", "..", ".hidden", "-x", "a/b", `a\b`, "a b", "ü", "a=b", "a+b", strings.Repeat("x", 129)} {
		if ValidCondition(name) == nil {
			t.Errorf("ValidCondition(%q) = nil, want error", name)
		}
	}
	for _, name := range []string{"control", "A1", "drug@cocaine", "a@1uM,b@2", "x_1.5-uM", "0"} {
		if err := ValidCondition(name); err != nil {
			t.Errorf("ValidCondition(%q) = %v", name, err)
		}
	}
	for _, fn := range []func(){
		func() { PartPath(run, Timeseries, "../x", 0) },
		func() { PartPath(run, Timeseries, "x", -1) },
		func() { ConditionDir(run, Kind(9), "x") },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Error("no panic on invalid input")
				}
			}()
			fn()
		}()
	}
}

func TestKind(t *testing.T) {
	for _, k := range Kinds() {
		got, err := ParseKind(k.String())
		if err != nil || got != k {
			t.Errorf("ParseKind(%q) = %v, %v", k.String(), got, err)
		}
		if k.Numeric() != (k.Fields() == nil) {
			t.Errorf("%v: Numeric %v but Fields %v", k, k.Numeric(), k.Fields())
		}
	}
	if _, err := ParseKind("event"); err == nil {
		t.Error("ParseKind(event) succeeded")
	}
	if Kind(0).Valid() || Kind(7).String() != "Kind(7)" {
		t.Error("invalid kind misreported")
	}
}

func TestChecksum(t *testing.T) {
	path := filepath.Join(t.TempDir(), "f")
	if err := os.WriteFile(path, []byte("abc"), 0o644); err != nil {
		t.Fatal(err)
	}
	got, err := Checksum(path)
	if want := "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"; err != nil || got != want {
		t.Fatalf("Checksum = %q, %v, want %q", got, err, want)
	}
	if _, err := Checksum(path + ".missing"); err == nil {
		t.Fatal("Checksum of a missing file succeeded")
	}
}

func TestDeterministic(t *testing.T) {
	dir := t.TempDir()
	cols := []Column{{Name: "a"}, {Name: "b"}}
	meta := map[string]string{MetaSeed: "1", MetaTask: "2", MetaModel: "x: 1"}
	rows := makeRows(Timeseries, 3000, 2)
	a := writeFile(t, filepath.Join(dir, "a.parquet"), Timeseries, cols, meta, rows)
	b := writeFile(t, filepath.Join(dir, "b.parquet"), Timeseries, cols, meta, rows)
	sa, _ := Checksum(a)
	sb, _ := Checksum(b)
	if sa != sb {
		t.Fatal("the same rows and metadata gave different files")
	}
}

func TestWriteAllocs(t *testing.T) {
	w, err := Create(filepath.Join(t.TempDir(), "x.parquet"), Timeseries, []Column{{Name: "a"}, {Name: "b"}, {Name: "c"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Abort()
	values := []float64{1, 2, 3}
	i := 0
	write := func() {
		i++
		if err := w.Write(int64(i/1000), float64(i), values); err != nil {
			t.Fatal(err)
		}
	}
	for range 10 * rowBatch { // warm up
		write()
	}
	if avg := testing.AllocsPerRun(20000, write); avg > 0 {
		t.Errorf("Write allocates %v times per row on average", avg)
	}
}

func BenchmarkWrite(b *testing.B) {
	cols := make([]Column, 20)
	for i := range cols {
		cols[i].Name = fmt.Sprintf("c%d", i)
	}
	w, err := Create(filepath.Join(b.TempDir(), "x.parquet"), Timeseries, cols, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer w.Abort()
	values := make([]float64, len(cols))
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		values[i%len(values)] = float64(i)
		if err := w.Write(int64(i/4000), float64(i%4000)*0.01, values); err != nil {
			b.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		b.Fatal(err)
	}
}
