package results

import (
	"errors"
	"fmt"
	"path/filepath"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/compress/zstd"

	"github.com/reuptake/reuptake/montecarlo/atomicfile"
)

// RowGroupRows is the number of rows per row group of the files that Writer
// writes (the last row group may be shorter).
const RowGroupRows = 64 * 1024

// rowBatch is the number of rows buffered by Writer before they are handed to
// the Parquet writer (which works in batches of 64 rows).
const rowBatch = 64

// writeBufferSize is the size of the buffer between the Parquet writer and the
// file.
const writeBufferSize = 1 << 20

// zstdCodec is shared by all writers; it pools its encoders.
var zstdCodec = &zstd.Codec{Level: zstd.SpeedDefault}

// Writer writes one results table to a Parquet file. Rows are written to a
// temporary file in the destination directory, which Close renames to the
// final path once the file is complete and synced; Abort removes it. A Writer
// is not safe for concurrent use.
//
// The usual pattern is:
//
//	w, err := results.Create(path, results.Timeseries, cols, meta)
//	if err != nil { ... }
//	defer w.Abort() // no-op after a successful Close
//	for ... { if err := w.Write(rep, t, values); err != nil { return err } }
//	return w.Close()
type Writer struct {
	path    string
	kind    Kind
	cols    []Column
	fields  []Field
	isInt   []bool // per value column: INT64 (Write converts)
	strCol  bool   // some value column is a STRING (only WriteRow writes it)
	f       *atomicfile.File
	pw      *parquet.GenericWriter[any]
	rows    []parquet.Row
	n       int // rows buffered in rows
	first   int // index of the first value column in a row
	written int64
	err     error // sticky error of the Parquet writer
	done    bool  // closed or aborted
}

// Create starts writing a results table of the given kind and value columns
// to path. The parent directories are created as needed. The file is written
// under a temporary name in the same directory (".<base>.tmp-<random>") and
// only appears under path when Close succeeds; an existing file at path is
// then replaced atomically.
//
// The file's key-value metadata holds every entry of meta plus MetaColumns
// (the JSON of cols) and MetaKind, which Create sets itself, overriding any
// value given in meta. Create does not add MetaCreated: files written from
// the same inputs are byte-identical unless the caller sets it.
//
// Column names must pass ValidColumnName and be distinct.
func Create(path string, kind Kind, cols []Column, meta map[string]string) (*Writer, error) {
	fields, err := numericFields(kind, cols)
	if err != nil {
		return nil, err
	}
	return CreateFields(path, kind, fields, meta)
}

// CreateFields is Create for a table described by all its fields, the
// leading replicate (and, but for Summary, t_ms) included: the fixed
// schemas of Kind.Fields, or Timeseries and Summary tables whose value
// columns are INT64, DOUBLE or STRING (Write handles tables without
// STRING columns; WriteRow every table). MetaColumns holds the columns
// after the leading ones.
func CreateFields(path string, kind Kind, fields []Field, meta map[string]string) (*Writer, error) {
	schema, err := buildSchema(kind, fields)
	if err != nil {
		return nil, err
	}
	if _, base := filepath.Split(path); base == "" {
		return nil, fmt.Errorf("results: create %q: path names a directory", path)
	}
	f, err := atomicfile.Create(path, 0o644)
	if err != nil {
		return nil, fmt.Errorf("results: create %s: %w", path, err)
	}

	fields = append([]Field(nil), fields...)
	first := leading(kind)
	cols := make([]Column, 0, len(fields)-first)
	isInt := make([]bool, 0, len(fields)-first)
	strCol := false
	for _, f := range fields[first:] {
		cols = append(cols, f.Column)
		isInt = append(isInt, f.Type == TypeInt64)
		strCol = strCol || f.Type == TypeString
	}
	opts := []parquet.WriterOption{
		schema,
		parquet.Compression(zstdCodec),
		parquet.MaxRowsPerRowGroup(RowGroupRows),
		parquet.DataPageStatistics(true),
		parquet.DataPageVersion(1),
		parquet.WriteBufferSize(writeBufferSize),
	}
	for k, v := range meta {
		opts = append(opts, parquet.KeyValueMetadata(k, v))
	}
	opts = append(opts,
		parquet.KeyValueMetadata(MetaColumns, encodeColumns(cols)),
		parquet.KeyValueMetadata(MetaKind, kind.String()),
	)

	w := &Writer{
		path:   path,
		kind:   kind,
		cols:   cols,
		fields: fields,
		isInt:  isInt,
		strCol: strCol,
		f:      f,
		pw:     parquet.NewGenericWriter[any](f, opts...),
		rows:   make([]parquet.Row, rowBatch),
	}
	w.first = first
	width := len(fields)
	for i := range w.rows {
		w.rows[i] = make(parquet.Row, width)
	}
	return w, nil
}

