package results

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzOpen feeds arbitrary bytes to Open and Scan: they must return errors,
// never panic or hang.
func FuzzOpen(f *testing.F) {
	dir := f.TempDir()
	for i, kind := range []Kind{Timeseries, Summary} {
		path := filepath.Join(dir, kind.String()+".parquet")
		writeFile(f, path, kind, []Column{{Name: "a", Unit: "uM"}, {Name: "b"}}, map[string]string{MetaSeed: "7"}, makeRows(kind, 200*(i+1), 2))
		data, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
		f.Add(data[:len(data)/2])
		f.Add(data[len(data)/2:])
	}
	f.Add([]byte("PAR1"))
	f.Add([]byte("PAR1\x00\x00\x00\x00PAR1"))
	f.Add([]byte("PAR1\x15\x00\x15\x00\x15\x00\x00\x00PAR1"))

	// One file per worker process, rewritten for each input: the fuzz
	// function runs sequentially within a worker, and a fresh temporary
	// directory per input made each execution (and so minimisation) slow.
	path := filepath.Join(dir, "fuzz.parquet")
	f.Fuzz(func(t *testing.T, data []byte) {
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		file, err := Open(path)
		if err != nil {
			return
		}
		defer file.Close()
		_ = file.Columns()
		_ = file.Fields()
		_ = file.Schema()
		_ = file.Codecs()
		_ = file.Meta()
		var n int64
		err = file.Scan(func(int64, float64, []float64) error { n++; return nil })
		if err == nil && n != file.NumRows() {
			t.Fatalf("Scan read %d rows without error, the footer says %d", n, file.NumRows())
		}
	})
}
