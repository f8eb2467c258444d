package results

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestFixedTablesRoundTrip writes every fixed-schema table and reads it
// back, value by value, with its kind and column types.
func TestFixedTablesRoundTrip(t *testing.T) {
	for _, k := range []Kind{Snapshots, Sites, Events} {
		t.Run(k.String(), func(t *testing.T) {
			fields := k.Fields()
			path := filepath.Join(t.TempDir(), "p.parquet")
			w, err := CreateFields(path, k, fields, map[string]string{MetaSeed: "3"})
			if err != nil {
				t.Fatal(err)
			}
			defer w.Abort()
			names := []string{"glu", "cleft", "", "é"}
			cell := func(r, i int) Value {
				switch fields[i].Type {
				case TypeInt64:
					return Int(int64(r*10 + i - 5))
				case TypeDouble:
					return Double(float64(r) + float64(i)/8)
				}
				return String(names[(r+i)%len(names)])
			}
			const n = 1000
			row := make([]Value, len(fields))
			for r := 0; r < n; r++ {
				for i := range fields {
					row[i] = cell(r, i)
				}
				if err := w.WriteRow(row...); err != nil {
					t.Fatal(err)
				}
			}
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			f, err := Open(path)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			if f.Kind != k || f.NumRows() != n {
				t.Fatalf("kind %v rows %d, want %v %d", f.Kind, f.NumRows(), k, n)
			}
			for i, fd := range f.Fields() {
				if fd.Name != fields[i].Name || fd.Type != fields[i].Type {
					t.Errorf("field %d = %s %s, want %s %s", i, fd.Name, fd.Type, fields[i].Name, fields[i].Type)
				}
			}
			r := 0
			err = f.ScanRows(func(row []Value) error {
				for i, v := range row {
					if want := cell(r, i); v.String() != want.String() {
						t.Fatalf("row %d column %s = %v, want %v", r, fields[i].Name, v, want)
					}
				}
				r++
				return nil
			})
			if err != nil || r != n {
				t.Fatalf("ScanRows: %d rows, %v", r, err)
			}
			if err := f.Scan(func(int64, float64, []float64) error { return nil }); err == nil {
				t.Error("Scan of a fixed-schema table succeeded")
			}
		})
	}
}

// TestIntColumns: Timeseries value columns may be INT64; Scan reads them
// as float64 and Fields says INT64.
func TestIntColumns(t *testing.T) {
	fields := []Field{{Column: ReplicateColumn, Type: TypeInt64}, {Column: TimeColumn, Type: TypeDouble},
		{Column: Column{Name: "free", Role: RoleCount}, Type: TypeInt64}, {Column: Column{Name: "conc"}, Type: TypeDouble}}
	path := filepath.Join(t.TempDir(), "i.parquet")
	w, err := CreateFields(path, Timeseries, fields, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 10 {
		if err := w.Write(0, float64(i), []float64{float64(i * 3), 0.5}); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	f, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := f.Fields()[2].Type; got != TypeInt64 {
		t.Errorf("free is %s", got)
	}
	i := 0
	if err := f.Scan(func(_ int64, _ float64, v []float64) error {
		if v[0] != float64(i*3) || v[1] != 0.5 {
			t.Errorf("row %d = %v", i, v)
		}
		i++
		return nil
	}); err != nil {
		t.Fatal(err)
	}
}

func TestWriteRowErrors(t *testing.T) {
	w, err := CreateFields(filepath.Join(t.TempDir(), "e.parquet"), Events, Events.Fields(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Abort()
	if err := w.WriteRow(Int(1)); err == nil || !strings.Contains(err.Error(), "values") {
		t.Errorf("short row: %v", err)
	}
	row := make([]Value, len(Events.Fields()))
	for i := range row {
		row[i] = Int(0)
	}
	if err := w.WriteRow(row...); err == nil || !strings.Contains(err.Error(), "t_ms") {
		t.Errorf("wrong type: %v", err)
	}
	if err := w.Write(0, 0, nil); err == nil {
		t.Error("Write on an events table succeeded")
	}
	if _, err := Create(filepath.Join(t.TempDir(), "x.parquet"), Events, nil, nil); err == nil {
		t.Error("Create of an events table succeeded")
	}
}

// TestConditionsTable: a conditions table has no replicate column and
// reads back with its kind and typed columns.
func TestConditionsTable(t *testing.T) {
	path := filepath.Join(t.TempDir(), "conditions.parquet")
	fields := []Field{{Column: Column{Name: "condition"}, Type: TypeString}, {Column: Column{Name: "species.glu.D", Unit: "um^2/ms"}, Type: TypeDouble}}
	w, err := CreateFields(path, Conditions, fields, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i, c := range []string{"a", "b"} {
		if err := w.WriteRow(String(c), Double(0.2*float64(i+1))); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	f, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if f.Kind != Conditions || len(f.Fields()) != 2 || f.Fields()[1].Unit != "um^2/ms" {
		t.Fatalf("kind %v fields %+v", f.Kind, f.Fields())
	}
	var got []string
	f.ScanRows(func(v []Value) error { got = append(got, v[0].Str()+"="+v[1].String()); return nil })
	if strings.Join(got, " ") != "a=0.2 b=0.4" {
		t.Errorf("rows %v", got)
	}
}

func TestWriteRowAllocs(t *testing.T) {
	w, err := CreateFields(filepath.Join(t.TempDir(), "e.parquet"), Events, Events.Fields(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Abort()
	i := 0
	write := func() {
		i++
		if err := w.WriteRow(Int(int64(i/1000)), Double(float64(i)), String("bind"), String("glu"), String("glt1"), Int(3),
			String("To"), String("ToS"), Int(int64(i)), Double(1), Double(2), Double(3), String("cleft")); err != nil {
			t.Fatal(err)
		}
	}
	for range 10 * rowBatch {
		write()
	}
	if avg := testing.AllocsPerRun(20000, write); avg > 0 {
		t.Errorf("WriteRow allocates %v times per row on average", avg)
	}
}
