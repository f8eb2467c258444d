package results

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"os"

	"github.com/parquet-go/parquet-go"
)

// scanBatch is the number of rows Scan reads from the Parquet reader at once.
const scanBatch = 1024

// File is an open results file. Open reads only the footer; the rows are
// streamed by Scan. A File is not safe for concurrent use.
type File struct {
	// Kind is the kind of the table, derived from its schema.
	Kind Kind

	path  string
	f     *os.File
	pf    *parquet.File
	cols  []Column
	meta  map[string]string
	first int // index of the first value column
}

// Field describes one column of a file's schema, including the leading
// replicate and t_ms columns.
type Field struct {
	Column
	// Type is the Parquet physical type: "INT64" or "DOUBLE".
	Type string `json:"type"`
	// Optional reports whether the column may hold nulls; files written by
	// Writer have only required columns.
	Optional bool `json:"optional,omitempty"`
}

// Open opens the results file at path and reads its footer. It checks that
// the file is a Parquet file laid out as a results table: a first column
// "replicate" of type INT64, then (but for Summary) a column "t_ms" of type
// DOUBLE, then any number of DOUBLE, INT64 or STRING columns (Scan reads
// STRING values as NaN; exports add a STRING condition column), all flat
// and not repeated. The kind
// comes from the MetaKind metadata, or from the schema in files without
// it.
// Optional (nullable) DOUBLE columns are accepted; Scan reports their nulls
// as NaN. Every error names the file; a corrupt file gives an error, never a
// panic.
func Open(path string) (*File, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("results: %w", err)
	}
	file, err := open(path, f)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("results: open %s: %w", path, err)
	}
	return file, nil
}

// open does the work of Open; its errors do not name the file.
func open(path string, f *os.File) (*File, error) {
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if st.IsDir() {
		return nil, errors.New("is a directory")
	}
	size := st.Size()
	if err := checkFrame(f, size); err != nil {
		return nil, err
	}
	var pf *parquet.File
	err = protect(func() (err error) {
		pf, err = parquet.OpenFile(f, size, parquet.SkipBloomFilters(true))
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("corrupt (or not a Parquet file): its footer does not decode: %w", err)
	}
	file := &File{path: path, f: f, pf: pf}
	if err := file.init(); err != nil {
		return nil, err
	}
	return file, nil
}

// checkFrame checks the magic bytes and footer length of a Parquet file
// before the footer is decoded, so that truncated files get a clear error
// and a corrupt length cannot cause a huge allocation.
func checkFrame(r io.ReaderAt, size int64) error {
	const frame = 4 + 8 // header magic + footer length and magic
	if size < frame {
		return fmt.Errorf("not a Parquet file: only %d bytes (truncated?)", size)
	}
	var head [4]byte
	var tail [8]byte
	if _, err := r.ReadAt(head[:], 0); err != nil {
		return fmt.Errorf("reading header: %w", err)
	}
	if _, err := r.ReadAt(tail[:], size-8); err != nil {
		return fmt.Errorf("reading footer: %w", err)
	}
	if string(head[:]) != "PAR1" {
		return fmt.Errorf("not a Parquet file: bad magic header %q", head[:])
	}
	if string(tail[4:]) != "PAR1" {
		if string(tail[4:]) == "PARE" {
			return errors.New("encrypted Parquet files are not supported")
		}
		return fmt.Errorf("truncated or corrupt Parquet file: bad magic footer %q", tail[4:])
	}
	if n := int64(binary.LittleEndian.Uint32(tail[:4])); n == 0 || n > size-frame {
		return fmt.Errorf("truncated or corrupt Parquet file: footer length %d does not fit in %d bytes", n, size)
	}
	return nil
}

// protect runs fn and turns a panic into an error: parquet-go may panic on
// corrupt input.
func protect(fn func() error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("corrupt file: %v", r)
		}
	}()
	return fn()
}