// Path returns the final path of the file.
func (w *Writer) Path() string { return w.path }

// Kind returns the kind of the table.
func (w *Writer) Kind() Kind { return w.kind }

// Columns returns the value columns of the table; the caller must not modify
// the returned slice.
func (w *Writer) Columns() []Column { return w.cols }

// Rows returns the number of rows written so far.
func (w *Writer) Rows() int64 { return w.written + int64(w.n) }

// Fields returns every column of the table, the leading ones included; the
// caller must not modify the returned slice.
func (w *Writer) Fields() []Field { return w.fields }

// Write appends one row of a Timeseries or Summary table. values holds one
// value per value column, in order (INT64 columns get the value converted);
// tMS is ignored for Summary tables. Write does not allocate
// in steady state: rows are buffered and handed to the Parquet writer in
// batches. After an I/O error every later Write and Close returns that error.
func (w *Writer) Write(replicate int64, tMS float64, values []float64) error {
	if w.done {
		return ErrClosed
	}
	if w.err != nil {
		return w.err
	}
	if !w.kind.Numeric() || w.strCol {
		return fmt.Errorf("results: write %s: a %v table with string columns is written with WriteRow", w.path, w.kind)
	}
	if len(values) != len(w.cols) {
		return fmt.Errorf("results: write %s: got %d values, want %d", w.path, len(values), len(w.cols))
	}
	row := w.rows[w.n]
	row[0] = parquet.Int64Value(replicate).Level(0, 0, 0)
	if w.first == 2 {
		row[1] = parquet.DoubleValue(tMS).Level(0, 0, 1)
	}
	for i, v := range values {
		if w.isInt[i] {
			row[w.first+i] = parquet.Int64Value(int64(v)).Level(0, 0, w.first+i)
		} else {
			row[w.first+i] = parquet.DoubleValue(v).Level(0, 0, w.first+i)
		}
	}
	w.n++
	if w.n == len(w.rows) {
		return w.flushRows()
	}
	return nil
}

// WriteRow appends one row of any table: one value per field, in order,
// of the field's type (the leading replicate and t_ms included). Like
// Write, it does not allocate in steady state.
func (w *Writer) WriteRow(values ...Value) error {
	if w.done {
		return ErrClosed
	}
	if w.err != nil {
		return w.err
	}
	if len(values) != len(w.fields) {
		return fmt.Errorf("results: write %s: got %d values, want %d", w.path, len(values), len(w.fields))
	}
	row := w.rows[w.n]
	for i, v := range values {
		if want := w.fields[i].Type; !v.is(want) {
			return fmt.Errorf("results: write %s: column %q is %s, got %v", w.path, w.fields[i].Name, want, v.v.Kind())
		}
		row[i] = v.v.Level(0, 0, i)
	}
	w.n++
	if w.n == len(w.rows) {
		return w.flushRows()
	}
	return nil
}

// SetMeta sets a key-value metadata entry of the file; it may be called
// until Close (for values known only at the end of the table).
func (w *Writer) SetMeta(key, value string) {
	if !w.done {
		w.pw.SetKeyValueMetadata(key, value)
	}
}

// flushRows hands the buffered rows to the Parquet writer.
func (w *Writer) flushRows() error {
	if w.n == 0 {
		return nil
	}
	batch := w.n
	n, err := w.pw.WriteRows(w.rows[:batch])
	w.written += int64(n)
	w.n = 0
	if err == nil && n != batch {
		err = errors.New("short write")
	}
	if err != nil {
		w.err = fmt.Errorf("results: write %s: %w", w.path, err)
		return w.err
	}
	return nil
}

// Close writes the buffered rows and the footer, syncs the temporary file,
// renames it to the final path and syncs the directory. On error the
// temporary file is removed and nothing appears under the final path (unless
// only the final directory sync failed, in which case the file is in place
// but its durability is not guaranteed). Close after Close or Abort returns
// ErrClosed.
func (w *Writer) Close() error {
	if w.done {
		return ErrClosed
	}
	err := w.finish()
	if err != nil {
		w.Abort()
		return err
	}
	w.done = true
	if err := w.f.Commit(); err != nil {
		return fmt.Errorf("results: close %s: %w", w.path, err)
	}
	return nil
}

// finish writes the buffered rows and the footer to the temporary file.
func (w *Writer) finish() error {
	if w.err != nil {
		return w.err
	}
	if err := w.flushRows(); err != nil {
		return err
	}
	if err := w.pw.Close(); err != nil {
		return fmt.Errorf("results: close %s: %w", w.path, err)
	}
	return nil
}

// Abort discards the table: it closes and removes the temporary file. It is a
// no-op after Close or Abort, and on a nil Writer, so it can be deferred
// right after Create.
func (w *Writer) Abort() {
	if w == nil || w.done {
		return
	}
	w.done = true
	w.f.Abort()
}