// init checks the schema and decodes the metadata.
func (f *File) init() error {
	md := f.pf.Metadata()
	f.meta = make(map[string]string, len(md.KeyValueMetadata))
	for _, kv := range md.KeyValueMetadata {
		f.meta[kv.Key] = kv.Value
	}

	fields := f.pf.Schema().Fields()
	for i, fd := range fields {
		if !fd.Leaf() || fd.Repeated() {
			return fmt.Errorf("not a results table: column %d (%q) is nested or repeated", i, fd.Name())
		}
	}
	if f.meta[MetaKind] == Conditions.String() {
		f.Kind, f.first = Conditions, 0 // no leading columns
	} else if len(fields) == 0 || fields[0].Name() != ColReplicate || fields[0].Type().Kind() != parquet.Int64 || fields[0].Optional() {
		return fmt.Errorf("not a results table: the first column must be a required INT64 %q", ColReplicate)
	} else {
		f.Kind, f.first = Summary, 1
		if len(fields) > 1 && fields[1].Name() == ColTime {
			f.Kind, f.first = Timeseries, 2
		}
	}
	if s, ok := f.meta[MetaKind]; ok && f.Kind != Conditions {
		k, err := ParseKind(s)
		if err == nil && !k.Numeric() && f.first == 2 {
			f.Kind = k // a fixed-schema table: it has t_ms too
		} else if err != nil || k != f.Kind {
			return fmt.Errorf("metadata %s=%q does not match the schema (a %v table)", MetaKind, s, f.Kind)
		}
	}
	for i, fd := range fields[min(f.first, 1):] {
		i += min(f.first, 1)
		typ := typeOf(fd)
		if i == 1 && f.first == 2 && typ != TypeDouble {
			return fmt.Errorf("not a results table: column 1 (%q) has type %v, want DOUBLE", fd.Name(), fd.Type().Kind())
		}
		if typ == "" {
			return fmt.Errorf("not a results table: column %d (%q) has type %v, want DOUBLE, INT64 or STRING", i, fd.Name(), fd.Type().Kind())
		}
	}
	for i, rg := range md.RowGroups {
		if len(rg.Columns) != len(fields) {
			return fmt.Errorf("corrupt footer: row group %d has %d column chunks, want %d", i, len(rg.Columns), len(fields))
		}
		if rg.NumRows < 0 {
			return fmt.Errorf("corrupt footer: row group %d has %d rows", i, rg.NumRows)
		}
	}

	// Units and descriptions come from MetaColumns when it is present and
	// parses; the names and their order always come from the schema.
	described := map[string]Column{}
	if s, ok := f.meta[MetaColumns]; ok {
		if cols, err := decodeColumns(s); err == nil {
			for _, c := range cols {
				described[c.Name] = c
			}
		}
	}
	f.cols = make([]Column, 0, len(fields)-f.first)
	for _, fd := range fields[f.first:] {
		c, ok := described[fd.Name()]
		if !ok {
			c = Column{Name: fd.Name()}
		}
		f.cols = append(f.cols, c)
	}
	return nil
}

// Path returns the path the file was opened with.
func (f *File) Path() string { return f.path }

// Columns returns the value columns (without replicate and t_ms) in file
// order, with units and descriptions from the MetaColumns metadata when
// present. The caller must not modify the returned slice.
func (f *File) Columns() []Column { return f.cols }

// Fields returns every column of the file in order, including replicate and
// (for Timeseries) t_ms, with its Parquet type.
func (f *File) Fields() []Field {
	pfields := f.pf.Schema().Fields()
	out := make([]Field, len(pfields))
	for i, fd := range pfields {
		var c Column
		switch {
		case i == 0 && f.first >= 1:
			c = ReplicateColumn
		case i == 1 && f.first == 2:
			c = TimeColumn
		default:
			c = f.cols[i-f.first]
		}
		out[i] = Field{Column: c, Type: typeOf(fd), Optional: fd.Optional()}
	}
	return out
}

// Meta returns a copy of the key-value metadata.
func (f *File) Meta() map[string]string {
	m := make(map[string]string, len(f.meta))
	for k, v := range f.meta {
		m[k] = v
	}
	return m
}

// Lookup returns the value of one metadata key.
func (f *File) Lookup(key string) (string, bool) {
	v, ok := f.meta[key]
	return v, ok
}

// NumRows returns the number of rows of the file.
func (f *File) NumRows() int64 { return f.pf.NumRows() }

// NumRowGroups returns the number of row groups of the file.
func (f *File) NumRowGroups() int { return len(f.pf.Metadata().RowGroups) }

// Size returns the size of the file in bytes.
func (f *File) Size() int64 { return f.pf.Size() }

// Codecs returns the distinct compression codecs used by the column chunks,
// e.g. ["ZSTD"], in order of first use.
func (f *File) Codecs() []string {
	var out []string
	seen := map[string]bool{}
	for _, rg := range f.pf.Metadata().RowGroups {
		for _, cc := range rg.Columns {
			s := cc.MetaData.Codec.String()
			if !seen[s] {
				seen[s] = true
				out = append(out, s)
			}
		}
	}
	return out
}

// Schema returns the Parquet schema in its printable (message) form.
func (f *File) Schema() string { return f.pf.Schema().String() }

// Parquet returns the underlying parquet-go file, for uses this package does
// not cover. It is valid until Close.
func (f *File) Parquet() *parquet.File { return f.pf }

// Scan calls fn for every row of the file, in file order, streaming the rows
// one row group and one batch at a time: memory use does not grow with the
// file. tMS is 0 for Summary files.
//
// The values slice is reused between calls: fn must copy it (or the values
// it needs) if it keeps them after returning. Null values of optional columns
// are reported as NaN.
//
// Scan stops at the first error: an error returned by fn is returned as is;
// a read error or corrupt data gives an error that names the file.
func (f *File) Scan(fn func(replicate int64, tMS float64, values []float64) error) error {
	if !f.Kind.Numeric() {
		return fmt.Errorf("results: scan %s: a %v table is read with ScanRows", f.path, f.Kind)
	}
	values := make([]float64, len(f.cols))
	return f.scan(func(row parquet.Row) error {
		rep := row[0].Int64()
		tMS := 0.0
		if f.first == 2 {
			tMS = double(row[1])
		}
		for i := range values {
			values[i] = double(row[f.first+i])
		}
		return fn(rep, tMS, values)
	})
}

// ScanRows calls fn for every row of a table of any kind, in file order,
// streaming like Scan, with one value per field (Fields), the leading
// columns included. The slice is reused between calls.
func (f *File) ScanRows(fn func(row []Value) error) error {
	vals := make([]Value, f.first+len(f.cols))
	return f.scan(func(row parquet.Row) error {
		for i := range vals {
			vals[i] = Value{row[i]}
		}
		return fn(vals)
	})
}

// scan streams the rows of the file to fn, after checking their width
// and replicate.
func (f *File) scan(fn func(row parquet.Row) error) error {
	width := f.first + len(f.cols)
	buf := make([]parquet.Row, scanBatch)
	for i := range buf {
		buf[i] = make(parquet.Row, 0, width)
	}
	for g, rg := range f.pf.RowGroups() {
		want := rg.NumRows()
		var got int64
		rows := rg.Rows()
		for {
			var n int
			err := protect(func() (err error) {
				n, err = rows.ReadRows(buf)
				return err
			})
			if err != nil && err != io.EOF {
				rows.Close()
				return fmt.Errorf("results: scan %s: row group %d: %w", f.path, g, err)
			}
			eof := err == io.EOF
			if n > len(buf) || got+int64(n) > want {
				rows.Close()
				return fmt.Errorf("results: scan %s: row group %d: corrupt file: more rows than the %d in the footer", f.path, g, want)
			}
			for _, row := range buf[:n] {
				if len(row) != width {
					rows.Close()
					return fmt.Errorf("results: scan %s: row group %d: corrupt file: row %d has %d values, want %d", f.path, g, got, len(row), width)
				}
				if f.first > 0 && row[0].IsNull() {
					rows.Close()
					return fmt.Errorf("results: scan %s: row group %d: corrupt file: null replicate in row %d", f.path, g, got)
				}
				got++
				if err := fn(row); err != nil {
					rows.Close()
					return err
				}
			}
			if eof || n == 0 {
				break
			}
		}
		if err := rows.Close(); err != nil {
			return fmt.Errorf("results: scan %s: row group %d: %w", f.path, g, err)
		}
		if got != want {
			return fmt.Errorf("results: scan %s: row group %d: corrupt file: read %d rows, the footer says %d", f.path, g, got, want)
		}
	}
	return nil
}

// double returns the value of a DOUBLE or INT64 column as a float64, NaN
// for null and for STRING values.
func double(v parquet.Value) float64 {
	switch {
	case v.IsNull(), v.Kind() == parquet.ByteArray:
		return math.NaN()
	case v.Kind() == parquet.Int64:
		return float64(v.Int64())
	}
	return v.Double()
}

// Close closes the file.
func (f *File) Close() error {
	if f.f == nil {
		return ErrClosed
	}
	err := f.f.Close()
	f.f = nil
	if err != nil {
		return fmt.Errorf("results: close %s: %w", f.path, err)
	}
	return nil
}
